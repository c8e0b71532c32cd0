#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS (default 30) and prints how many
# executions each one ran. Needs cargo-fuzz (`cargo install cargo-fuzz`) and
# either a nightly toolchain or, where only stable exists, RUSTC_BOOTSTRAP=1
# (set here) for the sanitizer flags cargo-fuzz passes. New corpus entries go to fuzz/corpus/<target>
# (not committed); the committed seeds in fuzz/seeds/<target> are read too.
# Exits non-zero if any target finds a crash, leak, timeout or OOM; the
# reproducer is then in fuzz/artifacts/<target>/.
set -euo pipefail
secs="${1:-30}"
cd "$(dirname "$0")/../fuzz"

# cargo-fuzz needs unstable rustc flags: nightly where installed, else stable
# with RUSTC_BOOTSTRAP=1.
fuzz() {
  if cargo +nightly --version >/dev/null 2>&1; then
    cargo +nightly fuzz "$@"
  else
    RUSTC_BOOTSTRAP=1 cargo fuzz "$@"
  fi
}

fuzz build
mkdir -p artifacts
failed=()
summary=()
for t in $(fuzz list); do
  mkdir -p "corpus/$t"
  log="artifacts/$t.smoke.log"
  echo "== $t (${secs}s)"
  status=0
  fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1 || true)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}' || true)
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    tail -40 "$log"
    summary+=("$(printf '%-18s %12s execs  cov %6s  FOUND SOMETHING (see %s)' "$t" "${execs:-?}" "${cov:-?}" "$log")")
  else
    summary+=("$(printf '%-18s %12s execs  cov %6s  ok' "$t" "${execs:-?}" "${cov:-?}")")
  fi
done
echo
echo "fuzz smoke run, ${secs}s per target:"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
