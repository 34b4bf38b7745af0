#!/usr/bin/env bash
# Builds the npm packages as `npm pack` tarballs in target/npm/, with the version of Cargo.toml:
#   exportfix-VERSION.tgz                    the main package (npm/exportfix/): the `exportfix` command, a Node
#                                            launcher, and every platform package as an optional dependency
#   exportfix-cli-PLATFORM-VERSION.tgz       @exportfix/cli-PLATFORM (npm/cli/ filled in): the binary, with the
#                                            os/cpu/libc that make npm install it only where it runs
#
#   bash npm/build.sh                     # cargo build --release for this machine, then both tarballs
#   bash npm/build.sh --target TRIPLE     # another platform's package (cargo build --release --target TRIPLE:
#                                         #   that target's standard library and linker must be installed)
#   bash npm/build.sh --binary PATH       # package an already built binary (this machine's, or --target's)
#
# Then, in a JavaScript project: npm install --save-dev ./target/npm/*.tgz
set -euo pipefail

# Each platform package the main package lists (npm/exportfix/package.json, optionalDependencies), named
# `<os>-<cpu>` as Node's process.platform and process.arch name them (plus the C library on Linux), and the Rust
# target it is built for.
platforms='
darwin-arm64      aarch64-apple-darwin
darwin-x64        x86_64-apple-darwin
linux-arm64-gnu   aarch64-unknown-linux-gnu
linux-arm64-musl  aarch64-unknown-linux-musl
linux-x64-gnu     x86_64-unknown-linux-gnu
linux-x64-musl    x86_64-unknown-linux-musl
win32-x64         x86_64-pc-windows-msvc
'

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
target=''
binary=''
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=${2:?--target needs a Rust target triple}; shift 2 ;;
    --binary) binary=${2:?--binary needs a path}; shift 2
      case "$binary" in /*) ;; *) binary=$PWD/$binary ;; esac ;;
    -h | --help) usage; exit 0 ;;
    *) echo "npm/build.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "npm/build.sh: '$tool' is required and was not found" >&2; exit 2; }
done

host=$(rustc -vV | sed -n 's/^host: //p')
triple=${target:-$host}
platform=$(awk -v t="$triple" '$2 == t { print $1 }' <<<"$platforms")
if [ -z "$platform" ]; then
  echo "npm/build.sh: no npm platform package is built for the Rust target '$triple'; the packages are:" >&2
  echo "$platforms" >&2
  exit 2
fi
exe=exportfix
case "$triple" in *-windows-*) exe=exportfix.exe ;; esac

version=$(cargo metadata --no-deps --format-version 1 --locked \
  | node -e 'const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
             process.stdout.write(m.packages.find((p) => p.name === "exportfix").version)')

if [ -z "$binary" ]; then
  # The same command as scripts/corpus-check.sh for the host, so that it is a no-op after that script in CI.
  if [ -z "$target" ]; then
    echo "npm/build.sh: cargo build --release ..." >&2
    cargo build --release --locked --quiet
    binary=target/release/$exe
  else
    echo "npm/build.sh: cargo build --release --target $target ..." >&2
    cargo build --release --locked --quiet --target "$target"
    binary=target/$target/release/$exe
  fi
fi
[ -f "$binary" ] || { echo "npm/build.sh: no binary at $binary" >&2; exit 2; }

root=$PWD
out=target/npm
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage"

# The main package: the template with every version set to Cargo's. The platform table above and the optional
# dependencies must name the same packages, or some platform would be listed and never built (or the reverse).
cp -R npm/exportfix "$stage/exportfix"
node - "$stage/exportfix/package.json" "$version" "$platforms" <<'EOF'
const fs = require('fs');
const [file, version, table] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
const listed = Object.keys(manifest.optionalDependencies).sort();
const built = table.trim().split('\n').map((line) => `@exportfix/cli-${line.split(/\s+/)[0]}`).sort();
if (listed.join() !== built.join()) {
  console.error(`npm/build.sh: npm/exportfix/package.json lists ${listed.join(', ')};\nthe platform table has ${built.join(', ')}`);
  process.exit(2);
}
manifest.version = version;
for (const name of listed) manifest.optionalDependencies[name] = version;
fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
EOF

# The platform package: the binary, and os/cpu (and libc, only on Linux) read off the platform's name.
cp -R npm/cli "$stage/cli"
cp "$binary" "$stage/cli/$exe"
chmod 755 "$stage/cli/$exe"
sed -i.orig "s/PLATFORM/$platform/g" "$stage/cli/README.md" && rm "$stage/cli/README.md.orig"
node - "$stage/cli/package.json" "$version" "$platform" "$exe" <<'EOF'
const fs = require('fs');
const [file, version, platform, exe] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
const [os, cpu, libc] = platform.split('-');
manifest.name = manifest.name.replace('PLATFORM', platform);
manifest.description = manifest.description.replace('PLATFORM', platform);
manifest.version = version;
manifest.os = [os];
manifest.cpu = [cpu];
if (libc) manifest.libc = [libc === 'gnu' ? 'glibc' : libc];
else delete manifest.libc;
manifest.files = [exe];
fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
EOF

# Earlier tarballs of these packages go, so that `npm install ./target/npm/*.tgz` finds one version of each (other
# platforms' tarballs, built with --target, stay).
rm -f "$out"/exportfix-[0-9]*.tgz "$out/exportfix-cli-$platform-"[0-9]*.tgz
for package in exportfix cli; do
  (cd "$stage/$package" && npm pack --silent --pack-destination "$root/$out" >/dev/null)
done
rm -rf "$stage"
ls "$out/exportfix-$version.tgz" "$out/exportfix-cli-$platform-$version.tgz"
