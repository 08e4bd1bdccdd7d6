#!/usr/bin/env bash
# Run crosscheck and its peers on one generated corpus, in the same run, and
# print one Markdown table side by side: pairs, wall time, MB/s, peak RSS,
# recall and precision (scored by the peers' evaluate.py --strict), and each
# peer's wall time over crosscheck's.
#
#   scripts/bench-peers.sh CORPUS_DIR OUT_DIR [MODE ...]
#   scripts/bench-peers.sh --scaling CORPUS_DIR OUT_DIR   (= scripts/bench-scaling.sh)
#
# CORPUS_DIR is a gen_corpus.py --out folder (docs/ + truth.jsonl).
# MODE is a near_dups.py mode (default: rensa datasketch gaoya-minhash);
# `none` runs crosscheck alone.  Every tool runs as one whole process under
# /usr/bin/time (wall time and peak RSS of that process, file reading and
# tokenizing included).  See docs/benchmarks.md.
#
# Env: SHARED (default: ../shared beside the repo), PEERS_VENV (default
# ~/.cache/dedup-peers-venv), THRESHOLD (0.5), CROSSCHECK_ARGS (extra flags
# for `crosscheck check`), NO_BUILD=1 (skip `cargo build --release`).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "--scaling" ]; then
  shift
  exec "$HERE/bench-scaling.sh" "$@"
