import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { drawText, fitText, textWidth } from '../../../personas/creative/image/bitmap-font.js';
import { contactSheet } from '../../../personas/creative/image/contact-sheet.js';
import { decodeImage, type DecodedImage } from '../../../personas/creative/image/decode.js';
import { diffImages } from '../../../personas/creative/image/diff.js';
import { encodePng } from '../../../personas/creative/image/encode.js';
import { renderDiffPictures } from '../../../personas/creative/image/pictures.js';
import { createRaster, type RasterImage } from '../../../personas/creative/image/raster.js';
import { imageThumbnail, rasterThumbnail } from '../../../personas/creative/image/thumbnail.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/creative/image');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

function solid(w: number, h: number, rgba: [number, number, number, number]): RasterImage {
  const r = createRaster(w, h);
  for (let i = 0; i < w * h; i++) r.data.set(rgba, i * 4);
  return r;
}

function decoded(r: RasterImage): DecodedImage {
  return {
    info: { format: 'png', width: r.width, height: r.height, bitDepth: 8, colourType: 'rgba', channels: 4, hasAlpha: true, colourSpace: 'srgb', pages: 1, metadata: {} },
    raster: r,
    scale: 1,
  };
}

async function pixels(png: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function at(p: { data: Buffer; width: number; channels: number }, x: number, y: number): number[] {
  const i = (y * p.width + x) * p.channels;
  return Array.from(p.data.subarray(i, i + 3));
}

describe('renderDiffPictures', () => {
  const before = solid(100, 60, [255, 255, 255, 255]);
  const after = solid(100, 60, [255, 255, 255, 255]);
  for (let y = 20; y < 30; y++) for (let x = 40; x < 60; x++) after.data.set([0, 0, 255, 255], (y * 100 + x) * 4);
  for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) after.data.set([0, 0, 0, 0], (y * 100 + x) * 4); // disappears

  it('draws changed pixels red, removed ones amber, region outlines blue, the rest faded', async () => {
    const cmp = diffImages(decoded(before), decoded(after));
    const pics = await renderDiffPictures(cmp);
    const hl = await pixels(pics.highlight);
    expect([hl.width, hl.height]).toEqual([100, 60]);
    expect(at(hl, 45, 25)).toEqual([255, 0, 0]);
    expect(at(hl, 5, 5)).toEqual([230, 160, 0]);
    expect(at(hl, 39, 25)).toEqual([0, 102, 255]); // outline just left of the region
    expect(at(hl, 80, 50)).toEqual([255, 255, 255]); // white faded stays white
  });

  it('side by side, onion and swipe show before and after where expected', async () => {
    const cmp = diffImages(decoded(before), decoded(after));
    const pics = await renderDiffPictures(cmp, { swipe: 0.5, onion: 0.25 });
    const sbs = await pixels(pics.sideBySide);
    expect([sbs.width, sbs.height]).toEqual([216, 60]);
    expect(at(sbs, 45, 25)).toEqual([255, 255, 255]); // before
    expect(at(sbs, 116 + 45, 25)).toEqual([0, 0, 255]); // after
    expect(at(sbs, 105, 25)).toEqual([128, 128, 128]); // gap
    expect(at(sbs, 116 + 1, 1)).toEqual([255, 255, 255]); // transparent after: light checker square
    expect(at(sbs, 116 + 9, 1)).toEqual([204, 204, 204]); // dark checker square
    const onion = await pixels(pics.onion);
    expect(at(onion, 45, 25)).toEqual([191, 191, 255]); // 3/4 white + 1/4 blue
    const swipe = await pixels(pics.swipe);
    expect(at(swipe, 45, 25)).toEqual([255, 255, 255]); // left of split: before
    expect(at(swipe, 55, 25)).toEqual([0, 0, 255]); // right: after
    expect(at(swipe, 49, 40)).toEqual([0, 0, 0]); // the split line
    expect(at(swipe, 50, 40)).toEqual([255, 255, 255]);
  });

  it('maxSize reduces every picture and keeps small changes visible', async () => {
    const big = solid(1000, 500, [255, 255, 255, 255]);
    const changed = solid(1000, 500, [255, 255, 255, 255]);
    changed.data.set([0, 0, 0, 255], (250 * 1000 + 500) * 4); // one pixel
    const pics = await renderDiffPictures(diffImages(decoded(big), decoded(changed)), { maxSize: 100 });
    const hl = await pixels(pics.highlight);
    expect([hl.width, hl.height]).toEqual([100, 50]);
    expect(at(hl, 50, 25)).toEqual([255, 0, 0]);
    expect((await pixels(pics.sideBySide)).width).toBe(216);
  });

  it('rejects out-of-range options', async () => {
    const cmp = diffImages(decoded(before), decoded(after));
    await expect(renderDiffPictures(cmp, { swipe: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(renderDiffPictures(cmp, { maxSize: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('encodePng and thumbnails', () => {
  it('encodePng round-trips RGBA exactly', async () => {
    const r = await decodeImage({ name: 'knight.png', data: fixture('knight-s-attack1-palette.png') });
    const back = await decodeImage({ name: 'again.png', data: await encodePng(r.raster) });
    expect(Buffer.from(back.raster.data).equals(Buffer.from(r.raster.data))).toBe(true);
  });

  it('rasterThumbnail fits inside the size, keeps the aspect and the transparency, never enlarges', async () => {
    const r = await decodeImage({ name: 'knight.png', data: fixture('knight-s-attack1-palette.png') }); // 120 x 100
    const t = await sharp(await rasterThumbnail(r.raster, 60)).metadata();
    expect([t.width, t.height, t.hasAlpha]).toEqual([60, 50, true]);
    const same = await sharp(await rasterThumbnail(r.raster)).metadata();
    expect([same.width, same.height]).toEqual([120, 100]);
  });

  it('imageThumbnail works from files of every kind and returns their info', async () => {
    const { png, info } = await imageThumbnail({ name: 'spearman.png', data: fixture('spearman.png'), maxSize: 64 });
    expect(info).toMatchObject({ width: 400, height: 400, format: 'png' });
    expect(await sharp(png).metadata()).toMatchObject({ width: 64, height: 64, format: 'png' });
    const jpeg = await imageThumbnail({ name: 'wall.jpg', data: fixture('wal67ar_small.jpg'), maxSize: 32 });
    const m = await sharp(jpeg.png).metadata();
    expect(Math.max(m.width, m.height)).toBe(32);
    const grey16 = await imageThumbnail({ name: 'k.png', data: fixture('krita-particle-rgba16.png') });
    expect((await sharp(grey16.png).metadata()).depth).toBe('uchar');
    await expect(imageThumbnail({ name: 'cut.png', data: fixture('spearman.png').subarray(0, 5000) })).rejects.toMatchObject({ code: 'ASSET_CORRUPT' });
  });

  it('imageThumbnail applies EXIF orientation', async () => {
    const tall = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const { png, info } = await imageThumbnail({ name: 'photo.jpg', data: tall, maxSize: 256 });
    expect(info.metadata['exif.Orientation']).toBe(6);
    expect(await sharp(png).metadata()).toMatchObject({ width: 20, height: 40 });
  });
});

describe('bitmap font and contact sheet', () => {
  it('draws text that changes pixels, and different text differently', () => {
    const a = createRaster(80, 10);
    drawText(a, 1, 1, 'Hello', [255, 255, 255, 255]);
    const inked = a.data.filter((v, i) => i % 4 === 3 && v === 255).length;
    expect(inked).toBeGreaterThan(30);
    const b = createRaster(80, 10);
    drawText(b, 1, 1, 'Hellp', [255, 255, 255, 255]);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(false);
    expect(Buffer.from(a.data.subarray(0, 4 * 80 * 10)).subarray(0, 4 * 20).equals(Buffer.from(b.data).subarray(0, 4 * 20))).toBe(true);
    // Every printable ASCII character has ink, except space.
    for (let c = 0x21; c <= 0x7e; c++) {
      const r = createRaster(6, 7);
      drawText(r, 0, 0, String.fromCharCode(c), [0, 0, 0, 255]);
      expect(r.data.some((v, i) => i % 4 === 3 && v === 255), String.fromCharCode(c)).toBe(true);
    }
    expect(textWidth('abc')).toBe(17);
    expect(fitText('abcdefghij', 30)).toBe('ab...');
    expect(fitText('abcde', 30)).toBe('abcde');
  });

  it('a contact sheet lays out cells with labels', async () => {
    const t1 = await rasterThumbnail(solid(40, 20, [255, 0, 0, 255]));
    const t2 = await rasterThumbnail(solid(20, 40, [0, 128, 0, 128]));
    const sheet = await contactSheet({ cells: [{ png: t1, label: ['v1 3f2a9c', '2024-05-01'] }, { png: t2, label: ['v2'] }], cellSize: 64 });
    const p = await pixels(sheet);
    // 2 columns: 10 + 2 * (64 + 10) wide; one row: 10 + 64 + 4 + 2 * 10 + 10 high.
    expect([p.width, p.height]).toEqual([158, 108]);
    expect(at(p, 10 + 32, 10 + 32)).toEqual([255, 0, 0]); // first thumbnail, centred
    expect(at(p, 10 + 32, 10 + 5)).toEqual([244, 244, 244]); // above a wide thumbnail: background
    const unlabelled = await pixels(await contactSheet({ cells: [{ png: t1, label: ['', ''] }, { png: t2, label: [''] }], cellSize: 64 }));
    // The label band differs only because of the text.
    let inked = 0;
    for (let y = 78; y < 98; y++) for (let x = 0; x < 158; x++) if (at(p, x, y).join() !== at(unlabelled, x, y).join()) inked++;
    expect(inked).toBeGreaterThan(50);
    await expect(contactSheet({ cells: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(contactSheet({ cells: [{ png: Buffer.from('nope'), label: ['x'] }] })).rejects.toMatchObject({ code: 'ASSET_CORRUPT' });
  });
});
