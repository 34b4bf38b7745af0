#!/usr/bin/env bash
# The benchmark (issue 4): exportfix against rg, oxlint, ast-grep and ESLint over the pinned corpus.
#
#   bash bench/run.sh              # build, install the corpus and the tools, run 5 alternating runs, write docs/benchmarks.md
#   bash bench/run.sh --runs 9     # more runs;  --no-eslint skips ESLint;  --no-write only prints the report
#
# Installs (outside the tracked tree, reused when up to date): the corpus into target/corpus/ (scripts/corpus-install.sh),
# and the pinned peers of bench/package.json + package-lock.json (oxlint, eslint + eslint-plugin-n, @ast-grep/cli) into
# target/bench-tools/ with `npm ci --ignore-scripts`. rg is used when installed (`apt-get install ripgrep`), skipped
# otherwise. The tools run on hard-linked copies of the corpus in target/bench-work/. Needs cargo, node, npm, python3.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in cargo node npm python3; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is required and was not found" >&2; exit 2; }
done

cargo build --release --locked --quiet
bash scripts/corpus-install.sh

tools=target/bench-tools
stamp=$(cat bench/package.json bench/package-lock.json | sha256sum | cut -d' ' -f1)
if [[ ! -f "$tools/.installed" || "$(cat "$tools/.installed")" != "$stamp" ]]; then
  echo "bench: installing the pinned peers into $tools (npm ci --ignore-scripts) ..." >&2
  rm -rf "$tools"
  mkdir -p "$tools"
  cp bench/package.json bench/package-lock.json "$tools/"
  (cd "$tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn) >&2
  echo "$stamp" >"$tools/.installed"
fi

# A stale work tree (an older corpus) would be measured instead of the current one.
corpus_stamp=$(cat target/corpus/.installed 2>/dev/null || echo none)
if [[ -d target/bench-work && "$(cat target/bench-work/.corpus 2>/dev/null)" != "$corpus_stamp" ]]; then
  rm -rf target/bench-work
fi
mkdir -p target/bench-work
echo "$corpus_stamp" >target/bench-work/.corpus

exec python3 bench/bench.py "$@"
