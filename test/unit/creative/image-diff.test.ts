import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type PngOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from '../../../personas/creative/image/decode.js';
import { diffImages, MASK_ADDED } from '../../../personas/creative/image/diff.js';
import type { RasterImage } from '../../../personas/creative/image/raster.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/creative/image');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

function solid(w: number, h: number, rgba: [number, number, number, number]): RasterImage {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set(rgba, i * 4);
  return { width: w, height: h, data };
}

function fill(r: RasterImage, x0: number, y0: number, w: number, h: number, rgba: [number, number, number, number]): RasterImage {
  const data = new Uint8Array(r.data);
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data.set(rgba, (y * r.width + x) * 4);
  return { width: r.width, height: r.height, data };
}

/** A smooth test picture: a gradient with a soft disc, opaque. */
function picture(w: number, h: number): RasterImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const d = Math.hypot(x - w / 2, y - h / 2) / Math.min(w, h);
      data[i] = Math.round((255 * x) / w);
      data[i + 1] = Math.round((255 * y) / h);
      data[i + 2] = Math.round(255 * Math.max(0, 1 - 2 * d));
      data[i + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

function decoded(r: RasterImage, extra: Partial<DecodedImage['info']> = {}): DecodedImage {
  return {
    info: { format: 'png', width: r.width, height: r.height, bitDepth: 8, colourType: 'rgba', channels: 4, hasAlpha: true, colourSpace: 'srgb', pages: 1, metadata: {}, ...extra },
    raster: r,
    scale: 1,
  };
}

async function png(r: RasterImage, options: PngOptions = {}): Promise<Buffer> {
  return sharp(r.data, { raw: { width: r.width, height: r.height, channels: 4 } }).png(options).toBuffer();
}

describe('diffImages known answers', () => {
  it('a changed rectangle gives exactly its bounding box and pixel count', () => {
    const before = solid(200, 150, [255, 255, 255, 255]);
    const after = fill(before, 30, 40, 50, 20, [200, 0, 0, 255]);
    const { summary, mask } = diffImages(decoded(before), decoded(after));
    expect(summary.changedPixels).toBe(1000);
    expect(summary.totalPixels).toBe(30000);
    expect(summary.changedPercent).toBeCloseTo(3.3333, 4);
    expect(summary.regions).toEqual([{ x: 30, y: 40, width: 50, height: 20, changedPixels: 1000 }]);
    expect(summary.moreRegions).toBe(0);
    expect(summary.identical).toBe(false);
    expect(summary.compared).toEqual({ width: 200, height: 150, alignment: 'same', scaleA: 1, scaleB: 1 });
    expect(summary.infoChanges).toEqual([]);
    expect(mask[40 * 200 + 30]).not.toBe(0);
    expect(mask[39 * 200 + 30]).toBe(0);
    expect(mask[40 * 200 + 80]).toBe(0);
  });

  it('regions are sorted by size, capped by maxRegions, and nearby specks merge', () => {
    let after = solid(300, 200, [255, 255, 255, 255]);
    after = fill(after, 10, 10, 5, 5, [0, 0, 0, 255]); // 25
    after = fill(after, 200, 100, 20, 10, [0, 0, 0, 255]); // 200
    after = fill(after, 100, 150, 1, 1, [0, 0, 0, 255]); // two specks 3 px apart: one region
    after = fill(after, 103, 151, 1, 1, [0, 0, 0, 255]);
    const before = decoded(solid(300, 200, [255, 255, 255, 255]));
    const all = diffImages(before, decoded(after)).summary;
    expect(all.changedPixels).toBe(227);
    expect(all.regions).toEqual([
      { x: 200, y: 100, width: 20, height: 10, changedPixels: 200 },
      { x: 10, y: 10, width: 5, height: 5, changedPixels: 25 },
      { x: 100, y: 150, width: 4, height: 2, changedPixels: 2 },
    ]);
    const capped = diffImages(before, decoded(after), { maxRegions: 1 }).summary;
    expect(capped.regions).toHaveLength(1);
    expect(capped.moreRegions).toBe(2);
  });

  it('the threshold decides what counts as changed', () => {
    const before = solid(50, 50, [100, 100, 100, 255]);
    const after = fill(before, 0, 0, 10, 10, [104, 104, 104, 255]);
    expect(diffImages(decoded(before), decoded(after)).summary).toMatchObject({ changedPixels: 0, identical: true, pixelsEqual: false });
    expect(diffImages(decoded(before), decoded(after), { threshold: 0.01 }).summary.changedPixels).toBe(100);
    expect(() => diffImages(decoded(before), decoded(after), { threshold: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('pixels that become opaque are marked as added', () => {
    const before = solid(40, 40, [0, 0, 0, 0]);
    const after = fill(before, 5, 5, 10, 10, [0, 128, 255, 255]);
    const cmp = diffImages(decoded(before), decoded(after));
    expect(cmp.summary.changedPixels).toBe(100);
    expect(cmp.mask[5 * 40 + 5]).toBe(MASK_ADDED);
  });
});

describe('identical re-encodes', () => {
  it('the same PNG at two compression levels: zero changed pixels', async () => {
    const source = fixture('spearman.png');
    const raw = await decodeImage({ name: 'spearman.png', data: source });
    const fast = await decodeImage({ name: 'fast.png', data: await png(raw.raster, { compressionLevel: 1 }) });
    const small = await decodeImage({ name: 'small.png', data: await png(raw.raster, { compressionLevel: 9, palette: false }) });
    const cmp = diffImages(fast, small);
    expect(cmp.summary).toMatchObject({ changedPixels: 0, identical: true, pixelsEqual: true, ssim: 1, regions: [] });
    expect(diffImages(raw, small).summary.identical).toBe(true);
  });

  it('a 16-bit PNG and its 8-bit twin with the same pixels: identical, the depth reported', async () => {
    const base = picture(64, 48);
    const eight = await png(base);
    const wide = new Uint16Array(base.data.length);
    for (let i = 0; i < wide.length; i++) wide[i] = (base.data[i] ?? 0) * 257;
    const sixteen = await sharp(wide, { raw: { width: 64, height: 48, channels: 4 } }).toColourspace('rgb16').png().toBuffer();
    expect(sixteen[24]).toBe(16); // IHDR bit depth
    const a = await decodeImage({ name: 'a8.png', data: eight });
    const b = await decodeImage({ name: 'a16.png', data: sixteen });
    const { summary } = diffImages(a, b);
    expect(summary).toMatchObject({ changedPixels: 0, identical: true, pixelsEqual: true });
    expect(summary.infoChanges).toContainEqual({ field: 'bitDepth', before: 8, after: 16 });
  });
});

describe('SSIM', () => {
  it('is 1 for an image with itself and drops for noisy copies', () => {
    const base = picture(256, 192);
    expect(diffImages(decoded(base), decoded(base)).summary.ssim).toBe(1);
    const noisy = (amount: number): RasterImage => {
      const data = new Uint8Array(base.data);
      let seed = 12345;
      for (let i = 0; i < data.length; i++) {
        if ((i & 3) === 3) continue;
        seed = (seed * 1103515245 + 12345) >>> 0;
        data[i] = Math.max(0, Math.min(255, (data[i] ?? 0) + ((seed >>> 16) % (2 * amount + 1)) - amount));
      }
      return { width: base.width, height: base.height, data };
    };
    const light = diffImages(decoded(base), decoded(noisy(10))).summary.ssim;
    const heavy = diffImages(decoded(base), decoded(noisy(80))).summary.ssim;
    expect(light).toBeLessThan(1);
    expect(heavy).toBeLessThan(light);
    expect(heavy).toBeGreaterThan(0);
  });

  it('is computed on a reduced copy for large canvases and says so', () => {
    const big = picture(2100, 300);
    const s = diffImages(decoded(big), decoded(fill(big, 0, 0, 100, 100, [0, 0, 0, 255]))).summary;
    expect(s.ssimScale).toBeCloseTo(1 / 3, 6);
    expect(s.ssim).toBeLessThan(1);
  });
});

describe('images of different sizes', () => {
  it('same aspect ratio: the smaller is scaled up to the larger', async () => {
    const large = picture(200, 100);
    const smallPng = await sharp(large.data, { raw: { width: 200, height: 100, channels: 4 } }).resize(100, 50).png().toBuffer();
    const a = await decodeImage({ name: 'small.png', data: smallPng });
    const cmp = diffImages(a, decoded(large));
    expect(cmp.summary.compared).toEqual({ width: 200, height: 100, alignment: 'scaled', scaleA: 2, scaleB: 1 });
    expect(cmp.summary.infoChanges).toContainEqual({ field: 'dimensions', before: '100x50', after: '200x100' });
    expect(cmp.summary.changedPercent).toBeLessThan(1); // a smooth picture survives the round trip
    expect(cmp.a.width).toBe(200);
  });

  it('different aspect ratio: padded top-left, the padding counted as changed', () => {
    const top = picture(100, 50);
    const taller = { width: 100, height: 80, data: new Uint8Array(100 * 80 * 4) };
    taller.data.set(top.data);
    for (let i = top.data.length; i < taller.data.length; i += 4) taller.data.set([0, 0, 0, 255], i);
    const cmp = diffImages(decoded(top), decoded(taller));
    expect(cmp.summary.compared).toEqual({ width: 100, height: 80, alignment: 'padded', scaleA: 1, scaleB: 1 });
    expect(cmp.summary.changedPixels).toBe(3000);
    expect(cmp.summary.regions).toEqual([{ x: 0, y: 50, width: 100, height: 30, changedPixels: 3000 }]);
    expect(cmp.mask[60 * 100]).toBe(MASK_ADDED);
  });

  it('padding a wider and a taller image leaves the corner outside both unchanged', () => {
    const cmp = diffImages(decoded(solid(30, 10, [9, 9, 9, 255])), decoded(solid(10, 30, [9, 9, 9, 255])));
    expect(cmp.summary.compared).toMatchObject({ width: 30, height: 30, alignment: 'padded' });
    // 20x10 only in A plus 10x20 only in B.
    expect(cmp.summary.changedPixels).toBe(400);
  });

  it('two images downscaled at decode time are compared at their common downscaled size', async () => {
    const data = fixture('spearman.png');
    const full = await decodeImage({ name: 'full.png', data });
    const reduced = await decodeImage({ name: 'reduced.png', data, maxPixels: 100 * 100 });
    expect(reduced.raster.width).toBe(100);
    const cmp = diffImages(full, reduced);
    expect(cmp.summary.compared).toEqual({ width: 100, height: 100, alignment: 'scaled', scaleA: 0.25, scaleB: 0.25 });
    expect(cmp.summary.changedPercent).toBeLessThan(5);
  });
});

describe('a real pair', () => {
  it('Wesnoth spearman and spearman-2 differ, with regions inside the canvas and metadata compared', async () => {
    const a = await decodeImage({ name: 'spearman.png', data: fixture('spearman.png') });
    const b = await decodeImage({ name: 'spearman-2.png', data: fixture('spearman-2.png') });
    const { summary } = diffImages(a, b);
    expect(summary.compared.alignment).toBe('same');
    expect(summary.changedPixels).toBeGreaterThan(1000);
    expect(summary.ssim).toBeLessThan(0.95);
    expect(summary.regions.length).toBeGreaterThan(0);
    let inRegions = 0;
    for (const r of summary.regions) {
      expect(r.x + r.width).toBeLessThanOrEqual(400);
      expect(r.y + r.height).toBeLessThanOrEqual(400);
      inRegions += r.changedPixels;
    }
    expect(inRegions).toBeLessThanOrEqual(summary.changedPixels);
    if (summary.moreRegions === 0) expect(inRegions).toBe(summary.changedPixels);
  });

  it('metadata changes are listed by key', async () => {
    const r = picture(16, 16);
    const a = await decodeImage({ name: 'a.png', data: await sharp(r.data, { raw: { width: 16, height: 16, channels: 4 } }).png().withExifMerge({ IFD0: { Software: 'Krita 5.1' } }).toBuffer() });
    const b = await decodeImage({ name: 'b.png', data: await sharp(r.data, { raw: { width: 16, height: 16, channels: 4 } }).png().withExifMerge({ IFD0: { Software: 'GIMP 2.10' } }).toBuffer() });
    const { summary } = diffImages(a, b);
    expect(summary.identical).toBe(true);
    expect(summary.infoChanges).toContainEqual({ field: 'metadata.exif.Software', before: 'Krita 5.1', after: 'GIMP 2.10' });
  });
});
