/**
 * Elements through the CLI: list the layers of a PSD and the elements of an SVG in a version, extract
 * one, and put one back from an earlier version into today's file while the rest of today's work stays;
 * the replaced file is kept as a backup; bad names get close matches.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { initializeCanvas, readPsd, writePsdBuffer, type Psd } from 'ag-psd';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, okJson, removeTempDirs, strata, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// ag-psd builds pixel buffers through a canvas factory; Node has none, plain ImageData-shaped objects do.
type MakeImageData = NonNullable<Parameters<typeof initializeCanvas>[1]>;
initializeCanvas(
  () => {
    throw new Error('no canvas in tests');
  },
  (width, height) => ({ width, height, data: new Uint8ClampedArray(width * height * 4), colorSpace: 'srgb' }) as unknown as ReturnType<MakeImageData>,
);

const W = 40;
const H = 30;

function solid(w: number, h: number, rgba: [number, number, number, number]): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width: w, height: h, data };
}

/** A three-layer document: a background, a hero square and a group holding a glow. */
function psd(hero: [number, number, number, number], background: [number, number, number, number]): Buffer {
  const doc: Psd = {
    width: W,
    height: H,
    imageData: solid(W, H, background),
    children: [
      { name: 'Background', left: 0, top: 0, right: W, bottom: H, imageData: solid(W, H, background) },
      { name: 'Hero', left: 5, top: 5, right: 15, bottom: 15, imageData: solid(10, 10, hero) },
      { name: 'FX', children: [{ name: 'Glow', left: 20, top: 10, right: 26, bottom: 16, opacity: 0.5, imageData: solid(6, 6, [255, 255, 0, 255]) }] },
    ],
  };
  return Buffer.from(writePsdBuffer(doc, { generateThumbnail: false }));
}

function layer(file: string, name: string): { left: number; top: number; pixels: number[] } {
  const doc = readPsd(readFileSync(file), { useImageData: true, skipThumbnail: true });
  const found = (doc.children ?? []).find((c) => c.name === name);
  if (!found?.imageData) throw new Error(`no layer ${name}`);
  return { left: found.left ?? 0, top: found.top ?? 0, pixels: Array.from(found.imageData.data.slice(0, 4)) };
}

const SVG_V1 = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="100" height="100" viewBox="0 0 100 100">
  <g id="layer1" inkscape:groupmode="layer" inkscape:label="Sky">
    <circle id="sun" cx="80" cy="20" r="10" fill="#ffcc00"/>
  </g>
  <g id="layer2" inkscape:groupmode="layer" inkscape:label="Ground">
    <rect id="field" x="0" y="70" width="100" height="30" fill="#33aa33"/>
  </g>
</svg>
`;

let dir: string;
let v1: string;

beforeAll(() => {
  dir = tempDir('creative-elements');
  ok(['init'], { cwd: dir });
  mkdirSync(join(dir, 'art'));
  writeFileSync(join(dir, 'art', 'poster.psd'), psd([200, 0, 0, 255], [0, 0, 80, 255]));
  writeFileSync(join(dir, 'art', 'scene.svg'), SVG_V1);
  const lines = ok(['snapshot', '--json', '-m', 'first'], { cwd: dir }).trim().split('\n');
  v1 = JSON.parse(lines[lines.length - 1] as string).id;
  // Today's work: the hero turned green, the background lighter; the sun moved, the field recoloured.
  writeFileSync(join(dir, 'art', 'poster.psd'), psd([0, 200, 0, 255], [0, 0, 160, 255]));
  writeFileSync(join(dir, 'art', 'scene.svg'), SVG_V1.replace('cx="80"', 'cx="50"').replace('#33aa33', '#228822'));
});

describe('creative elements, extract, restore-element', () => {
  it('lists the layers of a PSD in a version, groups included', () => {
    const r = okJson(['creative', 'elements', `${v1}:art/poster.psd`], { cwd: dir });
    const names = r.elements.map((e: any) => e.name);
    expect(names).toEqual(expect.arrayContaining(['Background', 'Hero', 'FX', 'FX/Glow']));
    expect(r.elements.find((e: any) => e.name === 'FX').kind).toBe('group');
    expect(r.elements.find((e: any) => e.name === 'FX/Glow').parent).toBe('FX');
    const text = ok(['creative', 'elements', `${v1}:art/poster.psd`], { cwd: dir });
    expect(text).toMatch(/Hero +layer/);
  });

  it('extracts a layer as a PNG of its own', async () => {
    const out = join(tempDir('creative-extract'), 'hero.png');
    ok(['creative', 'extract', `${v1}:art/poster.psd`, 'Hero', '-o', out], { cwd: dir });
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([10, 10]);
    expect(Array.from(data.subarray(0, 3))).toEqual([200, 0, 0]);
    const again = strata(['creative', 'extract', `${v1}:art/poster.psd`, 'Hero', '-o', out], { cwd: dir });
    expect(/error\[TARGET_EXISTS\]/.test(again.stderr)).toBe(true);
  });

  it('puts one layer back from a version and leaves today\'s other layers as they are, with a backup', () => {
    const file = join(dir, 'art', 'poster.psd');
    const before = readFileSync(file);
    const dry = okJson(['creative', 'restore-element', `${v1}:art/poster.psd`, 'Hero', '--dry-run'], { cwd: dir });
    expect(dry.dryRun).toBe(true);
    expect(readFileSync(file).equals(before)).toBe(true);

    const r = okJson(['creative', 'restore-element', `${v1}:art/poster.psd`, 'Hero'], { cwd: dir });
    expect(r.restored).toContain('Hero');
    expect(layer(file, 'Hero')).toEqual({ left: 5, top: 5, pixels: [200, 0, 0, 255] });
    expect(layer(file, 'Background').pixels).toEqual([0, 0, 160, 255]);

    const backups = okJson(['creative', 'backups'], { cwd: dir });
    expect(backups[0]).toMatchObject({ id: r.backup, file, element: 'Hero' });
    ok(['creative', 'backups', '--restore', r.backup.slice(0, 10)], { cwd: dir });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('restores an SVG element byte for byte, leaving the rest of today\'s file', () => {
    const file = join(dir, 'art', 'scene.svg');
    const listed = okJson(['creative', 'elements', `${v1}:art/scene.svg`], { cwd: dir });
    expect(listed.elements.find((e: any) => e.name === '#layer1')).toMatchObject({ kind: 'layer', label: 'Sky' });
    ok(['creative', 'restore-element', `${v1}:art/scene.svg`, '#sun'], { cwd: dir });
    expect(readFileSync(file, 'utf8')).toBe(SVG_V1.replace('#33aa33', '#228822'));
  });

  it('names close matches for an element that does not exist, and refuses other files', () => {
    const r = strata(['creative', 'restore-element', `${v1}:art/poster.psd`, 'hero'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[ELEMENT_NOT_FOUND\].*close matches: "Hero"/);
    const txt = join(dir, 'notes.txt');
    writeFileSync(txt, 'hello\n');
    const bad = strata(['creative', 'elements', txt], { cwd: dir });
    expect(bad.stderr).toMatch(/error\[ASSET_UNSUPPORTED\]/);
    expect(existsSync(join(dir, '.strata'))).toBe(true);
  });
});
