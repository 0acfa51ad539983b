/**
 * The creative persona end to end, through the built CLI: visual diffs of images and models between
 * versions and against the working folder, pictures, timelines (table, json, html, png), thumbnails
 * stored once and reused, gc dropping them with their source, and the error paths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEX64, ok, okJson, removeTempDirs, strata, tempDir, writeFiles as write, snapshotWithMessage as snapshot, errorCode } from './helpers.js';

afterAll(removeTempDirs);

const W = 64;
const H = 48;

/** An RGBA picture: a horizontal gradient, with an optional solid rectangle painted over it. */
function picture(rect?: { x: number; y: number; w: number; h: number; rgb: [number, number, number] }): Buffer {
  const data = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      const inside = rect && x >= rect.x && x < rect.x + rect.w && y >= rect.y && y < rect.y + rect.h;
      data[i] = inside ? rect.rgb[0] : 40 + x * 2;
      data[i + 1] = inside ? rect.rgb[1] : 60 + y * 2;
      data[i + 2] = inside ? rect.rgb[2] : 90;
      data[i + 3] = 255;
    }
  }
  return data;
}

async function png(raw: Buffer, level = 6): Promise<Buffer> {
  return sharp(raw, { raw: { width: W, height: H, channels: 4 } }).png({ compressionLevel: level }).toBuffer();
}

/** A unit cube as OBJ text, moved by (dx, 0, 0). */
function cubeObj(dx = 0): string {
  const v: string[] = [];
  for (const z of [0, 1]) for (const y of [0, 1]) for (const x of [0, 1]) v.push(`v ${x + dx} ${y} ${z}`);
  const f = ['f 1 2 4 3', 'f 5 7 8 6', 'f 1 5 6 2', 'f 3 4 8 7', 'f 1 3 7 5', 'f 2 6 8 4'];
  return `# cube\no cube\n${v.join('\n')}\n${f.join('\n')}\n`;
}

let dir: string;
let v1: string;
let v2: string;

beforeAll(async () => {
  dir = tempDir('creative');
  ok(['init'], { cwd: dir });
  const base = await png(picture());
  write(dir, {
    'art/hero.png': base,
    'art/resaved.png': await png(picture(), 9),
    'models/cube.obj': cubeObj(),
    'notes.txt': 'first notes\n',
  });
  v1 = snapshot(dir, 'first');
  write(dir, {
    // A 10 x 8 rectangle at (5, 6) changes colour.
    'art/hero.png': await png(picture({ x: 5, y: 6, w: 10, h: 8, rgb: [250, 20, 200] })),
    // Same pixels, other bytes.
    'art/resaved.png': await png(picture(), 1),
    'models/cube.obj': cubeObj(2),
    'notes.txt': 'second notes, longer\n',
  });
  v2 = snapshot(dir, 'second');
});

