#!/usr/bin/env bash
# The main job, end to end (npm run demo): a sample project in a temporary folder is snapshotted,
# edited and snapshotted again; then log, show, diff, status, stats, a single-file restore and a check.
# The temporary folder is removed at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
strata() { node "$here/dist/bin/strata.js" "$@"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

mkdir -p game/art/textures game/levels game/build
printf 'A tiny game project\n' > game/README.txt
head -c 3000000 /dev/urandom > game/art/textures/noise.png        # incompressible, several chunks
for i in $(seq 1 8); do echo "level $i: spawn=($i,$((i*2)))" > "game/levels/level$i.txt"; done
printf '#!/bin/sh\necho build\n' > game/build.sh && chmod 755 game/build.sh
echo "object code" > game/build/game.o
printf 'build/\n*.tmp\n' > game/.strataignore                      # never stored
cd game

echo "== strata init"
strata init
echo "== strata snapshot -m 'first playable' --tag alpha"
strata snapshot -m "first playable" --tag alpha
echo "== edit: move a spawn point, add a level, retexture (same size, new bytes), remove the readme"
echo "level 7: spawn=(70,14)" > levels/level7.txt
echo "level 9: boss" > levels/level9.txt
head -c 3000000 /dev/urandom > art/textures/noise.png
rm README.txt
echo "== strata status"
strata status
echo "== strata snapshot -m 'boss level'"
strata snapshot -m "boss level"
echo "== strata log"
strata log
echo "== strata show main"
strata show main
echo "== strata diff main~1 main"
strata diff main~1 main
echo "== strata stats"
strata stats
echo "== restore one file from the first version into restored/"
strata restore main~1:README.txt ../restored
cat ../restored/README.txt
echo "== strata check --read-data"
strata check --read-data
