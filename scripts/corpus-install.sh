#!/usr/bin/env bash
# Installs the pinned real-world corpus (issue 3) outside the tracked tree, reusing an earlier install.
#
#   bash scripts/corpus-install.sh           # tests/corpus/package{,-lock}.json       -> target/corpus/node_modules
#   bash scripts/corpus-install.sh --tools   # tests/corpus/tools/package{,-lock}.json -> target/corpus-tools/node_modules
#
# Stable interface (the corpus check and the benchmarks rely on it):
#   - the install lands in target/corpus/node_modules (or target/corpus-tools/node_modules), with the manifest and
#     lock copied beside it; paths are relative to the repository root, whatever the working directory;
#   - it runs `npm ci --ignore-scripts --no-audit --no-fund` (no install scripts ever run), and is skipped when
#     target/<dir>/.installed holds the sha256 of the tracked manifest + lock (so a changed lock reinstalls);
#   - it prints only progress, on stderr (stdout stays empty); npm's own log is in target/<dir>/npm.log and is
#     shown only when npm fails; exit 0 on success, non-zero on failure.
# Needs node and npm; the npm cache (~/.npm) makes a reinstall offline-fast.
set -euo pipefail
cd "$(dirname "$0")/.."

source_dir=tests/corpus
install_dir=target/corpus
if [[ "${1:-}" == "--tools" ]]; then
  source_dir=tests/corpus/tools
  install_dir=target/corpus-tools
elif [[ $# -gt 0 ]]; then
  echo "usage: bash scripts/corpus-install.sh [--tools]" >&2
  exit 2
fi

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "corpus-install: '$tool' is required and was not found" >&2; exit 2; }
done

stamp=$(cat "$source_dir/package.json" "$source_dir/package-lock.json" | sha256sum | cut -d' ' -f1)
if [[ -f "$install_dir/.installed" && "$(cat "$install_dir/.installed")" == "$stamp" && -d "$install_dir/node_modules" ]]; then
  echo "corpus-install: $install_dir is up to date ($source_dir/package-lock.json unchanged)" >&2
  exit 0
fi

echo "corpus-install: installing $source_dir into $install_dir (npm ci --ignore-scripts) ..." >&2
start=$(date +%s)
rm -rf "$install_dir"
mkdir -p "$install_dir"
cp "$source_dir/package.json" "$source_dir/package-lock.json" "$install_dir/"
if ! (cd "$install_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn) >"$install_dir/npm.log" 2>&1; then
  cat "$install_dir/npm.log" >&2
  echo "corpus-install: npm ci failed in $install_dir" >&2
  exit 1
fi
echo "$stamp" >"$install_dir/.installed"
files=$(find "$install_dir/node_modules" -type f \( -name '*.js' -o -name '*.cjs' \) | wc -l)
echo "corpus-install: done in $(($(date +%s) - start))s: $files .js/.cjs files in $install_dir/node_modules" >&2
