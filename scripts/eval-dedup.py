#!/usr/bin/env python3
"""Evaluation of `crosscheck dedup` (issue #4). Reads corpora from ../shared
(never copied into the repo); prints numbers for the closing note.

  eval-dedup.py snn [--bin PATH] [--min-overlap X ...] [--no-source] [--dates]
      SaudiNewsNet wire-story folders (../shared/corpora/saudinewsnet/clusters):
      all 2,144 files in one run; document clusters vs. folders: adjusted
      Rand index, pairwise precision/recall, and the disagreements.
  eval-dedup.py passage DOCS TRUTH [--bin PATH] [--out DIR]
      `--level passage` on a gen_corpus.py corpus: clusters expanded into
      pairs, scored by ../shared/peers/evaluate.py --strict.
"""
import argparse
import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
SNN = os.path.join(SHARED, "corpora", "saudinewsnet")
PEERS = os.path.join(SHARED, "peers")


def run_dedup(binary, paths, extra):
    cmd = [binary, "dedup", "--format", "jsonl", *extra, *paths]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode not in (0,):
        sys.stderr.write(res.stderr)
        raise SystemExit(f"{' '.join(cmd)} exited {res.returncode}")
    return [json.loads(l) for l in res.stdout.splitlines() if l.strip()]


def comb2(n):
    return n * (n - 1) // 2


def ari(labels_true, labels_pred):
    """Adjusted Rand index (Hubert & Arabie) of two labelings of the same items."""
    items = list(labels_true)
    cont = Counter((labels_true[i], labels_pred[i]) for i in items)
    a = Counter(labels_true[i] for i in items)
    b = Counter(labels_pred[i] for i in items)
    index = sum(comb2(n) for n in cont.values())
    sa = sum(comb2(n) for n in a.values())
    sb = sum(comb2(n) for n in b.values())
    expected = sa * sb / comb2(len(items))
    maximum = (sa + sb) / 2
    return (index - expected) / (maximum - expected), index, sa, sb


def snn(args):
    rows = list(csv.DictReader(open(os.path.join(SNN, "clusters.csv"), encoding="utf-8")))
    tmp = tempfile.mkdtemp(prefix="eval-dedup-")
    jl = os.path.join(tmp, "snn.jsonl")
    truth = {}
    with open(jl, "w", encoding="utf-8") as f:
        for r in rows:
            name = os.path.basename(r["file"])
            truth[name] = r["cluster"]
            text = open(os.path.join(SNN, r["file"]), encoding="utf-8").read()
            art = {"id": name, "text": text}
            if not args.no_source:
                art["source"] = r["source"]
            if args.dates:
                art["date"] = r["date_extracted"]
            f.write(json.dumps(art, ensure_ascii=False) + "\n")
    print(f"{len(truth)} files in {len(set(truth.values()))} folders", file=sys.stderr)
    table = []
    for mo in args.min_overlap:
        extra = ["--min-overlap", str(mo)] if mo else []
        out = run_dedup(args.bin, [jl], extra)
        pred = {}
        overlap_of = {}
        for m in out:
            if m["type"] == "cluster":
                for mem in m["members"]:
                    pred[mem["doc"]] = f"k{m['id']}"
                    overlap_of[mem["doc"]] = (m["id"], m["representative"], mem["overlap"])
        for n in truth:
            pred.setdefault(n, "single:" + n)
        score, both, st, sp = ari(truth, pred)
        prec = both / sp if sp else 0.0
        rec = both / st if st else 0.0
        summ = [m for m in out if m["type"] == "summary"][0]
        bp = [m for m in out if m["type"] == "boilerplate"]
        table.append((mo or "default", score, prec, rec, summ["clusters"], summ["singletons"], len(bp)))
        if args.details:
            report_disagreements(truth, pred, overlap_of, bp)
    print("| --min-overlap | ARI | pair precision | pair recall | clusters | singletons | boilerplate units |")
    print("|---|---|---|---|---|---|---|")
    for t in table:
        print(f"| {t[0]} | {t[1]:.4f} | {t[2]:.4f} | {t[3]:.4f} | {t[4]} | {t[5]} | {t[6]} |")


