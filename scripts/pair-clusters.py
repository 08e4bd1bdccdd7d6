#!/usr/bin/env python3
"""How a check report's passage pairs group into clusters of one shared passage.

Usage: python3 scripts/pair-clusters.py REPORT.jsonl

REPORT.jsonl is `crosscheck check --format jsonl` output. Passages of one
document that overlap are one occurrence; two occurrences are in one cluster
when a reported pair links them (transitively). Prints, by the number of
documents in a cluster, how many clusters and pairs there are and how many
findings those pairs carry: the data behind "report a passage shared by many
documents once, as a cluster" (docs/performance.md, What is left). Overlap
chains can join neighbouring passages of a document, so clusters are an
upper bound on what one shared passage covers.
"""
import collections
import json
import sys


def main(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith('{"type":"pair"'):
                continue
            d = json.loads(line)
            side = lambda s: (s["doc"], s["start"], s["end"])
            pairs.append((side(d["a"]), side(d["b"]), len(d.get("findings", []))))
    by_doc = collections.defaultdict(set)
    for a, b, _ in pairs:
        by_doc[a[0]].add(a[1:])
        by_doc[b[0]].add(b[1:])
    parent = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    occurrence = {}
    for doc, spans in by_doc.items():
        end = -1
        for s, e in sorted(spans):
            if s >= end:
                cur = (doc, s)
                parent[cur] = cur
            end = max(end, e)
            occurrence[(doc, s, e)] = cur
    for a, b, _ in pairs:
        x, y = find(occurrence[a]), find(occurrence[b])
        if x != y:
            parent[x] = y
    docs = collections.defaultdict(set)
    npairs = collections.Counter()
    findings = collections.Counter()
    for a, b, f in pairs:
        c = find(occurrence[a])
        docs[c].update((a[0], b[0]))
        npairs[c] += 1
        findings[c] += f
    total = len(pairs) or 1
    print(f"{len(pairs)} pairs in {len(npairs)} clusters")
    print("| documents in cluster | clusters | pairs | share of pairs | findings |")
    print("|---|---|---|---|---|")
    for lo, hi in [(2, 2), (3, 5), (6, 10), (11, 30), (31, 100), (101, None)]:
        cs = [c for c in npairs if len(docs[c]) >= lo and (hi is None or len(docs[c]) <= hi)]
        p = sum(npairs[c] for c in cs)
        label = f"{lo}+" if hi is None else (f"{lo}" if lo == hi else f"{lo}–{hi}")
        print(f"| {label} | {len(cs)} | {p} | {p / total:.1%} | {sum(findings[c] for c in cs)} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
