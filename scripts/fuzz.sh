#!/usr/bin/env bash
# Bounded fuzzing of every target (issue #7). Not part of CI's default run.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     (default: 90 s, all targets)
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Each target starts from its seed corpus (fixtures/bad/regressions/<target>,
# the seeds/ articles and fixtures/**/*.jsonl) plus what earlier runs found
# (fuzz/corpus/<target>, not committed). A crash stops the script with the
# failing input under fuzz/artifacts/<target>/: copy it to
# fixtures/bad/regressions/<target>/ so `cargo test --test properties`
# replays it from then on, then fix the bug.
# Prints one line per target: run length, executions, exec/s, corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-90}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(normalize tokenize_segment claims jsonl)

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz.sh: needs a nightly toolchain (rustup toolchain install nightly)" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: needs cargo-fuzz (cargo install cargo-fuzz)" >&2
    exit 2
fi

cargo +nightly fuzz build -O
for t in "${targets[@]}"; do
    corpus="fuzz/corpus/$t"
    mkdir -p "$corpus" "fuzz/artifacts/$t"
    seeds=("fixtures/bad/regressions/$t")
    if [ "$t" = jsonl ]; then
        while IFS= read -r f; do cp "$f" "$corpus/" ; done < <(find fixtures -name '*.jsonl' 2>/dev/null)
    else
        cp seeds/*.txt "$corpus/" 2>/dev/null || true
    fi
    log="fuzz/artifacts/$t/last-run.log"
    start=$(date +%s)
    status=0
    # -rss_limit_mb: a leak or a blow-up fails instead of eating the machine.
    cargo +nightly fuzz run -O "$t" "$corpus" "${seeds[@]}" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -timeout=20 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    took=$(( $(date +%s) - start ))
    # libFuzzer's own run length (the wall time above also counts a rebuild).
    ran=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || true)
    [ -n "$ran" ] && took="$ran"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    files=$(find "$corpus" -type f | wc -l)
    line="$t: ${took}s, ${execs} executions (${speed}/s), corpus ${files} inputs"
    if [ "$status" -ne 0 ]; then
        echo "$line: CRASH (exit $status), see $log and fuzz/artifacts/$t/" >&2
        tail -40 "$log" >&2
        exit 1
    fi
    echo "$line, no crash"
done
