#!/usr/bin/env bash
# The creative persona's worked example (npm run demo:creative): an artist's project with a picture
# and two 3D models (from assimp's test set) is snapshotted three times; then the visual diff with its
# pictures, a timeline as a table and an HTML page, and thumbnails made once and reused. The pictures
# are written to the folder named by the first argument (default: a temporary folder, removed).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
strata() { node "$here/dist/bin/strata.js" "$@"; }
work="$(mktemp -d)"
out="${1:-$work/pictures}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
trap 'rm -rf "$work"' EXIT
models="$here/test/fixtures/creative/model"

mkdir -p "$work/project/models"
cd "$work/project"
(cd "$here" && node scripts/demo-assets.mjs v1 "$work/project")
cp "$models/stl/Spider_binary.stl" models/creature.stl
cp -r "$models/gltf/BoxTextured" models/crate

echo "== strata init; strata snapshot -m 'blockout'"
strata init >/dev/null
strata snapshot -m "blockout" >/dev/null
echo "== edit: the sun moves, the door is repainted, a tree is added; the creature becomes a sphere; the crate moves 2 units"
(cd "$here" && node scripts/demo-assets.mjs v2 "$work/project")
cp "$models/stl/sphereWithHole.stl" models/creature.stl
node -e "const f='models/crate/BoxTextured.gltf',fs=require('fs'),g=JSON.parse(fs.readFileSync(f));g.nodes[0].matrix[12]=2;fs.writeFileSync(f,JSON.stringify(g,null,2))"
strata snapshot -m "lighting pass" >/dev/null
echo "== edit: the picture is re-saved by another program (new bytes, same pixels)"
sleep 1
(cd "$here" && node scripts/demo-assets.mjs v3 "$work/project")
strata snapshot -m "re-export" >/dev/null

echo "== strata creative diff main~2 main~1 -o pictures"
strata creative diff main~2 main~1 -o "$out"
echo "== strata creative timeline art/scene.png"
strata creative timeline art/scene.png
echo "== strata creative timeline art/scene.png --format html -o timeline.html"
strata creative timeline art/scene.png --format html -o "$out/timeline.html"
echo "== strata creative timeline art/scene.png --format png -o timeline.png"
strata creative timeline art/scene.png --format png -o "$out/timeline.png"
echo "== strata creative thumbnails (the timeline made some already)"
strata creative thumbnails
echo "== strata creative thumbnails (again: all reused)"
strata creative thumbnails
echo "pictures in $out"
