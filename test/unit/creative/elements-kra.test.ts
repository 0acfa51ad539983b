/**
 * KRA element handler on real Krita documents (fixtures from Debian's krita-data, and all 30 of its
 * templates when the package is at hand): the layer tree, layers decoded from Krita's LZF tiles (equal to
 * the document's own mergedimage.png wherever Krita stored one), and restore: the layer's node spliced
 * into maindoc.xml (well-formed, every other byte kept), its files copied, every other file's content
 * byte-identical, the container re-read by fflate with `mimetype` first and stored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { kraHandler, readKra, renderKra } from '../../../personas/creative/elements/kra.js';
import { lzfDecompress } from '../../../personas/creative/elements/kra-tiles.js';
import { debianMaterial } from '../../helpers/debian-material.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/creative/elements/kra');
const fixture = (name: string) => ({ name, data: readFileSync(join(dir, name)) });
const LAYERS = 'Japanese Mangas standard template/layers/';

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; data?: { closeMatches?: string[] } }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

/** Krita tile data with one raw (uncompressed, flag 0) 64 x 64 tile at (x, y) of one BGRA colour. */
function rawTileLayer(x: number, y: number, [r, g, b, a]: number[]): Uint8Array {
  const px = new Uint8Array(64 * 64 * 4);
  for (let i = 0; i < px.length; i += 4) px.set([b as number, g as number, r as number, a as number], i);
  const head = Buffer.from(`VERSION 2\nTILEWIDTH 64\nTILEHEIGHT 64\nPIXELSIZE 4\nDATA 1\n${x},${y},LZF,${px.length + 1}\n`, 'latin1');
  return Buffer.concat([head, Buffer.from([0]), px]);
}

/** A Krita document rebuilt with fflate (mimetype first, stored), after `edit` changed its files. */
function rebuild(data: Buffer, edit: (files: Record<string, Uint8Array>) => void): Buffer {
  const files = unzipSync(data);
  edit(files);
  const z: Zippable = { mimetype: [files.mimetype ?? new Uint8Array(0), { level: 0 }] };
  for (const [k, v] of Object.entries(files)) if (k !== 'mimetype') z[k] = v;
  return Buffer.from(zipSync(z));
}

const text = (files: Record<string, Uint8Array>, name: string) => Buffer.from(files[name] as Uint8Array).toString('utf8');

/** The container as fflate reads it: its first entry's name and method, and every file's content. */
function container(data: Buffer): { first: string; firstStored: boolean; files: Record<string, Uint8Array> } {
  const nameLength = data.readUInt16LE(26);
  return { first: data.toString('utf8', 30, 30 + nameLength), firstStored: data.readUInt16LE(8) === 0, files: unzipSync(data) };
}

async function pixel(png: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 4;
  return [...data.subarray(i, i + 4)];
}

