#!/usr/bin/env bash
# End-to-end `crosscheck check` on the 107 MB SaudiNewsNet corpus (real
# Arabic news): wall time, MB/s, peak RSS and peak RSS over corpus size;
# then fingerprinting throughput (MB/s per core) from the criterion bench.
#
#   scripts/bench-snn.sh [OUT_DIR]
#
# The corpus is unpacked (zcat) into OUT_DIR (default: a temporary folder,
# removed at the end) and read as JSON Lines (`content` is the text).
# crosscheck runs with CROSSCHECK_TIMINGS=1; its phase-timing lines on
# stderr, if it prints any, are shown after the table.
# Env: SHARED (default ../shared beside the repo), REPEAT (default 1: runs,
# the fastest is kept), NO_BENCH=1 (skip the criterion fingerprint bench),
# CROSSCHECK_ARGS, NO_BUILD=1.  See docs/benchmarks.md.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED:-$REPO/../shared}"
GZ="$SHARED/corpora/saudinewsnet/articles.jsonl.gz"
REPEAT="${REPEAT:-1}"
[ -f "$GZ" ] || { echo "bench-snn: $GZ not found (set SHARED); skipped" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-snn: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
if [ $# -ge 1 ]; then
  mkdir -p "$1"; OUT="$(cd "$1" && pwd)"
else
  OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
fi

source "$HERE/bench-lib.sh"
build_crosscheck

JSONL="$OUT/saudinewsnet.jsonl"
zcat "$GZ" > "$JSONL"
FILE_BYTES="$(stat -c %s "$JSONL")"
# The article text alone (what the tool fingerprints), for a second MB/s.
TEXT_BYTES="$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    n += len((json.loads(line).get("content") or "").encode("utf-8"))
print(n)' "$JSONL")"

best=""
for ((r = 0; r < REPEAT; r++)); do
  load="$(load_avg)"
  rc=0
  # shellcheck disable=SC2086
  CROSSCHECK_TIMINGS=1 /usr/bin/time -f '%e %M %P %U %S' -o "$OUT/snn.time" \
    "$BIN" check "$JSONL" --format jsonl ${CROSSCHECK_ARGS:-} > "$OUT/snn.out.jsonl" 2> "$OUT/snn.stderr" || rc=$?
  [ "$rc" -ge 2 ] && { echo "bench-snn: crosscheck exited $rc:" >&2; tail -3 "$OUT/snn.stderr" >&2; }
  read -r wall rss cpu user sys < <(tail -1 "$OUT/snn.time")
  cpus="$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')"
  echo "== run $((r + 1)): $wall s, $rss KB, CPU $cpu, load $load" >&2
  if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN {exit !(a < b)}'; then
    best="$wall $rss $cpu $cpus $load"
  fi
done
read -r wall rss cpu cpus load <<< "$best"
summary="$(grep '"type":"summary"' "$OUT/snn.out.jsonl" | tail -1 || true)"

python3 - "$wall" "$rss" "$cpu" "$cpus" "$load" "$FILE_BYTES" "$TEXT_BYTES" "$summary" "$REPEAT" <<'PYEOF'
import json, sys
wall, rss_kb, cpu, cpus, load, fbytes, tbytes, summary, repeat = sys.argv[1:]
wall, rss, fbytes, tbytes = float(wall), int(rss_kb) * 1024, int(fbytes), int(tbytes)
s = json.loads(summary) if summary else {}
print(f"\n`crosscheck check` on SaudiNewsNet (fastest of {repeat} run(s))\n")
print("| corpus MB (JSONL) | text MB | docs | pairs | findings | wall s | MB/s (JSONL) | MB/s (text) | CPU s (CPU %) | peak RSS MB | RSS / corpus | load at start |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
print(f"| {fbytes / 1e6:.1f} | {tbytes / 1e6:.1f} | {s.get('documents', '-')} | {s.get('pairs', '-')} | "
      f"{s.get('findings', '-')} | {wall:.2f} | {fbytes / 1e6 / max(wall, 1e-9):.1f} | "
      f"{tbytes / 1e6 / max(wall, 1e-9):.1f} | {cpus} ({cpu}) | {rss / 1e6:.0f} | {rss / fbytes:.2f} | {load} |")
PYEOF
# Phase timings, when the binary prints them (CROSSCHECK_TIMINGS; not a stable format).
if grep -q 'timing:' "$OUT/snn.stderr"; then
  echo; echo "phase timings of the last run (crosscheck's CROSSCHECK_TIMINGS lines):"; echo
  grep 'timing:' "$OUT/snn.stderr" | sed 's/^/    /'
  python3 - "$OUT/snn.stderr" "$TEXT_BYTES" <<'PYEOF'
import re, sys
m = re.search(r"timing: fingerprint done at (\d+) ms", open(sys.argv[1], encoding="utf-8", errors="replace").read())
if m and int(m.group(1)) > 0:
    ms = int(m.group(1))
    print(f"\nfingerprint phase (read-in text → chunk fingerprints, all cores, wall): "
          f"{ms} ms, {int(sys.argv[2]) / 1e6 / (ms / 1000):.0f} MB/s of article text")
PYEOF
fi

if [ "${NO_BENCH:-}" != 1 ]; then
  echo >&2
  echo "== fingerprinting throughput: cargo bench --bench stages -- fingerprint/ (load $(load_avg))" >&2
  (cd "$REPO" && cargo bench --quiet --bench stages -- 'fingerprint/' 2> "$OUT/bench.stderr") > "$OUT/bench.txt" || {
    echo "bench-snn: cargo bench failed:" >&2; tail -5 "$OUT/bench.stderr" >&2; exit 1; }
  python3 - "$OUT/bench.txt" <<'PYEOF'
import re, sys
# criterion prints "fingerprint/NAME/LANG" then "time: [...]" and "thrpt: [lo mid hi]".
name, rows = None, []
for line in open(sys.argv[1]):
    m = re.match(r"^(fingerprint/\S+)", line)
    if m:
        name = m.group(1)
    m = re.search(r"thrpt:\s*\[\S+ \S+ (\S+) (\S+)", line)
    if m and name:
        val, unit = float(m.group(1)), m.group(2)
        mbs = val * {"B/s": 1e-6, "KiB/s": 1024 / 1e6, "MiB/s": 1048576 / 1e6, "GiB/s": 1073741824 / 1e6}.get(unit, float("nan"))
        rows.append((name, mbs))
        name = None
print("\nfingerprinting, one core (criterion median; bytes of original text)\n")
print("| bench | MB/s |")
print("|---|---|")
for n, v in rows:
    print(f"| {n} | {v:.0f} |")
PYEOF
fi
