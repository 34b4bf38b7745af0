#!/usr/bin/env bash
# The npm packages, the launcher, the GitHub Action's script and the husky + lint-staged recipe, with the real
# components: the tarballs of `bash npm/build.sh` installed by npm into fresh projects, and real `git commit`s
# through husky 9 and lint-staged 16 (pinned with their dependencies by package.json and package-lock.json beside
# this script, installed with `npm ci`). Needs the npm registry (for those and for the lookups of the platform
# packages that are not built here); .ci/run runs it after the release build.
#
#   bash tests/npm/run.sh                 # builds the release binary if it is stale (a no-op in CI), then tests
#   bash tests/npm/run.sh --binary PATH   # packages and tests that binary instead (e.g. target/debug/exportfix)
#
# Everything happens in target/npm-test/, emptied first and kept afterwards for a look at a failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

binary=''
case "${1:-}" in
  --binary) binary=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") ;;
  '') ;;
  *) echo "tests/npm/run.sh: unknown argument '$1'" >&2; exit 2 ;;
esac
for tool in cargo node npm git; do
  command -v "$tool" >/dev/null || { echo "tests/npm/run.sh: '$tool' is required and was not found" >&2; exit 2; }
done

# npm quiet and quick; git without the user's or the system's configuration.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_loglevel=error
export npm_config_prefer_offline=true
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.com GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.com
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE EXPORTFIX_BINARY

work="$root/target/npm-test"
rm -rf "$work"
mkdir -p "$work"
out="$work/out"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1"; echo "--- output"; cat "$out"; echo "---"; }
# The timing in the summary line is the only part of two runs' output that may differ.
untimed() { sed -E 's/ in [0-9.]+m?s\b/ in TIME/'; }

broken='exports = function () {};'
fixed='module.exports = function () {};'
# A write before the reassignment is lost, and no rewrite can rescue it: a finding without a fix (line 1), and one
# with a fix (line 3), which `exportfix fix` writes before it exits 1.
unfixable=$'exports.a = make();\nmodule.exports = function api() {};\nexports.b = 2;'

# ---- The packages -------------------------------------------------------------------------------------------------

mapfile -t tarballs < <(bash npm/build.sh ${binary:+--binary "$binary"})
tarballs=("${tarballs[@]/#/$root/}")
bin=${binary:-$root/target/release/exportfix}
version=$("$bin" --version | sed 's/^exportfix //')
platform_package=$(tar -xzOf "${tarballs[1]}" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).name')
echo "packages: ${tarballs[*]#"$root/"} ($platform_package)"

project="$work/project"
mkdir -p "$project"
cd "$project"
npm init -y >/dev/null
if npm install --save-dev "${tarballs[@]}" >"$out" 2>&1 && [ -x "node_modules/$platform_package/exportfix" ]; then
  pass "npm install of the two tarballs into an empty project installs the platform package"
else
  fail "npm install of the two tarballs into an empty project installs the platform package"
fi

if npx exportfix --version >"$out" 2>&1 && [ "$(cat "$out")" = "exportfix $version" ]; then
  pass "npx exportfix --version prints exportfix $version"
else
  fail "npx exportfix --version prints exportfix $version"
fi

if cmp -s "node_modules/$platform_package/exportfix" "$bin"; then
  : >"$out"; pass "the installed binary is the cargo binary, byte for byte"
else
  : >"$out"; fail "the installed binary is the cargo binary, byte for byte"
fi

# The same check, through npx and directly: the same stdout, stderr and exit code (1: findings).
cp -R "$root/examples/sample" sample
echo 'exports = ;' >sample/lib/broken-syntax.js
set +e
npx exportfix check sample >"$work/npx.stdout" 2>"$work/npx.stderr"; npx_status=$?
"$bin" check sample >"$work/bin.stdout" 2>"$work/bin.stderr"; bin_status=$?
set -e
{ echo "exit codes: npx $npx_status, cargo binary $bin_status"; diff <(untimed <"$work/npx.stdout") <(untimed <"$work/bin.stdout");
  diff "$work/npx.stderr" "$work/bin.stderr"; } >"$out" 2>&1 || true
if [ "$npx_status" = 2 ] && [ "$bin_status" = 2 ] && [ "$(wc -l <"$out")" = 1 ] && grep -q exports-reassign "$work/npx.stdout" \
  && grep -q broken-syntax.js "$work/npx.stderr"; then
  pass "npx exportfix check prints what the cargo binary prints (the timing aside), with its exit code 2"
else
  fail "npx exportfix check prints what the cargo binary prints (the timing aside), with its exit code 2"
