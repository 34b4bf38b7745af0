#!/usr/bin/env bash
# The corpus check (issue 3): exportfix on the pinned real-world corpus, cross-checked with node --check, the Node
# oracle, an independent scope analysis and a differential run of eslint-plugin-n. CI runs it after scripts/test.sh.
#
#   bash scripts/corpus-check.sh               # everything; rewrites docs/corpus.md with the figures
#   bash scripts/corpus-check.sh --no-eslint   # without the ESLint differential (faster)
#
# Installs the corpus and the tools with scripts/corpus-install.sh (reused when their locks are unchanged), builds
# target/release/exportfix (EXPORTFIX=path uses another binary), copies the corpus to a temporary
# directory and runs tests/corpus/check.js there. Exit 0 when every assertion holds, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "scripts/corpus-check.sh: '$tool' is required and was not found" >&2; exit 2; }
done

# The release binary of this tree, always brought up to date (a no-op when it is; a stale binary would check an old
# engine). EXPORTFIX=path checks another binary instead, without building.
if [[ -n "${EXPORTFIX:-}" ]]; then
  bin=$EXPORTFIX
else
  bin=target/release/exportfix
  echo "corpus-check: cargo build --release ..." >&2
  cargo build --release --locked --quiet
fi

bash scripts/corpus-install.sh
bash scripts/corpus-install.sh --tools

work=$(mktemp -d "${TMPDIR:-/tmp}/exportfix-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
node tests/corpus/check.js --bin "$bin" --corpus target/corpus/node_modules --tools target/corpus-tools/node_modules \
  --work "$work/copy" --doc docs/corpus.md "$@"
