#!/usr/bin/env bash
# The whole test suite: formatting, lints, then every unit, integration, fixture and oracle test.
# Needs the Rust toolchain, node (the oracle loads modules in the real Node) and git (diffs go through `git apply`).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in cargo node git; do
  command -v "$tool" >/dev/null || { echo "scripts/test.sh: '$tool' is required and was not found" >&2; exit 2; }
done

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# Snapshots are compared, never written, here: a missing or changed snapshot fails the run.
INSTA_UPDATE=no cargo test --workspace --locked
