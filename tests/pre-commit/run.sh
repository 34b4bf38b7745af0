#!/usr/bin/env bash
# The pre-commit framework hooks (.pre-commit-hooks.yaml), tested with the real pre-commit from PyPI (pinned with its
# dependencies in requirements.txt beside this script) in temporary git repositories: real `git commit`s through
# `pre-commit install`, and `pre-commit try-repo`.
#
# pre-commit builds exportfix from this repository with `cargo install` (language: rust), a release build of swc:
# minutes on a cold cache. Everything is cached under target/pre-commit/ (the venv, PRE_COMMIT_HOME and one cargo
# target directory shared by every environment pre-commit builds), so later runs take seconds. The hooks are those
# of the committed HEAD (pre-commit clones the repository); `try-repo` also sees uncommitted changes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/target/pre-commit"
venv="$cache/venv"
requirements="$root/tests/pre-commit/requirements.txt"

if ! cmp -s "$requirements" "$venv/installed-requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$requirements"
  cp "$requirements" "$venv/installed-requirements.txt"
fi
pre_commit="$venv/bin/pre-commit"
export PRE_COMMIT_HOME="$cache/home"
export CARGO_TARGET_DIR="$cache/cargo-target"
export PRE_COMMIT_COLOR=never
# git without the user's or the system's configuration.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.com GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.com
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE

rev="$(git -C "$root" rev-parse HEAD)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1"; echo "--- output"; cat "$work/out"; echo "---"; }

broken='exports = function () {};'
fixed='module.exports = function () {};'

config() { # config HOOK_ID
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n' "$root" "$rev" "$1" > .pre-commit-config.yaml
  git add .pre-commit-config.yaml
}

repo="$work/repo"
git init -q -b main "$repo"
cd "$repo"
config exportfix-check
"$pre_commit" install >/dev/null
echo "$fixed" > clean.js
echo "just text" > notes.txt
git add clean.js notes.txt
echo "building the hook environment (cargo install; slow on a cold cache)..."
if git commit -q -m clean >"$work/out" 2>&1; then pass "exportfix-check: a clean file commits"; else fail "exportfix-check: a clean file commits"; fi

echo "$broken" > 'broken file.js'
git add 'broken file.js'
if git commit -q -m broken >"$work/out" 2>&1; then
  fail "exportfix-check: a broken staged file blocks the commit"
elif grep -q "^broken file.js:1:1: exports-reassign " "$work/out" && grep -q "^+$fixed" "$work/out" \
  && [ "$(cat 'broken file.js')" = "$broken" ]; then
  pass "exportfix-check: a broken staged file blocks the commit, is reported with its diff and left alone"
else
  fail "exportfix-check: the report names the finding and shows the diff"
fi

config exportfix
if git commit -q -m broken >"$work/out" 2>&1; then
  fail "exportfix: a broken staged file blocks the commit"
elif grep -q "files were modified by this hook" "$work/out" && [ "$(cat 'broken file.js')" = "$fixed" ]; then
  pass "exportfix: the commit is blocked and the file fixed in the work tree"
else
  fail "exportfix: the file is fixed in the work tree"
fi
git add 'broken file.js'
if git commit -q -m fixed >"$work/out" 2>&1 && [ "$(git show 'HEAD:broken file.js')" = "$fixed" ]; then
  pass "exportfix: the fixed file commits"
else
  fail "exportfix: the fixed file commits"
fi

# try-repo: the hooks as they are in the working tree of this repository.
echo "$broken" > try.js
git add try.js
if "$pre_commit" try-repo "$root" exportfix-check --files try.js >"$work/out" 2>&1; then
  fail "try-repo exportfix-check fails on a broken file"
elif grep -q "^try.js:1:1: exports-reassign " "$work/out"; then
  pass "try-repo exportfix-check fails on a broken file and reports it"
else
  fail "try-repo exportfix-check reports the finding"
fi
if "$pre_commit" try-repo "$root" exportfix-check --files clean.js >"$work/out" 2>&1; then
  pass "try-repo exportfix-check passes a clean file"
else
  fail "try-repo exportfix-check passes a clean file"
fi

echo "pre-commit hooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