describe('creative diff', () => {
  it('gives figures for images and models, and bytes for other files', () => {
    const r = okJson(['creative', 'diff', v1, v2], { cwd: dir });
    const byPath = new Map<string, any>(r.assets.map((a: any) => [a.path, a]));
    expect([...byPath.keys()].sort()).toEqual(['art/hero.png', 'art/resaved.png', 'models/cube.obj', 'notes.txt']);

    const hero = byPath.get('art/hero.png');
    expect(hero.kind).toBe('image');
    expect(hero.status).toBe('modified');
    expect(hero.image.diff.changedPixels).toBe(80);
    expect(hero.image.diff.totalPixels).toBe(W * H);
    expect(hero.image.diff.regions).toHaveLength(1);
    expect(hero.image.diff.regions[0]).toMatchObject({ x: 5, y: 6, width: 10, height: 8, changedPixels: 80 });
    expect(hero.image.diff.ssim).toBeLessThan(1);
    expect(hero.image.before).toMatchObject({ format: 'png', width: W, height: H });

    const resaved = byPath.get('art/resaved.png');
    expect(resaved.contentChanged).toBe(true);
    expect(resaved.image.diff.identical).toBe(true);
    expect(resaved.image.diff.changedPixels).toBe(0);
    expect(resaved.image.diff.ssim).toBe(1);

    const cube = byPath.get('models/cube.obj');
    expect(cube.kind).toBe('model');
    expect(cube.model.diff.topologyMatches).toBe(true);
    expect(cube.model.diff.displacement.max).toBeCloseTo(2, 5);
    expect(cube.model.diff.displacement.mean).toBeCloseTo(2, 5);
    expect(cube.model.diff.centroid.delta[0]).toBeCloseTo(2, 5);
    expect(cube.model.diff.counts.vertices).toMatchObject({ before: 8, after: 8, delta: 0 });

    const notes = byPath.get('notes.txt');
    expect(notes.kind).toBe('other');
    expect(notes.sizeDelta).toBe('second notes, longer\n'.length - 'first notes\n'.length);

    expect(r.totals).toMatchObject({ files: 4, images: 2, models: 1, other: 1, modified: 4, visuallyIdentical: 1, changedPixels: 80, problems: 0 });
  });

  it('writes the pictures with -o, and prints a readable summary', async () => {
    const out = join(dir, '..', 'creative-pictures');
    const text = ok(['creative', 'diff', v1, v2, 'art', 'models', '-o', out], { cwd: dir });
    expect(text).toMatch(/^ {3}path +kind +size {2}change$/m);
    expect(text).toMatch(/^M {2}art\/hero\.png +image +[+-]?\d+ B {2}64x48 png; 80 px changed \(2\.60%\); SSIM 0\.\d+; 1 region, largest 10x8 at 5,6$/m);
    expect(text).toMatch(/^M {2}models\/cube\.obj +model +[+-]?\d+ B {2}8 vertices, 6 faces; centre moved 2 \(2, 0, 0\); vertices moved max 2, mean 2/m);
    expect(text).not.toMatch(/notes\.txt/);
    for (const kind of ['highlight', 'side-by-side', 'onion', 'swipe']) {
      const file = join(out, 'art', `hero.png.${kind}.png`);
      const meta = await sharp(readFileSync(file)).metadata();
      expect(meta.format).toBe('png');
      if (kind === 'side-by-side') expect(meta.width).toBeGreaterThan(2 * W);
      else expect([meta.width, meta.height]).toEqual([W, H]);
    }
    for (const kind of ['before', 'after', 'overlay']) {
      expect((await sharp(readFileSync(join(out, 'models', `cube.obj.${kind}.png`))).metadata()).format).toBe('png');
    }
  });

  it('compares a version with the working folder, and names a broken file without failing the rest', async () => {
    write(dir, { 'art/hero.png': await png(picture({ x: 0, y: 0, w: 4, h: 4, rgb: [0, 0, 0] })), 'art/broken.png': Buffer.from('\x89PNG\r\n\x1a\nnot really a png') });
    const r = strata(['creative', 'diff', 'HEAD', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    const byPath = new Map<string, any>(out.assets.map((a: any) => [a.path, a]));
    expect(byPath.get('art/hero.png').image.diff.changedPixels).toBe(80 + 16);
    expect(byPath.get('art/broken.png').status).toBe('added');
    expect(byPath.get('art/broken.png').problems[0]).toMatchObject({ side: 'after', code: 'ASSET_CORRUPT' });
    expect(out.to.folder).toBeTruthy();
    // Back to the snapshot's state for the tests below.
    write(dir, { 'art/hero.png': await png(picture({ x: 5, y: 6, w: 10, h: 8, rgb: [250, 20, 200] })) });
    strata(['creative', 'diff', 'HEAD'], { cwd: dir });
  });

  it('compare: one file between two points, even unchanged', () => {
    const r = okJson(['creative', 'compare', 'art/hero.png', v1, v2], { cwd: dir });
    expect(r.image.diff.changedPixels).toBe(80);
    const same = okJson(['creative', 'compare', 'art/hero.png', v2, v2], { cwd: dir });
    expect(same.status).toBe('unchanged');
    expect(same.image.diff.identical).toBe(true);
    const missing = strata(['creative', 'compare', 'art/nothing.png', v1, v2], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(errorCode(missing.stderr)).toBe('PATH_NOT_FOUND');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('creative timeline and thumbnails', () => {
  it('lists every change of a file with figures, and marks re-saves', () => {
    const r = okJson(['creative', 'timeline', 'art/resaved.png'], { cwd: dir });
    expect(r.entries.map((e: any) => e.version)).toEqual([v1, v2]);
    expect(r.entries[0]).toMatchObject({ change: 'added', visuallyIdentical: false });
    expect(r.entries[1]).toMatchObject({ change: 'modified', visuallyIdentical: true });
    expect(r.entries[1].magnitude).toMatchObject({ kind: 'image', changedPixels: 0 });
    for (const e of r.entries) expect(e.thumbnail).toMatch(HEX64);

    const hero = okJson(['creative', 'timeline', 'art/hero.png'], { cwd: dir });
    expect(hero.entries[1].magnitude.changedPixels).toBe(80);
    expect(hero.entries[1].sizeDelta).toBe(hero.entries[1].size - hero.entries[0].size);
    const table = ok(['creative', 'timeline', 'models/cube.obj'], { cwd: dir });
    expect(table).toMatch(/models\/cube\.obj \(model\), 2 changes/);
    expect(table).toMatch(/moved up to 2/);
  });

  it('writes a self-contained html page and a png contact sheet', async () => {
    const html = join(dir, '..', 'timeline.html');
    ok(['creative', 'timeline', 'art/hero.png', '--format', 'html', '-o', html], { cwd: dir });
    const page = readFileSync(html, 'utf8');
    expect(page.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2);
    expect(page).not.toMatch(/src="http|<script/);
    const sheet = join(dir, '..', 'timeline.png');
    ok(['creative', 'timeline', 'models/cube.obj', '--format', 'png', '-o', sheet], { cwd: dir });
    expect((await sharp(readFileSync(sheet)).metadata()).format).toBe('png');
    const noOut = strata(['creative', 'timeline', 'art/hero.png', '--format', 'png'], { cwd: dir });
    expect(errorCode(noOut.stderr)).toBe('USAGE');
  });

  it('makes thumbnails once and reuses them; gc drops them with their source', async () => {
    const first = okJson(['creative', 'thumbnails', v1], { cwd: dir });
    // The timelines above already made some; every image and model of v1 has one now.
    expect(first.assets).toBe(3);
    expect(first.entries).toHaveLength(3);
    const again = okJson(['creative', 'thumbnails', v1], { cwd: dir });
    expect(again).toMatchObject({ made: 0, reused: 3 });

    const out = join(dir, '..', 'thumb.png');
    const t = okJson(['creative', 'thumb', `${v2}:art/hero.png`, '-o', out], { cwd: dir });
    expect(t.made).toBe(false);
    const meta = await sharp(readFileSync(out)).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(256);

    const bad = strata(['creative', 'thumb', `${v2}:notes.txt`, '-o', out], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(errorCode(bad.stderr)).toBe('ASSET_UNSUPPORTED');

    // Forget v1: the thumbnails of contents only it held go at the next gc.
    ok(['forget', v1], { cwd: dir });
    const gc = okJson(['gc'], { cwd: dir });
    const derived = gc.derived.find((d: any) => d.namespace === 'creative/thumbnails-256');
    // v1's hero.png, resaved.png and cube.obj all differ in bytes from v2's.
    expect(derived).toMatchObject({ dropped: 3, kept: 3 });
    expect(okJson(['check'], { cwd: dir }).ok).toBe(true);
    const after = okJson(['creative', 'thumbnails', v2], { cwd: dir });
    expect(after.made).toBe(0);
  });

  it('refuses bad input with a clear error', () => {
    expect(errorCode(strata(['creative', 'timeline', 'art/none.png'], { cwd: dir }).stderr)).toBe('PATH_NOT_FOUND');
    expect(errorCode(strata(['creative', 'diff', v1, v2, '--threshold', '2'], { cwd: dir }).stderr)).toBe('USAGE');
    expect(errorCode(strata(['creative'], { cwd: dir }).stderr)).toBe('USAGE');
    expect(existsSync(join(dir, '.strata'))).toBe(true);
  });
});
