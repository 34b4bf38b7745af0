#!/usr/bin/env bash
# The whole test suite: formatting, lints, then every unit, integration, fixture and oracle test.
# Needs the Rust toolchain, node (the oracle loads modules in the real Node), git (diffs go through `git apply`, the
# hook through `git commit`) and python3 (a pseudo-terminal driver; the SARIF schema validator, pip-installed from
# PyPI into target/tmp/ on first use).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in cargo node git python3; do
  command -v "$tool" >/dev/null || { echo "scripts/test.sh: '$tool' is required and was not found" >&2; exit 2; }
done

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# Snapshots are compared, never written, here: a missing or changed snapshot fails the run.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
INSTA_UPDATE=no cargo test --workspace --locked 2>&1 | tee "$log"
# One closing line for the whole suite (cargo's own last line is the doc-test runner's, often "0 passed").
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed/) p += $(i - 1); if ($(i) ~ /^failed/) f += $(i - 1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
