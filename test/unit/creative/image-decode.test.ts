import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePsdBuffer } from 'ag-psd';
import { PNG } from 'pngjs';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, probeImage } from '../../../personas/creative/image/decode.js';
import { imageFormatOf, isImagePath } from '../../../personas/creative/image/formats.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/creative/image');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

/** A w x h RGBA image whose pixel (x, y) is (x, y, x + y, 255) modulo 256. */
function gradient(w: number, h: number): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      data[i] = x & 255;
      data[i + 1] = y & 255;
      data[i + 2] = (x + y) & 255;
      data[i + 3] = 255;
    }
  }
  return data;
}

function rawSharp(data: Buffer, w: number, h: number, channels: 1 | 2 | 3 | 4 = 4): Sharp {
  return sharp(data, { raw: { width: w, height: h, channels } });
}

async function expectCode(p: Promise<unknown>, code: string, mention: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ name: 'StrataError', code });
  await p.catch((err: Error) => expect(err.message).toContain(mention));
}

describe('image formats', () => {
  it('detects by magic bytes before the extension', async () => {
    const png = await rawSharp(gradient(4, 4), 4, 4).png().toBuffer();
    const jpeg = await rawSharp(gradient(4, 4), 4, 4).jpeg().toBuffer();
    expect(imageFormatOf('a.jpg', png)).toBe('png');
    expect(imageFormatOf('a.png', jpeg)).toBe('jpeg');
    expect(imageFormatOf('a', await rawSharp(gradient(4, 4), 4, 4).gif().toBuffer())).toBe('gif');
    expect(imageFormatOf('a', await rawSharp(gradient(4, 4), 4, 4).webp().toBuffer())).toBe('webp');
    expect(imageFormatOf('a', await rawSharp(gradient(4, 4), 4, 4).tiff().toBuffer())).toBe('tiff');
    expect(imageFormatOf('a', await rawSharp(gradient(16, 16), 16, 16).avif().toBuffer())).toBe('avif');
    expect(imageFormatOf('a', Buffer.from('8BPS\x00\x01'))).toBe('psd');
    expect(imageFormatOf('a', Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('svg');
    expect(imageFormatOf('notes.txt', Buffer.from('hello'))).toBeUndefined();
    expect(imageFormatOf('notes.PNG', Buffer.from('hello'))).toBe('png');
  });

  it('recognises image paths by extension', () => {
    for (const n of ['a.png', 'b/c.JPG', 'd.jpeg', 'e.gif', 'f.webp', 'g.tif', 'h.tiff', 'i.psd', 'j.svg', 'k.avif']) {
      expect(isImagePath(n)).toBe(true);
    }
    for (const n of ['a.txt', 'png', 'b/.png', 'c.png.bak', 'model.obj']) expect(isImagePath(n)).toBe(false);
  });
});

describe('decodeImage on real files', () => {
  it('reads an 8-bit RGBA PNG from Wesnoth with its exact IHDR facts', async () => {
    const d = await decodeImage({ name: 'spearman.png', data: fixture('spearman.png') });
    expect(d.info).toMatchObject({ format: 'png', width: 400, height: 400, bitDepth: 8, colourType: 'rgba', hasAlpha: true, channels: 4, pages: 1 });
    expect(d.raster.width).toBe(400);
    expect(d.raster.data.length).toBe(400 * 400 * 4);
    expect(d.scale).toBe(1);
  });

  it('reads a 16-bit RGBA PNG from Krita and converts it to 8-bit', async () => {
    const data = fixture('krita-particle-rgba16.png');
    const d = await decodeImage({ name: 'krita-particle.png', data });
    expect(d.info).toMatchObject({ format: 'png', bitDepth: 16, colourType: 'rgba', colourSpace: 'srgb' });
    // Each 8-bit sample is within 1 of the 16-bit one / 257, as another decoder (pngjs) reads it.
    const wide = PNG.sync.read(data, { skipRescale: true });
    const w16 = wide.data as unknown as Uint16Array;
    expect(w16.length).toBe(d.raster.data.length);
    let worst = 0;
    for (let i = 0; i < w16.length; i++) worst = Math.max(worst, Math.abs((w16[i] ?? 0) / 257 - (d.raster.data[i] ?? 0)));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('reads grey, grey-alpha and palette PNGs (4-bit and 8-bit) with their IHDR colour types', async () => {
    const grey = await decodeImage({ name: 'grey.png', data: fixture('this-way-up-grey.png') });
    expect(grey.info).toMatchObject({ colourType: 'grey', bitDepth: 8, hasAlpha: false, colourSpace: 'grey' });
    const px = grey.raster.data;
    expect(px[0]).toBe(px[1]); // grey expanded to equal R, G, B
    expect(px[3]).toBe(255);
    const ga = await decodeImage({ name: 'ga.png', data: fixture('battery-bw-grey-alpha.png') });
    expect(ga.info).toMatchObject({ colourType: 'grey-alpha', bitDepth: 8, hasAlpha: true });
    const p4 = await decodeImage({ name: 'p4.png', data: fixture('selection-border-palette4.png') });
    expect(p4.info).toMatchObject({ colourType: 'palette', bitDepth: 4 });
    const p8 = await decodeImage({ name: 'p8.png', data: fixture('knight-s-attack1-palette.png') });
    expect(p8.info).toMatchObject({ colourType: 'palette', bitDepth: 8, hasAlpha: true, width: 120, height: 100 });
    expect(p8.raster.data.length).toBe(120 * 100 * 4);
  });

  it('reads a real JPEG from assimp', async () => {
    const d = await decodeImage({ name: 'wal67ar_small.jpg', data: fixture('wal67ar_small.jpg') });
    expect(d.info).toMatchObject({ format: 'jpeg', bitDepth: 8, colourType: 'rgb', hasAlpha: false });
    expect(d.info.metadata['jpeg.chromaSubsampling']).toMatch(/^4:/);
    expect(d.raster.data.length).toBe(d.info.width * d.info.height * 4);
    expect(d.raster.data[3]).toBe(255);
  });
});

describe('decodeImage on formats written here', () => {
  const w = 40;
  const h = 24;
  const src = gradient(w, h);

  it.each([
    ['gif', (s: Sharp) => s.gif(), 'palette'],
    ['webp', (s: Sharp) => s.webp({ lossless: true }), 'rgb'],
    ['tiff', (s: Sharp) => s.tiff({ compression: 'lzw' }), 'rgb'],
  ] as const)('%s decodes to the pixels written', async (format, encode, colourType) => {
    const data = await encode(rawSharp(src, w, h).removeAlpha()).toBuffer();
    const d = await decodeImage({ name: `x.${format}`, data });
    expect(d.info).toMatchObject({ format, width: w, height: h, colourType });
    if (format !== 'gif') expect(Buffer.from(d.raster.data).equals(src)).toBe(true);
  });

  it('AVIF and SVG decode', async () => {
    const avif = await rawSharp(src, w, h).avif({ lossless: true }).toBuffer();
    expect((await decodeImage({ name: 'x.avif', data: avif })).info.format).toBe('avif');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect x="0" y="0" width="15" height="20" fill="#ff0000"/></svg>');
    const d = await decodeImage({ name: 'x.svg', data: svg });
    expect(d.info).toMatchObject({ format: 'svg', width: 30, height: 20 });
    expect(Array.from(d.raster.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    expect(d.raster.data[(10 * 30 + 25) * 4 + 3]).toBe(0); // right half is transparent
  });

  it('a multi-page TIFF reports its pages and yields the first', async () => {
    const first = await rawSharp(src, w, h).png().toBuffer();
    const second = await sharp({ create: { width: w, height: h, channels: 4, background: '#00ff00' } }).png().toBuffer();
    const tiff = await sharp([first, second], { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer();
    const d = await decodeImage({ name: 'pages.tif', data: tiff });
    expect(d.info.pages).toBe(2);
    expect(d.info.height).toBe(h);
    expect(Buffer.from(d.raster.data).equals(src)).toBe(true);
  });

  it('PSD written by ag-psd: composite pixels, layer count and mode', async () => {
    const layer = new Uint8ClampedArray(src);
    const psd = writePsdBuffer({
      width: w,
      height: h,
      imageData: { width: w, height: h, data: new Uint8ClampedArray(src) },
      children: [
        { name: 'Background', imageData: { width: w, height: h, data: layer } },
        { name: 'Group', children: [{ name: 'Ink', imageData: { width: w, height: h, data: new Uint8ClampedArray(w * h * 4) } }] },
      ],
    });
    const info = await probeImage({ name: 'art.psd', data: psd });
    // ag-psd stores an opaque composite as three channels.
    expect(info).toMatchObject({ format: 'psd', width: w, height: h, bitDepth: 8, colourType: 'rgb', hasAlpha: false });
    expect(info.metadata).toMatchObject({ 'psd.layers': 2, 'psd.groups': 1, 'psd.mode': 'RGB' });
    const d = await decodeImage({ name: 'art.psd', data: psd });
    expect(Buffer.from(d.raster.data).equals(src)).toBe(true);
  });

  it('downscales a PSD composite above maxPixels', async () => {
    const psd = writePsdBuffer({ width: w, height: h, imageData: { width: w, height: h, data: new Uint8ClampedArray(src) } });
    const d = await decodeImage({ name: 'art.psd', data: psd, maxPixels: 240 });
    expect(d.raster.width * d.raster.height).toBeLessThanOrEqual(240);
    expect(d.raster.width).toBe(20);
    expect(d.scale).toBe(0.5);
  });

  it('a PSD composite with transparency is rgba', async () => {
    const px = new Uint8ClampedArray(src);
    for (let i = 3; i < px.length; i += 8) px[i] = 0;
    const psd = writePsdBuffer({ width: w, height: h, imageData: { width: w, height: h, data: px } });
    const d = await decodeImage({ name: 'clear.psd', data: psd });
    expect(d.info).toMatchObject({ colourType: 'rgba', hasAlpha: true, channels: 4 });
    expect(d.raster.data[3]).toBe(0);
    expect(d.raster.data[7]).toBe(255);
  });
});

describe('metadata an artist cares about', () => {
  it('PNG text chunks, gamma and EXIF orientation', async () => {
    const png = await rawSharp(gradient(8, 8), 8, 8)
      .png()
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Software: 'strata-test 1.0', Make: 'Acme' } })
      .toBuffer();
    // Add tEXt and iTXt chunks by hand (before IEND).
    const chunk = (type: string, body: Buffer): Buffer => {
      const out = Buffer.alloc(12 + body.length);
      out.writeUInt32BE(body.length, 0);
      out.write(type, 4, 'latin1');
      body.copy(out, 8);
      return out; // CRC left zero: sharp checks it, but the metadata reader does not need it
    };
    const withText = Buffer.concat([
      png.subarray(0, png.length - 12),
      chunk('tEXt', Buffer.from('Title\0Morning light', 'latin1')),
      chunk('iTXt', Buffer.concat([Buffer.from('Author\0\0\0en\0\0', 'latin1'), Buffer.from('Zoë', 'utf8')])),
      png.subarray(png.length - 12),
    ]);
    const { readPngChunks } = await import('../../../personas/creative/image/png-chunks.js');
    const chunks = readPngChunks(withText);
    expect(chunks.text).toEqual([
      { chunk: 'tEXt', keyword: 'Title', value: 'Morning light' },
      { chunk: 'iTXt', keyword: 'Author', value: 'Zoë' },
    ]);
    const info = await probeImage({ name: 'meta.png', data: png });
    expect(info.metadata).toMatchObject({ 'exif.Orientation': 6, 'exif.Software': 'strata-test 1.0', 'exif.Make': 'Acme' });
  });

  it('ICC profile description and hash', async () => {
    const png = await rawSharp(gradient(8, 8), 8, 8).png().withIccProfile('p3').toBuffer();
    const info = await probeImage({ name: 'p3.png', data: png });
    expect(String(info.metadata['icc.description'])).toMatch(/P3/);
    expect(String(info.metadata['icc.hash'])).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('bad input', () => {
  it('a truncated PNG is ASSET_CORRUPT naming the file', async () => {
    const data = fixture('spearman.png');
    await expectCode(decodeImage({ name: 'art/spearman.png', data: data.subarray(0, data.length / 2) }), 'ASSET_CORRUPT', 'art/spearman.png');
  });

  it('a truncated JPEG is ASSET_CORRUPT', async () => {
    const data = fixture('wal67ar_small.jpg');
    await expectCode(decodeImage({ name: 'wall.jpg', data: data.subarray(0, data.length - 2000) }), 'ASSET_CORRUPT', 'wall.jpg');
  });

  it('damaged bytes in the middle of a PNG are ASSET_CORRUPT', async () => {
    const data = Buffer.from(fixture('spearman.png'));
    for (let i = 5000; i < 6000; i++) data[i] = (data[i] ?? 0) ^ 0x5a;
    await expectCode(decodeImage({ name: 'bad.png', data }), 'ASSET_CORRUPT', 'bad.png');
  });

  it('a text file named .png is ASSET_CORRUPT, an unknown file ASSET_UNSUPPORTED, an empty one ASSET_CORRUPT', async () => {
    await expectCode(decodeImage({ name: 'notes.png', data: Buffer.from('just some text\n') }), 'ASSET_CORRUPT', 'notes.png');
    await expectCode(probeImage({ name: 'notes.png', data: Buffer.from('just some text\n') }), 'ASSET_CORRUPT', 'notes.png');
    await expectCode(decodeImage({ name: 'notes.txt', data: Buffer.from('just some text\n') }), 'ASSET_UNSUPPORTED', 'notes.txt');
    await expectCode(decodeImage({ name: 'empty.png', data: Buffer.alloc(0) }), 'ASSET_CORRUPT', 'empty.png');
  });

  it('a damaged PSD is ASSET_CORRUPT, a PSD without composite ASSET_UNSUPPORTED', async () => {
    const w = 8;
    const h = 8;
    const psd = writePsdBuffer({ width: w, height: h, imageData: { width: w, height: h, data: new Uint8ClampedArray(w * h * 4).fill(200) } });
    await expectCode(decodeImage({ name: 'cut.psd', data: psd.subarray(0, 30) }), 'ASSET_CORRUPT', 'cut.psd');
    // A document whose file ends where the composite section would start (header, colour mode data,
    // image resources and layers are all present).
    const layered = writePsdBuffer({ width: w, height: h, children: [{ name: 'L', imageData: { width: w, height: h, data: new Uint8ClampedArray(w * h * 4).fill(200) } }] });
    let at = 26;
    for (let section = 0; section < 3; section++) at += 4 + layered.readUInt32BE(at);
    const noComposite = layered.subarray(0, at);
    await expectCode(decodeImage({ name: 'layers-only.psd', data: noComposite }), 'ASSET_UNSUPPORTED', 'layers-only.psd');
    expect((await probeImage({ name: 'layers-only.psd', data: noComposite })).metadata['psd.layers']).toBe(1);
  });

  it('maxPixels must be positive', async () => {
    await expectCode(decodeImage({ name: 'a.png', data: fixture('spearman.png'), maxPixels: 0 }), 'INVALID_ARGUMENT', 'maxPixels');
  });
});
