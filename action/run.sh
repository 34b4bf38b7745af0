#!/usr/bin/env bash
# The step of the GitHub Action (action.yml), which passes its inputs as INPUT_* variables: installs exportfix from
# npm into a directory of its own (the checked-out project's package.json and lockfile are left alone), then runs
# `exportfix check --format github` on the paths, from the working directory (the repository root, so that the
# annotations' paths match the checkout). Its exit code is exportfix's: 0 clean, 1 findings, 2 errors.
set -euo pipefail

version=${INPUT_VERSION:-latest}
packages=${INPUT_PACKAGES:-}
[ -n "$packages" ] || packages="exportfix@$version"
dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/exportfix-action

# Whitespace-separated lists, split without glob expansion: exportfix walks directories itself.
set -f
# shellcheck disable=SC2206
specs=($packages)
# shellcheck disable=SC2206
paths=(${INPUT_PATHS:-.})
# shellcheck disable=SC2206
args=(${INPUT_ARGS:-})
set +f

rm -rf "$dir"
mkdir -p "$dir"
echo '{ "private": true }' >"$dir/package.json"
echo "Installing ${specs[*]} ..." >&2
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "${specs[@]}" >&2
"$dir/node_modules/.bin/exportfix" --version >&2

# ${args[@]+...}: an empty array is "unbound" to bash 3 (macOS runners) under set -u.
exec "$dir/node_modules/.bin/exportfix" check --format github ${args[@]+"${args[@]}"} -- "${paths[@]}"