describe('KRA elements', () => {
  it('decompresses LZF literals and back-references (known answer)', () => {
    // "abcabcabcX": 3 literals, a back-reference of length 6 at distance 3, 1 literal.
    const stream = Uint8Array.from([2, 97, 98, 99, (4 << 5) | 0, 2, 0, 88]);
    expect(Buffer.from(lzfDecompress(stream, 10) as Uint8Array).toString()).toBe('abcabcabcX');
    expect(lzfDecompress(stream, 11)).toBeUndefined();
    expect(lzfDecompress(Uint8Array.from([0x20, 5]), 4)).toBeUndefined();
  });

  it('lists the layer tree of a real Krita document with types, visibility, opacity and files', async () => {
    const list = await kraHandler.list(fixture('manga-template.kra'));
    expect(list.map((e) => [e.name, e.kind, e.details.type])).toEqual([
      ['Page0', 'group', 'grouplayer'],
      ['Page0/Mask clone-outline', 'layer', 'clonelayer'],
      ['Page0/Ink', 'layer', 'paintlayer'],
      ['Page0/Color', 'layer', 'paintlayer'],
      ['Page0/Sketch', 'layer', 'paintlayer'],
      ['Page0/Mask', 'layer', 'shapelayer'],
      ['background', 'layer', 'paintlayer'],
    ]);
    expect(list[0]?.details).toMatchObject({ members: 5, passThrough: false, visible: true, opacity: 1 });
    expect(list[1]?.details).toMatchObject({ blendMode: 'multiply', blendHonoured: true, cloneOf: 'Mask' });
    expect(list[2]).toMatchObject({ parent: 'Page0', details: { file: 'layer4', width: 0, locked: false } });
    expect(list[6]?.details).toMatchObject({ locked: true, file: 'layer8' });
  });

  it('extracts a paint layer at the canvas size, offset by its x/y', async () => {
    const data = rebuild(fixture('manga-template.kra').data, (f) => {
      f[`${LAYERS}layer4`] = rawTileLayer(64, 0, [255, 0, 0, 255]);
      f['maindoc.xml'] = Buffer.from(text(f, 'maindoc.xml').replace('filename="layer4" colorspacename="RGBA" opacity="255" intimeline="0" y="0"', 'filename="layer4" colorspacename="RGBA" opacity="255" intimeline="0" y="10"'));
    });
    const [out] = await kraHandler.extract({ name: 'manga.kra', data }, 'Page0/Ink', 'ink');
    expect(out?.name).toBe('ink.png');
    const meta = await sharp(out?.data).metadata();
    expect([meta.width, meta.height]).toEqual([1299, 2067]);
    expect(await pixel(out?.data as Buffer, 64, 10)).toEqual([255, 0, 0, 255]);
    expect(await pixel(out?.data as Buffer, 127, 73)).toEqual([255, 0, 0, 255]);
    expect(await pixel(out?.data as Buffer, 64, 9)).toEqual([0, 0, 0, 0]);
    expect(await pixel(out?.data as Buffer, 63, 10)).toEqual([0, 0, 0, 0]);
    const list = await kraHandler.list({ name: 'manga.kra', data });
    expect(list.find((e) => e.name === 'Page0/Ink')?.details).toMatchObject({ left: 64, top: 10, right: 128, bottom: 74, width: 64, height: 64, y: 10 });
    const shape = await errorOf(kraHandler.extract({ name: 'manga.kra', data }, 'Page0/Mask', 'm.png'));
    expect(shape.code).toBe('ASSET_UNSUPPORTED');
    expect(shape.message).toContain('shapelayer');
  });

  it('restores a changed layer: its node and files from the old version, every other file byte-identical', async () => {
    const old = rebuild(fixture('manga-template.kra').data, (f) => {
      f[`${LAYERS}layer4`] = rawTileLayer(0, 0, [255, 0, 0, 255]);
    });
    const current = rebuild(old, (f) => {
      f[`${LAYERS}layer4`] = rawTileLayer(128, 128, [0, 0, 255, 255]);
      f['maindoc.xml'] = Buffer.from(text(f, 'maindoc.xml').replace('name="Ink" compositeop="normal"', 'name="Ink" compositeop="multiply"').replace('name="background" compositeop="normal" collapsed="0" channelflags="" x="0" filename="layer8" colorspacename="RGBA" opacity="255"', 'name="background" compositeop="normal" collapsed="0" channelflags="" x="0" filename="layer8" colorspacename="RGBA" opacity="200"'));
    });
    const result = await kraHandler.restore({ name: 'manga.kra', data: current }, { name: 'manga.kra', data: old }, 'Page0/Ink');
    expect(result.restored).toEqual(['Page0/Ink']);
    const before = container(current).files;
    const after = container(result.data);
    expect(after.first).toBe('mimetype');
    expect(after.firstStored).toBe(true);
    expect(Object.keys(after.files).sort()).toEqual(Object.keys(before).sort());
    for (const name of Object.keys(before)) {
      if (name === 'maindoc.xml' || name === `${LAYERS}layer4` || name === 'mergedimage.png' || name === 'preview.png') continue;
      expect(Buffer.compare(Buffer.from(after.files[name] as Uint8Array), Buffer.from(before[name] as Uint8Array)), name).toBe(0);
    }
    expect(Buffer.from(after.files[`${LAYERS}layer4`] as Uint8Array).equals(Buffer.from(unzipSync(old)[`${LAYERS}layer4`] as Uint8Array))).toBe(true);
    const xml = text(after.files, 'maindoc.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    // Only the Ink node changed: the background's new opacity stays; the Ink's blend mode is the old one.
    expect(xml).toBe(text(before, 'maindoc.xml').replace('name="Ink" compositeop="multiply"', 'name="Ink" compositeop="normal"'));
    // Clone and shape layers cannot be drawn by strata: Krita's own mergedimage.png is kept.
    expect(Buffer.from(after.files['mergedimage.png'] as Uint8Array).equals(Buffer.from(before['mergedimage.png'] as Uint8Array))).toBe(true);
    const [ink] = await kraHandler.extract({ name: 'manga.kra', data: result.data }, 'Page0/Ink', 'ink.png');
    expect(await pixel(ink?.data as Buffer, 10, 10)).toEqual([255, 0, 0, 255]);
    expect(await pixel(ink?.data as Buffer, 130, 130)).toEqual([0, 0, 0, 0]);
  });

  it('adds a deleted layer back between its old neighbours, renumbering its file when the name is taken', async () => {
    const old = rebuild(fixture('manga-template.kra').data, (f) => {
      f[`${LAYERS}layer6`] = rawTileLayer(0, 64, [0, 255, 0, 128]);
    });
    // Sketch (layer6) deleted; a new layer "Notes" on top now uses the file name layer6.
    const current = rebuild(old, (f) => {
      const xml = text(f, 'maindoc.xml');
      const start = xml.indexOf('<layer opacity="255" onionskin="0" name="Sketch"');
      const end = xml.indexOf('/>', start) + 2;
      const sketch = xml.slice(start, end);
      const withoutSketch = xml.slice(0, xml.lastIndexOf('\n', start)) + xml.slice(end);
      const notes = sketch.replace('name="Sketch"', 'name="Notes"').replace('{aea2b850-9082-4b9f-b35a-e1795f56dff7}', '{00000000-0000-4000-8000-000000000001}').replace(' selected="true"', '');
      f['maindoc.xml'] = Buffer.from(withoutSketch.replace('<layers>\n   <layer uuid="{12cfddec', `<layers>\n   ${notes}\n   <layer uuid="{12cfddec`));
      f[`${LAYERS}layer6`] = rawTileLayer(0, 0, [0, 0, 255, 255]);
    });
    expect((await kraHandler.list({ name: 'm.kra', data: current })).map((e) => e.name)).toEqual(['Notes', 'Page0', 'Page0/Mask clone-outline', 'Page0/Ink', 'Page0/Color', 'Page0/Mask', 'background']);
    const result = await kraHandler.restore({ name: 'm.kra', data: current }, { name: 'm.kra', data: old }, 'Page0/Sketch');
    expect(result.restored).toEqual(['Page0/Sketch']);
    const list = await kraHandler.list({ name: 'm.kra', data: result.data });
    expect(list.map((e) => e.name)).toEqual(['Notes', 'Page0', 'Page0/Mask clone-outline', 'Page0/Ink', 'Page0/Color', 'Page0/Sketch', 'Page0/Mask', 'background']);
    expect(list.find((e) => e.name === 'Page0/Sketch')?.details.file).toBe('layer9');
    expect(list.find((e) => e.name === 'Notes')?.details.file).toBe('layer6');
    const after = container(result.data).files;
    const oldFiles = unzipSync(old);
    expect(Buffer.from(after[`${LAYERS}layer9`] as Uint8Array).equals(Buffer.from(oldFiles[`${LAYERS}layer6`] as Uint8Array))).toBe(true);
    expect(Buffer.from(after[`${LAYERS}layer9.icc`] as Uint8Array).equals(Buffer.from(oldFiles[`${LAYERS}layer6.icc`] as Uint8Array))).toBe(true);
    expect(Buffer.from(after[`${LAYERS}layer6`] as Uint8Array).equals(Buffer.from(unzipSync(current)[`${LAYERS}layer6`] as Uint8Array))).toBe(true);
    const xml = text(after, 'maindoc.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    const [sketch] = await kraHandler.extract({ name: 'm.kra', data: result.data }, 'Page0/Sketch', 's.png');
    expect(await pixel(sketch?.data as Buffer, 3, 70)).toEqual([0, 255, 0, 128]);
  });

  it('redraws mergedimage.png and preview.png when every layer is a paint layer', async () => {
    const old = rebuild(fixture('texture-256.kra').data, (f) => {
      f['unnamed/layers/layer3'] = rawTileLayer(0, 0, [10, 20, 30, 255]);
    });
    const current = rebuild(old, (f) => {
      f['unnamed/layers/layer3'] = rawTileLayer(64, 64, [200, 200, 200, 255]);
    });
    const result = await kraHandler.restore({ name: 't.kra', data: current }, { name: 't.kra', data: old }, 'Layer 1');
    const files = container(result.data).files;
    expect(await pixel(files['mergedimage.png'] as Uint8Array, 5, 5)).toEqual([10, 20, 30, 255]);
    // Outside the restored tile: Layer 1's default pixel (its .defaultpixel file), a grey.
    expect(await pixel(files['mergedimage.png'] as Uint8Array, 70, 70)).toEqual([136, 136, 136, 255]);
    const preview = await sharp(files['preview.png'] as Uint8Array).metadata();
    expect([preview.width, preview.height]).toEqual([256, 256]);
    // The empty mimetype of the original is kept, stored and first.
    expect(container(result.data).first).toBe('mimetype');
    expect((files.mimetype as Uint8Array).length).toBe(0);
  });

  it('refuses a missing layer with close matches, a file of another type and a truncated file', async () => {
    const f = fixture('manga-template.kra');
    const missing = await errorOf(kraHandler.extract(f, 'Page0/Inc', 'x.png'));
    expect(missing.code).toBe('ELEMENT_NOT_FOUND');
    expect(missing.data?.closeMatches).toContain('Page0/Ink');
    const png = await sharp({ create: { width: 2, height: 2, channels: 4, background: '#fff' } }).png().toBuffer();
    expect((await errorOf(kraHandler.list({ name: 'fake.kra', data: png }))).code).toBe('ASSET_UNSUPPORTED');
    const ora = Buffer.from(zipSync({ mimetype: [Buffer.from('image/openraster'), { level: 0 }], 'stack.xml': Buffer.from('<image/>') }));
    expect((await errorOf(kraHandler.list({ name: 'other.kra', data: ora }))).code).toBe('ASSET_UNSUPPORTED');
    const truncated = await errorOf(kraHandler.list({ name: 'cut.kra', data: f.data.subarray(0, f.data.length - 100) }));
    expect(truncated.code).toBe('ASSET_CORRUPT');
    expect(truncated.message).toContain('cut.kra');
    const badXml = rebuild(f.data, (files) => {
      files['maindoc.xml'] = Buffer.from(text(files, 'maindoc.xml').replace('</layers>', ''));
    });
    expect((await errorOf(kraHandler.list({ name: 'bad.kra', data: badXml }))).code).toBe('ASSET_CORRUPT');
    const badTiles = rebuild(f.data, (files) => {
      files[`${LAYERS}layer4`] = Buffer.from('VERSION 2\nTILEWIDTH 64\nTILEHEIGHT 64\nPIXELSIZE 4\nDATA 1\n0,0,LZF,5000\n\x01abc');
    });
    expect((await errorOf(kraHandler.extract({ name: 'tiles.kra', data: badTiles }, 'Page0/Ink', 'x.png'))).code).toBe('ASSET_CORRUPT');
  });
});

const material = debianMaterial('krita-data', 'usr/share/krita/templates/comics/.source/a4_waffle_grid.kra');

describe.skipIf(material.root === undefined)(`KRA elements on krita-data's 30 templates${material.reason ? ` (skipped: ${material.reason})` : ''}`, () => {
  const root = join(material.root ?? '/', 'usr/share/krita/templates');
  const templates = [
    'animation/.source/Anim-Jp-EN.kra', 'animation/.source/Anim-Jp-JP.kra',
    'comics/.source/BD-EuroTemplate.kra', 'comics/.source/Comics-USTemplate.kra', 'comics/.source/Manga-JpTemplate.kra', 'comics/.source/a4_waffle_grid.kra',
    'design/.source/Designcinema16_10_2484x1200_96dpiRGB_8bit_.kra', 'design/.source/Designcinema2.39_1_2484x1040_96dpiRGB_8bit_.kra',
    'design/.source/DesignpresentationA3Landscape_4960x3508_300dpiRGB_8bit_.kra', 'design/.source/DesignpresentationA4portrait_2480x3508_300dpiRGB_8bit_.kra',
    'design/.source/Designscreen4_3_2250x1680_96dpiRGB_8bit_.kra', 'design/.source/web_design.kra',
    'dslr/.source/Canon_550D_5184x3456.kra', 'dslr/.source/Canon_5Dmk3_5760x3840.kra', 'dslr/.source/Nikon_D3000_3872x2592.kra', 'dslr/.source/Nikon_D5000_4288x2848.kra', 'dslr/.source/Nikon_D7000_4928x3264.kra',
    'texture/.source/Texture1024x10248bitsrgb.kra', 'texture/.source/Texture1k32bitscalar.kra', 'texture/.source/Texture1k8bitsrgb.kra', 'texture/.source/Texture2048x20488bitsrgb.kra',
    'texture/.source/Texture256x2568bitsrgb.kra', 'texture/.source/Texture2k32bitscalar.kra', 'texture/.source/Texture2k8bitsrgb.kra', 'texture/.source/Texture4096x40968bitsrgb.kra',
    'texture/.source/Texture4k32bitscalar.kra', 'texture/.source/Texture4k8bitsrgb.kra', 'texture/.source/Texture512x5128bitsrgb.kra', 'texture/.source/Texture8k32bitscalar.kra', 'texture/.source/Texture8k8bitsrgb.kra',
  ];

  it('lists all 30, and draws the layers exactly as Krita stored them in mergedimage.png wherever it did', async () => {
    expect(templates).toHaveLength(30);
    let compared = 0;
    const counts: Record<string, number> = {};
    for (const t of templates) {
      const file = { name: t, data: readFileSync(join(root, t)) };
      const list = await kraHandler.list(file);
      counts[t.split('/').pop() as string] = list.length;
      expect(list.length, t).toBeGreaterThan(0);
      expect(new Set(list.map((e) => e.name)).size, t).toBe(list.length);
      const doc = readKra(file);
      const merged = doc.archive.entries.find((e) => e.name === 'mergedimage.png');
      if (merged === undefined || doc.width * doc.height > 20e6) continue;
      const { raster, complete } = renderKra(doc);
      const { data, info } = await sharp(unzipSync(file.data)['mergedimage.png'] as Uint8Array).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      if (!complete || !data.some((b) => b !== 0)) continue; // vector layers, or a blank (stale) mergedimage
      expect([info.width, info.height]).toEqual([raster.width, raster.height]);
      let max = 0;
      for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs((data[i] as number) - (raster.data[i] as number)));
      expect(max, t).toBeLessThanOrEqual(1);
      compared++;
    }
    expect(counts['Anim-Jp-EN.kra']).toBe(38);
    expect(counts['web_design.kra']).toBe(9);
    expect(compared).toBeGreaterThanOrEqual(7);
  }, 120_000);

  it('restores a painted layer of a real document: the result is the original, file for file and pixel for pixel', async () => {
    const original = readFileSync(join(root, 'comics/.source/a4_waffle_grid.kra'));
    const layers = 'waffle-iron-grid/layers/';
    // The "Color" layer overwritten with the Grid's tiles, and the background's opacity changed.
    const current = rebuild(original, (f) => {
      f[`${layers}layer4`] = f[`${layers}layer3`] as Uint8Array;
    });
    const result = await kraHandler.restore({ name: 'w.kra', data: current }, { name: 'w.kra', data: original }, 'Layer 8/Color');
    const after = container(result.data).files;
    const orig = unzipSync(original);
    const cur = unzipSync(current);
    for (const name of Object.keys(orig)) {
      const expected = name.startsWith(`${layers}layer4`) ? orig[name] : cur[name];
      if (name === 'preview.png' || name === 'mergedimage.png') continue; // re-encoded: compared by pixels below
      expect(Buffer.from(after[name] as Uint8Array).equals(Buffer.from(expected as Uint8Array)), name).toBe(true);
    }
    // mergedimage.png is redrawn (all layers are paint layers + a transparency mask): pixel-equal to Krita's.
    const mine = await sharp(after['mergedimage.png'] as Uint8Array).raw().toBuffer();
    const krita = await sharp(orig['mergedimage.png'] as Uint8Array).raw().toBuffer();
    expect(mine.equals(krita)).toBe(true);
  }, 120_000);
});
