/**
 * The creative persona on real files written by other programs (Wesnoth PNGs, assimp's glTF, OBJ+MTL,
 * STL and PLY, a JPEG): visual diffs between versions that read a model's related files from the
 * version that holds them, previews, and thumbnails for every format.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, okJson, removeTempDirs, strataP, tempDir, snapshotWithMessage as snapshot } from './helpers.js';

afterAll(removeTempDirs);

const FIXTURES = join(__dirname, '..', 'fixtures', 'creative');

let dir: string;
let v1: string;
let v2: string;

beforeAll(() => {
  dir = tempDir('creative-real');
  ok(['init'], { cwd: dir });
  cpSync(join(FIXTURES, 'image', 'spearman.png'), join(dir, 'portraits', 'spearman.png'), { recursive: true });
  cpSync(join(FIXTURES, 'image', 'wal67ar_small.jpg'), join(dir, 'textures', 'wall.jpg'), { recursive: true });
  cpSync(join(FIXTURES, 'model', 'gltf', 'BoxTextured'), join(dir, 'models', 'box'), { recursive: true });
  cpSync(join(FIXTURES, 'model', 'obj', 'spider.obj'), join(dir, 'models', 'spider', 'spider.obj'), { recursive: true });
  cpSync(join(FIXTURES, 'model', 'obj', 'spider.mtl'), join(dir, 'models', 'spider', 'spider.mtl'), { recursive: true });
  cpSync(join(FIXTURES, 'model', 'stl', 'Spider_binary.stl'), join(dir, 'models', 'printed.stl'), { recursive: true });
  cpSync(join(FIXTURES, 'model', 'ply', 'cube.ply'), join(dir, 'models', 'cube.ply'), { recursive: true });
  v1 = snapshot(dir, 'as delivered');

  // The artist's next day: a new portrait, the box moved 2 units along x (its .bin untouched), a spider
  // material recoloured, the printed part replaced by another model.
  cpSync(join(FIXTURES, 'image', 'spearman-2.png'), join(dir, 'portraits', 'spearman.png'));
  const gltfPath = join(dir, 'models', 'box', 'BoxTextured.gltf');
  const gltf = JSON.parse(readFileSync(gltfPath, 'utf8'));
  gltf.nodes[0].matrix[12] = 2;
  writeFileSync(gltfPath, JSON.stringify(gltf, null, 2));
  const mtlPath = join(dir, 'models', 'spider', 'spider.mtl');
  writeFileSync(mtlPath, readFileSync(mtlPath, 'utf8').replace(/newmtl Skin\s*\n/, (m) => `${m}Kd 0.9 0.1 0.1\n`));
  cpSync(join(FIXTURES, 'model', 'stl', 'sphereWithHole.stl'), join(dir, 'models', 'printed.stl'));
  v2 = snapshot(dir, 'next day');
});

describe('creative persona on real files', () => {
  it('gives the figures of each changed asset, reading a model\'s buffers from its own version', () => {
    const r = okJson(['creative', 'diff', v1, v2], { cwd: dir });
    const byPath = new Map<string, any>(r.assets.map((a: any) => [a.path, a]));
    expect([...byPath.keys()].sort()).toEqual(['models/box/BoxTextured.gltf', 'models/printed.stl', 'models/spider/spider.mtl', 'portraits/spearman.png']);
    expect(r.totals.problems).toBe(0);

    const portrait = byPath.get('portraits/spearman.png');
    expect(portrait.image.before).toMatchObject({ format: 'png', width: 400, height: 400, bitDepth: 8 });
    expect(portrait.image.diff.compared.alignment).toBe('same');
    expect(portrait.image.diff.changedPixels).toBeGreaterThan(1000);
    expect(portrait.image.diff.ssim).toBeGreaterThan(0);
    expect(portrait.image.diff.ssim).toBeLessThan(0.9);
    expect(portrait.image.diff.regions.length).toBeGreaterThan(0);

    const box = byPath.get('models/box/BoxTextured.gltf');
    expect(box.model.before).toMatchObject({ format: 'gltf', vertices: 24, triangles: 12, textures: ['CesiumLogoFlat.png'] });
    expect(box.model.diff.topologyMatches).toBe(true);
    expect(box.model.diff.displacement.max).toBeCloseTo(2, 5);
    expect(box.model.diff.centroid.distance).toBeCloseTo(2, 5);
    expect(box.model.diff.nodes.changed).toHaveLength(1);

    const printed = byPath.get('models/printed.stl');
    expect(printed.model.diff.topologyMatches).toBe(false);
    expect(printed.model.diff.displacement).toBeNull();
    expect(printed.model.diff.counts.triangles.before).toBe(1368);
    expect(printed.model.diff.counts.triangles.delta).toBeLessThan(0);

    expect(byPath.get('models/spider/spider.mtl').kind).toBe('other');
  }, 60_000);

  it('renders previews a reader can open', async () => {
    const out = join(dir, '..', 'real-pictures');
    ok(['creative', 'diff', v1, v2, 'models', 'portraits', '-o', out], { cwd: dir });
    const overlay = await sharp(join(out, 'models', 'printed.stl.overlay.png')).raw().toBuffer({ resolveWithObject: true });
    // Three 256 px views side by side, with both tints present (the two models differ).
    expect(overlay.info.width).toBeGreaterThanOrEqual(3 * 256);
    let red = 0;
    let blue = 0;
    for (let i = 0; i < overlay.data.length; i += overlay.info.channels) {
      const [r, g, b] = [overlay.data[i] as number, overlay.data[i + 1] as number, overlay.data[i + 2] as number];
      if (r > b + 60 && r > g + 60) red++;
      if (b > r + 60) blue++;
    }
    expect(red).toBeGreaterThan(500);
    expect(blue).toBeGreaterThan(500);
    const side = await sharp(join(out, 'portraits', 'spearman.png.side-by-side.png')).metadata();
    expect(side.width).toBeGreaterThan(800);
  }, 60_000);

  it('two thumbnail runs at once both succeed and keep each other\'s thumbnails', async () => {
    const [a, b] = await Promise.all([strataP(['creative', 'thumbnails', v1, '--json'], { cwd: dir }), strataP(['creative', 'thumbnails', v2, '--json'], { cwd: dir })]);
    expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    expect(okJson(['creative', 'thumbnails', v1], { cwd: dir }).made).toBe(0);
    expect(okJson(['creative', 'thumbnails', v2], { cwd: dir }).made).toBe(0);
    expect(okJson(['check'], { cwd: dir }).ok).toBe(true);
  }, 60_000);

  it('makes a thumbnail of every image and model, whatever its format', async () => {
    const r = okJson(['creative', 'thumbnails', v2], { cwd: dir });
    expect(r.failed).toEqual([]);
    expect(r.entries.map((e: any) => e.path).sort()).toEqual([
      'models/box/BoxTextured-specgloss.gltf',
      'models/box/BoxTextured.gltf',
      'models/box/CesiumLogoFlat.png',
      'models/cube.ply',
      'models/printed.stl',
      'models/spider/spider.obj',
      'portraits/spearman.png',
      'textures/wall.jpg',
    ]);
    const out = join(dir, '..', 'wall-thumb.png');
    ok(['creative', 'thumb', `${v2}:textures/wall.jpg`, '-o', out], { cwd: dir });
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('png');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(256);
  }, 60_000);

  it('follows a model through its versions', () => {
    const t = okJson(['creative', 'timeline', 'models/box/BoxTextured.gltf'], { cwd: dir });
    expect(t.entries.map((e: any) => e.change)).toEqual(['added', 'modified']);
    expect(t.entries[1].magnitude).toMatchObject({ kind: 'model', verticesDelta: 0, maxDisplacement: 2 });
  }, 60_000);
});