fi
rm sample/lib/broken-syntax.js
if npx exportfix check sample >"$out" 2>&1; then status=0; else status=$?; fi
if [ "$status" = 1 ]; then pass "npx exportfix check exits 1 on findings"; else fail "npx exportfix check exits 1 on findings (got $status)"; fi
if npx exportfix check sample/lib/clean.js >"$out" 2>&1; then
  pass "npx exportfix check exits 0 on a clean file"
else
  fail "npx exportfix check exits 0 on a clean file"
fi

# Standard input and output through the launcher.
if printf '%s\n' "$broken" | npx exportfix fix --stdin-filename lib/a.js >"$work/stdout" 2>"$out" \
  && [ "$(cat "$work/stdout")" = "$fixed" ] && grep -q '^lib/a.js:1:1: exports-reassign ' "$out"; then
  pass "npx exportfix fix --stdin-filename: the fixed source on stdout, the finding on stderr, exit 0"
else
  fail "npx exportfix fix --stdin-filename: the fixed source on stdout, the finding on stderr, exit 0"
fi

# EXPORTFIX_BINARY wins over the installed package; arguments (spaces, empty, glob characters) and any exit code
# pass through untouched.
printf '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\nexit 7\n' >"$work/fake-exportfix"
chmod +x "$work/fake-exportfix"
if EXPORTFIX_BINARY="$work/fake-exportfix" npx exportfix check 'a b.js' '' '*' >"$out" 2>&1; then status=0; else status=$?; fi
if [ "$status" = 7 ] && [ "$(cat "$out")" = $'[check]\n[a b.js]\n[]\n[*]' ]; then
  pass "EXPORTFIX_BINARY runs that binary, with the arguments and the exit code (7) unchanged"
else
  fail "EXPORTFIX_BINARY runs that binary, with the arguments and the exit code (7) unchanged (got $status)"
fi
if EXPORTFIX_BINARY="$work/missing" npx exportfix --version >"$out" 2>&1; then status=0; else status=$?; fi
if [ "$status" = 2 ] && grep -q "^exportfix: error: cannot run $work/missing (EXPORTFIX_BINARY): .*ENOENT" "$out"; then
  pass "an EXPORTFIX_BINARY that does not exist: an error naming it, exit 2"
else
  fail "an EXPORTFIX_BINARY that does not exist: an error naming it, exit 2 (got $status)"
fi

# A signal sent to the launcher alone reaches exportfix (blocked reading a standard input that never ends), and the
# launcher dies of it too.
mkfifo "$work/fifo"
sleep 60 >"$work/fifo" &
writer=$!
node_modules/.bin/exportfix check --stdin-filename a.js <"$work/fifo" >"$out" 2>&1 &
launcher=$!
child=''
for _ in $(seq 50); do
  child=$(pgrep -P "$launcher" -x exportfix || true)
  [ -n "$child" ] && break
  sleep 0.1
done
kill -TERM "$launcher"
if wait "$launcher"; then status=0; else status=$?; fi
sleep 0.2
if [ -n "$child" ] && [ "$status" = 143 ] && ! kill -0 "$child" 2>/dev/null; then
  pass "SIGTERM to the launcher ends exportfix too, and the launcher dies of SIGTERM (status 143)"
else
  fail "SIGTERM to the launcher ends exportfix too (child '$child', status $status)"
fi
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true

# Without the platform package (npm install --omit=optional): which package is missing and how to install it.
bare="$work/bare"
mkdir -p "$bare"
cd "$bare"
npm init -y >/dev/null
npm install --save-dev --omit=optional "${tarballs[0]}" >"$out" 2>&1
if npx exportfix --version >"$out" 2>&1; then status=0; else status=$?; fi
if [ "$status" = 2 ] && grep -q "^exportfix: error: the package $platform_package, which holds the exportfix binary" "$out" \
  && grep -q "^    npm install --save-dev $platform_package@$version\$" "$out"; then
  pass "without the platform package: exit 2, naming $platform_package and the npm install that adds it"
else
  fail "without the platform package: exit 2, naming $platform_package and the npm install that adds it (got $status)"
fi
if EXPORTFIX_BINARY="$bin" npx exportfix --version >"$out" 2>&1 && [ "$(cat "$out")" = "exportfix $version" ]; then
  pass "without the platform package, EXPORTFIX_BINARY=the cargo binary works"
else
  fail "without the platform package, EXPORTFIX_BINARY=the cargo binary works"
