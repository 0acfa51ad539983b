#!/usr/bin/env bash
# The plumbing tour (npm run demo:plumbing): store a folder, record a version, move a branch to it,
# inspect it, write it back out, and verify the repository. Runs in a temporary folder it removes.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
strata() { node "$here/dist/bin/strata.js" "$@"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

mkdir -p project/art/textures project/levels project/empty
printf 'hello, strata\n' > project/README.txt
head -c 3000000 /dev/urandom > project/art/textures/noise.bin   # several chunks
for i in $(seq 1 8); do echo "level $i: spawn=($i,$((i*2)))" > "project/levels/level$i.txt"; done
printf '#!/bin/sh\necho build\n' > project/build.sh && chmod 755 project/build.sh
ln -s art/textures/noise.bin project/latest-noise

echo "== init"
strata init --repo store --avg-chunk 256K --min-chunk 64K --max-chunk 1M
echo "== write-tree"
tree=$(strata --repo store write-tree project)
echo "$tree"
echo "== commit-version and update-ref"
v1=$(strata --repo store commit-version "$tree" -m "first state" --name demo --tag wip --time 2026-11-23T12:00:00Z)
strata --repo store update-ref refs/heads/main "$v1" ""
echo "main -> $(strata --repo store rev-parse main)"
echo "== ls-tree -r -l main"
strata --repo store ls-tree -r -l main
echo "== cat-file -p main"
strata --repo store cat-file -p main
echo "== a second version after an edit"
echo "level 7: spawn=(70,14)" > project/levels/level7.txt
v2=$(strata --repo store commit-version "$(strata --repo store write-tree project)" -p main -m "move spawn in level 7" --time 2026-11-23T13:00:00Z)
strata --repo store update-ref refs/heads/main "$v2" "$v1"
echo "main~1 is $(strata --repo store rev-parse main~1)"
echo "main:levels/level7.txt holds: $(strata --repo store cat-file -p main:levels/level7.txt)"
echo "== checkout-tree main~1 into restored/"
strata --repo store checkout-tree main~1 restored
diff -r project/art restored/art && echo "art/ restored byte for byte"
echo "== count-objects"
strata --repo store count-objects
echo "== fsck --full"
strata --repo store fsck --full
