#!/usr/bin/env bash
# How crosscheck's time grows with corpus size: runs `crosscheck check` on
# 1×, 2× and 4× a corpus and prints seconds, MB/s and peak RSS per size.
#
#   scripts/bench-scaling.sh CORPUS_DIR OUT_DIR
#
# CORPUS_DIR is a folder of documents, or a gen_corpus.py --out folder (its
# docs/ is used).  4× is the whole corpus; 2× and 1× are every 2nd and every
# 4th document (in sorted order, so each size keeps the corpus's language
# mix), linked into OUT_DIR/sizes/ with symlinks (nothing is copied).  No
# truth is needed: this measures time only.  The last column divides the
# growth in time by the growth in size (1.00 = linear).
#
# Env: REPEAT (default 1: runs per size, the fastest is kept), SIZES
# (default "4 2 1": the strides), CROSSCHECK_ARGS, NO_BUILD=1.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 2 ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
REPO="$(cd "$HERE/.." && pwd)"
SRC="$(cd "$1" && pwd)"; OUT="$2"
[ -d "$SRC/docs" ] && SRC="$SRC/docs"
REPEAT="${REPEAT:-1}"
read -r -a STRIDES <<< "${SIZES:-4 2 1}"
[ -x /usr/bin/time ] || { echo "bench-scaling: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"

source "$HERE/bench-lib.sh"
build_crosscheck

mapfile -t FILES < <(cd "$SRC" && find . -type f ! -name '.*' | sed 's|^\./||' | LC_ALL=C sort)
[ ${#FILES[@]} -gt 0 ] || { echo "bench-scaling: no documents in $SRC" >&2; exit 2; }
: > "$OUT/scaling.tsv"
for stride in "${STRIDES[@]}"; do
  dir="$OUT/sizes/every$stride"
  rm -rf "$dir"; mkdir -p "$dir"
  # One process for all links (a fork per file is slow on 20,000 files).
  printf '%s\n' "${FILES[@]}" | python3 -c '
import os, sys
src, dst, stride = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i, f in enumerate(sys.stdin.read().splitlines()):
    if i % stride == 0:
        os.makedirs(os.path.dirname(os.path.join(dst, f)), exist_ok=True)
        os.symlink(os.path.join(src, f), os.path.join(dst, f))' "$SRC" "$dir" "$stride"
  n="$(find -L "$dir" -type f | wc -l)"
  bytes="$(corpus_bytes "$dir")"
  best=""
  for ((r = 0; r < REPEAT; r++)); do
    load="$(load_avg)"
    rc=0
    # shellcheck disable=SC2086
    /usr/bin/time -f '%e %M %P %U %S' -o "$OUT/every$stride.time" \
      "$BIN" check "$dir" --format jsonl ${CROSSCHECK_ARGS:-} > "$OUT/every$stride.jsonl" 2> "$OUT/every$stride.stderr" || rc=$?
    [ "$rc" -ge 2 ] && { echo "bench-scaling: crosscheck exited $rc on $dir:" >&2; tail -3 "$OUT/every$stride.stderr" >&2; }
    read -r wall rss cpu user sys < <(tail -1 "$OUT/every$stride.time")
    cpus="$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')"
    pairs="$(grep -c '"type":"pair"' "$OUT/every$stride.jsonl" || true)"
    echo "== one doc in $stride: $n docs, $bytes bytes, $wall s, $rss KB, load $load" >&2
    if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN {exit !(a < b)}'; then
      best="$wall $rss $cpu $cpus $pairs $load"
    fi
  done
  echo "$stride $n $bytes $best" >> "$OUT/scaling.tsv"
done

python3 - "$OUT/scaling.tsv" "$SRC" "$REPEAT" <<'PYEOF' | tee "$OUT/scaling.md"
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
rows = [dict(stride=int(r[0]), docs=int(r[1]), bytes=int(r[2]), wall=float(r[3]), rss_kb=int(r[4]),
             cpu=r[5], cpu_s=float(r[6]), pairs=int(r[7]), load=" ".join(r[8:])) for r in rows]
rows.sort(key=lambda r: r["bytes"])
base = rows[0]
print(f"\nscaling of `crosscheck check` on {sys.argv[2]} (fastest of {sys.argv[3]} run(s) per size)\n")
print("| size | docs | MB | pairs | wall s | MB/s | CPU s (CPU %) | peak RSS MB | wall growth / size growth | CPU s growth / size growth | load at start |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    size = r["bytes"] / base["bytes"]
    growth = (r["wall"] / base["wall"]) / size if base["wall"] > 0 else float("nan")
    cgrowth = (r["cpu_s"] / base["cpu_s"]) / size if base["cpu_s"] > 0 else float("nan")
    print(f"| {size:.2f}× | {r['docs']} | {r['bytes'] / 1e6:.1f} | {r['pairs']} | {r['wall']:.2f} | "
          f"{r['bytes'] / 1e6 / max(r['wall'], 1e-9):.1f} | {r['cpu_s']:.2f} ({r['cpu']}) | {r['rss_kb'] * 1024 / 1e6:.0f} | {growth:.2f} | {cgrowth:.2f} | {r['load']} |")
PYEOF
