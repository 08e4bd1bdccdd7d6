# Helpers shared by the bench-*.sh scripts (sourced, not run).
# Needs REPO (the repository root).

# build_crosscheck: `cargo build --release` (unless NO_BUILD=1); sets BIN.
build_crosscheck() {
  if [ "${NO_BUILD:-}" != 1 ]; then
    (cd "$REPO" && cargo build --release --quiet --bin crosscheck) >&2
  fi
  local target
  target="$(cd "$REPO" && cargo metadata --format-version 1 --no-deps 2>/dev/null |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null || true)"
  BIN="${CROSSCHECK_BIN:-${target:-$REPO/target}/release/crosscheck}"
  [ -x "$BIN" ] || { echo "bench: $BIN not found (cargo build --release failed?)" >&2; exit 2; }
}

# corpus_bytes DIR: total size in bytes of the files under DIR (following symlinks).
corpus_bytes() {
  find -L "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'
}

# load_avg: the 1-minute load average and the core count, e.g. "11.05/2 cores".
load_avg() {
  echo "$(cut -d' ' -f1 /proc/loadavg)/$(nproc) cores"
}
