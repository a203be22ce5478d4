#!/usr/bin/env bash
# Proves the README's install line works as written: pack the package as a release would, install
# the tarball with a fresh global prefix from an empty folder (dependencies come from the npm
# registry, or its cache), then run the installed command on a repository that adopts a preset.
# Called by .ci/run after the build; any failure fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/rolegate-install-XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== npm pack (prepack builds from clean)"
tgz=$(npm pack --silent --pack-destination "$work" | tail -n 1)
tgz="$work/$tgz"
listing=$(tar -tzf "$tgz")
for needed in package/bin/rolegate.js package/dist/cli-bundle/rolegate.mjs package/dist/cli/main.js package/policies/minimal.yml package/policies/rolegate.schema.json; do
  grep -qx "$needed" <<<"$listing" || { echo "check-install: the tarball lacks $needed" >&2; exit 1; }
done
if grep -qE '^package/(test|src|bench|scripts)/' <<<"$listing"; then
  echo "check-install: the tarball ships test, source, bench or script files:" >&2
  grep -E '^package/(test|src|bench|scripts)/' <<<"$listing" | head >&2
  exit 1
fi

echo "== npm install -g $(basename "$tgz") (fresh prefix, from an empty folder)"
mkdir "$work/empty" "$work/prefix"
# A tarball install never runs `prepare` (no TypeScript there): the tarball must carry dist/.
(cd "$work/empty" && npm install -g --prefix "$work/prefix" --no-audit --no-fund --prefer-offline "$tgz")
rolegate="$work/prefix/bin/rolegate"

echo "== rolegate --version"
expected=$(node -p 'require("./package.json").version')
actual=$("$rolegate" --version)
[ "$actual" = "$expected" ] || { echo "check-install: rolegate --version printed '$actual', expected '$expected'" >&2; exit 1; }
echo "$actual"

echo "== rolegate validate (the minimal preset, copied to .github/rolegate.yml)"
repo="$work/repo"
mkdir -p "$repo/.github"
git -C "$repo" init -q
cp "$root/policies/minimal.yml" "$repo/.github/rolegate.yml"
(cd "$repo" && "$rolegate" validate)
echo "check-install: ok"
