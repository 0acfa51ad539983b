/**
 * One picture in five formats written by other programs (CPython's test images): each decodes to the
 * same 16 x 16 picture, so a format change with the same pixels shows as a format change only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../personas/creative/image/decode.js';
import { diffImages } from '../../../personas/creative/image/diff.js';
import { isImagePath } from '../../../personas/creative/image/formats.js';

const DIR = join(__dirname, '..', '..', 'fixtures', 'creative', 'image', 'python-logo');
const load = (ext: string) => decodeImage({ name: `python.${ext}`, data: readFileSync(join(DIR, `python.${ext}`)) });

describe('real files in every supported format', () => {
  it.each([
    ['png', 'png'],
    ['gif', 'gif'],
    ['jpg', 'jpeg'],
    ['tiff', 'tiff'],
    ['webp', 'webp'],
  ])('python.%s decodes as %s, 16 x 16', async (ext, format) => {
    const img = await load(ext);
    expect(img.info.format).toBe(format);
    expect([img.info.width, img.info.height]).toEqual([16, 16]);
    expect(img.raster.data.length).toBe(16 * 16 * 4);
  });

  it('compares across formats: TIFF keeps every pixel, WebP and GIF nearly, JPEG loses the alpha', async () => {
    const png = await load('png');
    const tiff = diffImages(png, await load('tiff')).summary;
    expect(tiff).toMatchObject({ identical: true, pixelsEqual: true, ssim: 1 });
    expect(tiff.infoChanges.find((c) => c.field === 'format')).toEqual({ field: 'format', before: 'png', after: 'tiff' });
    expect(tiff.infoChanges.find((c) => c.field === 'colourType')).toEqual({ field: 'colourType', before: 'palette', after: 'rgba' });
    // This WebP was written lossy, and this GIF with a 7-bit palette: a few pixels move.
    const webp = diffImages(png, await load('webp')).summary;
    expect(webp.changedPercent).toBeLessThan(10);
    expect(webp.ssim).toBeGreaterThan(0.95);
    const gif = diffImages(png, await load('gif')).summary;
    expect(gif.changedPercent).toBeLessThan(20);
    expect(gif.infoChanges.find((c) => c.field === 'bitDepth')).toEqual({ field: 'bitDepth', before: 8, after: 7 });
    const jpeg = diffImages(png, await load('jpg')).summary;
    expect(jpeg.infoChanges.find((c) => c.field === 'hasAlpha')).toEqual({ field: 'hasAlpha', before: true, after: false });
    expect(jpeg.changedPixels).toBeGreaterThan(webp.changedPixels);
  });

  it('a format strata does not decode (BMP) is not taken for an image', () => {
    expect(isImagePath('python.bmp')).toBe(false);
  });
});
