#!/usr/bin/env bash
# Real-data run of contradiction checking (for reading, not for CI).
#
#   scripts/contradict_sample.sh snn [N_CLUSTERS] [SAMPLE]   SaudiNewsNet clusters
#   scripts/contradict_sample.sh ecb [N_TOPICS] [SAMPLE]     ECB+ English topics
#
# Runs `crosscheck check --format jsonl` over the first N clusters/topics
# (SaudiNewsNet files are named id__outlet.txt, so sources come from
# `--source-from name`), writes every finding to target/contradict-<set>.tsv
# and prints a seeded random sample of SAMPLE findings with both texts and
# the message, to be judged by a person (SEED=N picks another sample).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared="$here/../shared/corpora"
set_name=${1:-snn}
n=${2:-40}
sample=${3:-50}
bin="${CROSSCHECK_BIN:-$here/target/release/crosscheck}"
[ -x "$bin" ] || cargo build --release --manifest-path "$here/Cargo.toml"
out="$here/target/contradict-$set_name.tsv"
: >"$out"
case "$set_name" in
  snn) dirs=$(ls -d "$shared"/saudinewsnet/clusters/c* | head -n "$n"); extra=(--source-from name) ;;
  ecb) dirs=$(ls -d "$shared"/ecbplus/text/* | sort -V | head -n "$n"); extra=() ;;
  *) echo "usage: $0 snn|ecb [N] [SAMPLE]" >&2; exit 2 ;;
esac
[ -d "$shared" ] || { echo "skipped: $shared not found" >&2; exit 0; }
pairs=0
for d in $dirs; do
  # check exits 1 when it reports findings: not a failure here.
  n_pairs=$({ "$bin" check "$d" --format jsonl "${extra[@]}" 2>/dev/null || true; } | python3 -c '
import json, sys
c, out, pairs = sys.argv[1], open(sys.argv[2], "a", encoding="utf-8"), 0
def ctx(p, f):
    t = p["text"].encode(); s = f["start"] - p["start"]; e = f["end"] - p["start"]
    pre = t[max(0, s - 90):s].decode(errors="ignore"); post = t[e:e + 90].decode(errors="ignore")
    return (pre + "[[" + f["text"] + "]]" + post).replace("\t", " ").replace("\n", " ")
for line in sys.stdin:
    p = json.loads(line)
    if p.get("type") != "pair": continue
    pairs += 1
    for f in p["findings"]:
        out.write("\t".join([c, p["a"]["doc"], p["b"]["doc"], str(p["same_source"]), f["kind"], f["severity"],
                             ctx(p["a"], f["a"]), ctx(p["b"], f["b"]), f["message"].replace("\t", " ")]) + "\n")
print(pairs)
' "$(basename "$d")" "$out")
  pairs=$((pairs + n_pairs))
done
total=$(wc -l <"$out")
echo "set=$set_name clusters=$(echo "$dirs" | wc -l) pairs=$pairs findings=$total"
cut -f5,6 "$out" | sort | uniq -c | sort -rn
echo "--- sample of $sample (seeded) ---"
python3 - "$out" "$sample" <<'PY'
import os, random, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
random.seed(int(os.environ.get("SEED", "42")))
for i, r in enumerate(random.sample(rows, min(int(sys.argv[2]), len(rows))), 1):
    print(f"{i:2}. [{r[0]}] {r[1]} ~ {r[2]} same_source={r[3]} {r[4]}/{r[5]}")
    print(f"    a: {r[6]}\n    b: {r[7]}\n    {r[8]}")
PY
