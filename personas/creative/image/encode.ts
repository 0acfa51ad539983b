import sharp from 'sharp';
import { StrataError } from '../../../porcelain/index.js';
import type { RasterImage } from './raster.js';

/**
 * PNG encoding of rasters strata draws. zlib level 6 without adaptive filtering: close to the smallest
 * files for pictures with flat areas, and several times faster than sharp's defaults on large canvases.
 */
const PNG_OPTIONS = { compressionLevel: 6, adaptiveFiltering: false, palette: false } as const;

/** Encodes raw 8-bit pixels (3 = RGB, 4 = RGBA channels) as PNG. */
export async function encodePixels(data: Uint8Array, width: number, height: number, channels: 3 | 4): Promise<Buffer> {
  if (!(width > 0 && height > 0) || data.length !== width * height * channels) {
    throw new StrataError('INVALID_ARGUMENT', `cannot encode a ${width} x ${height} picture from ${data.length} bytes of ${channels}-channel pixels.`);
  }
  return sharp(data, { raw: { width, height, channels } }).png(PNG_OPTIONS).toBuffer();
}

/** An 8-bit RGBA PNG of `raster`. */
export async function encodePng(raster: RasterImage): Promise<Buffer> {
  return encodePixels(raster.data, raster.width, raster.height, 4);
}