def report_disagreements(truth, pred, overlap_of, bp):
    by_folder = defaultdict(list)
    for n, c in truth.items():
        by_folder[c].append(n)
    by_pred = defaultdict(list)
    for n, c in pred.items():
        by_pred[c].append(n)
    split = []
    for folder, names in sorted(by_folder.items()):
        parts = Counter(pred[n] for n in names)
        if len(parts) > 1:
            split.append((folder, names, parts))
    merged = []
    for k, names in sorted(by_pred.items()):
        folders = Counter(truth[n] for n in names)
        if len(folders) > 1:
            merged.append((k, names, folders))
    print(f"\n## folders split by crosscheck: {len(split)}")
    for folder, names, parts in split:
        desc = []
        for p, cnt in parts.most_common():
            if p.startswith("single:"):
                desc.append(f"singleton {p[7:]}")
            else:
                desc.append(f"{p}({cnt})")
        print(f"- {folder} ({len(names)} files): " + ", ".join(desc))
    print(f"\n## crosscheck clusters spanning several folders: {len(merged)}")
    for k, names, folders in merged:
        print(f"- {k}: " + ", ".join(f"{f}({c})" for f, c in folders.most_common()))
    print(f"\n## boilerplate units: {len(bp)}")
    for b in bp[:20]:
        print(f"- {b['source']}: {b['documents']} docs: {b['text'][:80]!r}")


def passage(args):
    out = run_dedup(args.bin, [args.docs], ["--level", "passage"] + args.extra)
    pairs = []
    for c in out:
        if c["type"] != "cluster":
            continue
        occ = [(m["doc"], s) for m in c["members"] for s in m["spans"]]
        for (da, sa), (db, sb) in itertools.combinations(occ, 2):
            if da == db:
                continue
            pairs.append({"a": {"doc": da, "start": sa["start"], "end": sa["end"]},
                          "b": {"doc": db, "start": sb["start"], "end": sb["end"]}})
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "dedup-passage-pairs.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    summ = [m for m in out if m["type"] == "summary"][0]
    print(json.dumps({"clusters": summ["clusters"], "pairs": len(pairs),
                      "boilerplate": summ["boilerplate"]}), file=sys.stderr)
    py = os.path.expanduser("~/.cache/dedup-peers-venv/bin/python")
    if not os.path.exists(py):
        py = sys.executable
    subprocess.run([py, os.path.join(PEERS, "evaluate.py"), path, args.truth,
                    "--corpus", args.docs, "--strict"], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "crosscheck"))
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snn")
    s.add_argument("--min-overlap", type=float, nargs="*", default=[0])
    s.add_argument("--no-source", action="store_true", help="do not give outlets as sources")
    s.add_argument("--dates", action="store_true", help="give date_extracted as the date")
    s.add_argument("--details", action="store_true", help="list the disagreements")
    p = sub.add_parser("passage")
    p.add_argument("docs")
    p.add_argument("truth")
    p.add_argument("--out", default=tempfile.gettempdir())
    for sp in (s, p):  # --bin also after the subcommand
        sp.add_argument("--bin", default=argparse.SUPPRESS)
    p.add_argument("extra", nargs="*", help="more flags for crosscheck dedup")
    args, rest = ap.parse_known_args()
    if args.cmd == "passage":  # flags it does not know go to crosscheck dedup
        args.extra = [a for a in args.extra + rest if a != "--"]
    elif rest:
        ap.error(f"unrecognized arguments: {' '.join(rest)}")
    if not os.path.isdir(SHARED):
        print(f"skipped: {SHARED} is absent", file=sys.stderr)
        return
    {"snn": snn, "passage": passage}[args.cmd](args)


if __name__ == "__main__":
    main()