fi
if [ $# -lt 2 ]; then
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
REPO="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED:-$REPO/../shared}"
PEERS="$SHARED/peers"
CORPUS="$(cd "$1" && pwd)"; OUT="$2"; shift 2
MODES=("$@")
[ ${#MODES[@]} -eq 0 ] && MODES=(rensa datasketch gaoya-minhash)
[ "${MODES[0]}" = none ] && MODES=()
THR="${THRESHOLD:-0.5}"
VENV="${PEERS_VENV:-$HOME/.cache/dedup-peers-venv}"
PY="$VENV/bin/python"
DOCS="$CORPUS/docs"; TRUTH="$CORPUS/truth.jsonl"

[ -d "$DOCS" ] && [ -f "$TRUTH" ] || { echo "bench-peers: $CORPUS has no docs/ and truth.jsonl (make it with $PEERS/gen_corpus.py)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-peers: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
[ -f "$PEERS/evaluate.py" ] || { echo "bench-peers: $PEERS/evaluate.py not found (set SHARED)" >&2; exit 2; }
if [ ! -x "$PY" ]; then
  echo "bench-peers: peers' venv missing, running $PEERS/install.sh" >&2
  PEERS_VENV="$VENV" bash "$PEERS/install.sh" >&2
fi
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"

source "$HERE/bench-lib.sh"
build_crosscheck

BYTES="$(corpus_bytes "$DOCS")"
NDOCS="$(find -L "$DOCS" -type f | wc -l)"
: > "$OUT/results.jsonl"
echo "load before: $(load_avg)" >&2

# run TAG OUTFILE CMD...: runs CMD under /usr/bin/time, stdout to OUTFILE.
run() {
  local tag="$1" outfile="$2"; shift 2
  local rc=0
  echo "== $tag: $*" >&2
  local load; load="$(load_avg)"
  /usr/bin/time -f '%e %M %P %U %S' -o "$OUT/$tag.time" "$@" > "$outfile" 2> "$OUT/$tag.stderr" || rc=$?
  echo "$rc" > "$OUT/$tag.rc"
  echo "$load" > "$OUT/$tag.load"
}

# score TAG PAIRS: evaluate.py --strict, merged with time/RSS into results.jsonl.
score() {
  local tag="$1" pairs="$2"
  "$PY" "$PEERS/evaluate.py" "$pairs" "$TRUTH" --corpus "$DOCS" --threshold "$THR" --strict > "$OUT/$tag.eval.json"
  "$PY" - "$tag" "$OUT" "$BYTES" <<'PYEOF' >> "$OUT/results.jsonl"
import json, sys
tag, out, nbytes = sys.argv[1], sys.argv[2], int(sys.argv[3])
ev = json.load(open(f"{out}/{tag}.eval.json"))
wall, rss_kb, cpu, user, sys_ = open(f"{out}/{tag}.time").read().splitlines()[-1].split()
r = {"tag": tag, "pairs": ev["pairs_reported"], "wall_s": float(wall), "cpu_s": float(user) + float(sys_),
     "peak_rss_mb": int(rss_kb) * 1024 / 1e6, "cpu": cpu, "bytes": nbytes,
     "rc": int(open(f"{out}/{tag}.rc").read()), "load": open(f"{out}/{tag}.load").read().strip()}
r["mb_per_s"] = nbytes / 1e6 / max(r["wall_s"], 1e-9)
for k in ("recall_detectable", "recall_all", "precision_exact", "precision_planted",
          "recall_by_edit", "recall_by_lang", "recall_by_jaccard"):
    r[k] = ev.get(k)
try:  # near_dups.py's own stats line (algo-only seconds)
    st = json.loads(open(f"{out}/{tag}.stderr").read().strip().splitlines()[-1])
    r["algo_s"] = st.get("seconds_algo_only")
except Exception:
    pass
print(json.dumps(r, ensure_ascii=False))
PYEOF
}

# crosscheck: the whole process, JSON Lines out, keep the pair lines.
# shellcheck disable=SC2086
CROSSCHECK_TIMINGS=1 run crosscheck "$OUT/crosscheck.out.jsonl" "$BIN" check "$DOCS" --format jsonl ${CROSSCHECK_ARGS:-}
rc="$(cat "$OUT/crosscheck.rc")"
if [ "$rc" -ge 2 ]; then
  echo "bench-peers: crosscheck exited $rc:" >&2; tail -5 "$OUT/crosscheck.stderr" >&2
  [ -s "$OUT/crosscheck.out.jsonl" ] || exit 1
fi
grep '"type":"pair"' "$OUT/crosscheck.out.jsonl" > "$OUT/crosscheck.jsonl" || true
score crosscheck "$OUT/crosscheck.jsonl"

for mode in "${MODES[@]}"; do
  run "$mode" /dev/null "$PY" "$PEERS/near_dups.py" "$DOCS" --mode "$mode" --threshold "$THR" \
      --split para -o "$OUT/$mode.jsonl"
  if [ "$(cat "$OUT/$mode.rc")" -ne 0 ]; then
    echo "bench-peers: $mode failed:" >&2; tail -3 "$OUT/$mode.stderr" >&2; continue
  fi
  score "$mode" "$OUT/$mode.jsonl"
done

"$PY" - "$OUT/results.jsonl" "$NDOCS" "$CORPUS" "$THR" <<'PYEOF' | tee "$OUT/table.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ndocs, corpus, thr = sys.argv[2], sys.argv[3], sys.argv[4]
cc = next((r for r in rows if r["tag"] == "crosscheck"), None)
print(f"\ncorpus: {corpus} ({ndocs} docs, {rows[0]['bytes'] / 1e6:.1f} MB), threshold {thr}, "
      f"recall and precision by evaluate.py --strict; wall time and peak RSS of the whole process\n")
print("| tool | pairs | wall s | MB/s | CPU s (CPU %) | peak RSS MB | recall (planted, J≥0.5, strict) | precision_exact | precision_planted | wall / crosscheck's | CPU s / crosscheck's | load at start |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    ratio = f"{r['wall_s'] / cc['wall_s']:.1f}×" if cc and cc["wall_s"] > 0 else "-"
    cratio = f"{r['cpu_s'] / cc['cpu_s']:.1f}×" if cc and cc["cpu_s"] > 0 else "-"
    algo = f" (algo {r['algo_s']:.1f})" if r.get("algo_s") is not None else ""
    print(f"| {r['tag']} | {r['pairs']} | {r['wall_s']:.2f}{algo} | {r['mb_per_s']:.1f} | {r['cpu_s']:.2f} ({r['cpu']}) | "
          f"{r['peak_rss_mb']:.0f} | {r['recall_detectable']:.4f} | {r['precision_exact']:.4f} | "
          f"{r['precision_planted']:.4f} | {ratio} | {cratio} | {r['load']} |")
if cc:
    print(f"\ncrosscheck recall by edit: {cc['recall_by_edit']}")
    print(f"crosscheck recall by language: {cc['recall_by_lang']}")
    print(f"crosscheck recall by Jaccard: {cc['recall_by_jaccard']}")
PYEOF
if grep -q 'timing:' "$OUT/crosscheck.stderr"; then
  echo; echo "crosscheck phase timings (CROSSCHECK_TIMINGS lines; not a stable format):"; echo
  grep 'timing:' "$OUT/crosscheck.stderr" | sed 's/^/    /'
fi
echo "load after: $(load_avg)" >&2