fi
# musl told from glibc as Biome tells them: an `ldd --version` that says musl (here a stand-in first on PATH).
if [ "$(uname -s)" = Linux ]; then
  mkdir -p "$work/musl-path"
  printf '#!/bin/sh\necho "musl libc (x86_64)" >&2\necho "Version 1.2.5" >&2\nexit 1\n' >"$work/musl-path/ldd"
  chmod +x "$work/musl-path/ldd"
  cd "$project"
  if PATH="$work/musl-path:$PATH" npx exportfix --version >"$out" 2>&1; then status=0; else status=$?; fi
  musl_package=${platform_package/-gnu/-musl}
  if [ "$status" = 2 ] && grep -q "^exportfix: error: the package $musl_package, " "$out"; then
    pass "on musl (ldd says so) the launcher looks for $musl_package"
  else
    fail "on musl (ldd says so) the launcher looks for $musl_package (got $status)"
  fi
fi

# A platform no package is built for (process.arch set to s390x before the launcher runs): exit 2, saying so.
cd "$project"
echo "Object.defineProperty(process, 'arch', { value: 's390x' });" >"$work/s390x.js"
if node --require "$work/s390x.js" node_modules/exportfix/bin/exportfix --version >"$out" 2>&1; then status=0; else status=$?; fi
if [ "$status" = 2 ] && grep -q "^exportfix: error: there is no prebuilt exportfix binary for this platform ($(uname -s | tr A-Z a-z)-s390x" "$out" \
  && grep -q 'linux-x64-gnu' "$out"; then
  pass "on a platform without a package: exit 2, naming the platforms there are packages for"
else
  fail "on a platform without a package: exit 2, naming the platforms there are packages for (got $status)"
fi

# ---- The GitHub Action's step -------------------------------------------------------------------------------------

# action.yml hands every input to action/run.sh as INPUT_<NAME>.
cd "$root"
if node - action.yml >"$out" 2>&1 <<'EOF'
const text = require('fs').readFileSync(process.argv[2], 'utf8');
const inputs = [...text.split(/^runs:/m)[0].split(/^inputs:/m)[1].matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);
const env = [...text.matchAll(/^ +INPUT_([A-Z_]+): \$\{\{ inputs\.([a-z-]+) \}\}$/gm)].map((m) => [m[1], m[2]]);
const wanted = inputs.map((name) => [name.toUpperCase().replace(/-/g, '_'), name]);
if (inputs.length === 0 || JSON.stringify(env) !== JSON.stringify(wanted)) {
  console.log(`inputs ${JSON.stringify(wanted)}, env ${JSON.stringify(env)}`);
  process.exit(1);
}
if (!/^ +run: bash "\$GITHUB_ACTION_PATH\/action\/run.sh"$/m.test(text)) {
  console.log('the step does not run action/run.sh');
  process.exit(1);
}
EOF
then
  pass "action.yml passes each of its inputs to action/run.sh"
else
  fail "action.yml passes each of its inputs to action/run.sh"
fi

checkout="$work/checkout"
mkdir -p "$checkout/lib" "$checkout/other" "$work/runner-temp"
echo "$broken" >"$checkout/lib/a.js"
echo "$fixed" >"$checkout/lib/b.js"
echo "$broken" >"$checkout/other/c.js"
cd "$checkout"
action() { RUNNER_TEMP="$work/runner-temp" INPUT_PACKAGES="${tarballs[*]}" INPUT_VERSION='' INPUT_ARGS='' "$@" bash "$root/action/run.sh"; }
if action env INPUT_PATHS='lib' >"$work/stdout" 2>"$out"; then status=0; else status=$?; fi
"$bin" check --format github lib >"$work/expected" 2>&1 || true
if [ "$status" = 1 ] && diff <(untimed <"$work/stdout") <(untimed <"$work/expected") >>"$out" \
  && grep -q '^::error file=lib/a.js,line=1,col=1,title=exportfix exports-reassign::' "$work/stdout"; then
  pass "the action's script: annotations from the npm-installed exportfix, as the cargo binary's, exit 1"
else
  fail "the action's script: annotations from the npm-installed exportfix, as the cargo binary's, exit 1 (got $status)"
fi
if action env INPUT_PATHS=$'other\nlib/b.js' INPUT_ARGS='--exclude c.js' >"$out" 2>&1 \
  && grep -q '^Scanned 1 file: 0 findings .*1 excluded' "$out"; then
  pass "the action's script: paths on separate lines and args reach exportfix check; a clean result, exit 0"
else
  fail "the action's script: paths on separate lines and args reach exportfix check; a clean result, exit 0"
fi

# ---- husky + lint-staged ------------------------------------------------------------------------------------------

# The README's recipe in a fresh repository: husky and lint-staged at the pinned versions, exportfix from the
# tarballs, `npx husky init`, and `npx lint-staged` as the pre-commit hook.
repo="$work/repo"
mkdir -p "$repo"
cp "$root/tests/npm/package.json" "$root/tests/npm/package-lock.json" "$repo/"
cd "$repo"
git init -q -b main
echo node_modules/ >.gitignore
if { npm ci && npm install --save-dev "${tarballs[@]}" && npx husky init && echo "npx lint-staged" >.husky/pre-commit \
  && git add . && git commit -q -m setup; } >"$out" 2>&1 && [ "$(git config core.hooksPath)" = .husky/_ ]; then
  pass "husky + lint-staged set up as the README says, and a commit without JavaScript files goes through"
else
  fail "husky + lint-staged set up as the README says, and a commit without JavaScript files goes through"
fi
commit_id() { git rev-parse HEAD; }

# A fixable bug: lint-staged runs `exportfix fix` on it, re-stages the fix, and the commit goes through fixed.
echo "$broken" >fixable.js
git add fixable.js
if git commit -q -m fixable >"$out" 2>&1 && [ "$(git show HEAD:fixable.js)" = "$fixed" ] && [ "$(cat fixable.js)" = "$fixed" ] \
  && [ -z "$(git status --porcelain)" ]; then
  pass "lint-staged + exportfix fix: a fixable bug is committed fixed"
else
  fail "lint-staged + exportfix fix: a fixable bug is committed fixed"
fi

# A finding without a fix: the commit is blocked and commits nothing; lint-staged puts back the staged files as
# they were, both the one with that finding and another one exportfix fixed.
before=$(commit_id)
echo "$unfixable" >unfixable.js
echo "$broken" >fixable2.js
git add unfixable.js fixable2.js
if git commit -q -m unfixable >"$out" 2>&1; then
  fail "lint-staged + exportfix fix: a finding without a fix blocks the commit"
elif [ "$(commit_id)" = "$before" ] && grep -q 'unfixable.js:1:1: lost-export ' "$out" \
  && [ "$(cat unfixable.js)" = "$unfixable" ] && [ "$(git show :unfixable.js)" = "$unfixable" ] \
  && [ "$(cat fixable2.js)" = "$broken" ] && [ "$(git show :fixable2.js)" = "$broken" ]; then
  pass "lint-staged + exportfix fix: a finding without a fix blocks the commit, which commits and changes nothing"
else
  fail "lint-staged + exportfix fix: a finding without a fix blocks the commit, which commits and changes nothing"
fi
git rm -q --cached unfixable.js fixable2.js
rm unfixable.js fixable2.js

# A partially staged file: the staged part is fixed and committed; the unstaged part stays in the work tree only.
{ echo "$broken"; printf '// line %s\n' $(seq 2 12); } >partial.js
git add partial.js
echo '// not staged' >>partial.js
if git commit -q -m partial >"$out" 2>&1 \
  && [ "$(git show HEAD:partial.js)" = "$(echo "$fixed"; printf '// line %s\n' $(seq 2 12))" ] \
  && [ "$(cat partial.js)" = "$(echo "$fixed"; printf '// line %s\n' $(seq 2 12); echo '// not staged')" ] \
  && [ "$(git status --porcelain)" = ' M partial.js' ]; then
  pass "lint-staged + exportfix fix: a partially staged file is committed fixed and keeps its unstaged part"
else
  fail "lint-staged + exportfix fix: a partially staged file is committed fixed and keeps its unstaged part"
fi
git checkout -q partial.js

# The `check` variant only blocks: the diff is shown, the file left as it was.
node -e 'const fs = require("fs"); const m = JSON.parse(fs.readFileSync("package.json", "utf8"));
  m["lint-staged"]["*.{js,cjs,jsx,ts,cts,tsx}"] = "exportfix check"; fs.writeFileSync("package.json", JSON.stringify(m, null, 2));'
git commit -q -am 'exportfix check' >"$out" 2>&1
before=$(commit_id)
echo "$broken" >checked.js
git add checked.js
if git commit -q -m checked >"$out" 2>&1; then
  fail "lint-staged + exportfix check: a fixable bug blocks the commit"
elif [ "$(commit_id)" = "$before" ] && grep -q "^+$fixed" "$out" && [ "$(cat checked.js)" = "$broken" ]; then
  pass "lint-staged + exportfix check: a fixable bug blocks the commit, showing the diff, changing nothing"
else
  fail "lint-staged + exportfix check: a fixable bug blocks the commit, showing the diff, changing nothing"
fi

echo "npm packages, action, husky + lint-staged: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
