import sharp from 'sharp';
import { StrataError } from '../../../porcelain/index.js';
import { decodeError, decodeImage, detectImageFormat, probeImage, type ImageInput, type ImageInfo } from './decode.js';
import type { RasterImage } from './raster.js';

/**
 * Small PNG previews. Thumbnails keep their transparency (viewers draw it their way: the contact sheet
 * over a checkerboard, an HTML page over CSS), are never enlarged, and keep the aspect ratio, fitting
 * inside `maxSize` x `maxSize`. Thumbnails of files apply the EXIF orientation, as every image viewer
 * does; comparisons do not (they compare stored pixels and report the orientation as metadata).
 */
export const DEFAULT_THUMBNAIL_SIZE = 256;

const PNG_OPTIONS = { compressionLevel: 6, adaptiveFiltering: false, palette: false } as const;

function checkSize(maxSize: number): void {
  if (!(Number.isInteger(maxSize) && maxSize >= 1)) {
    throw new StrataError('INVALID_ARGUMENT', `a thumbnail size must be a whole number of pixels, not ${String(maxSize)}.`);
  }
}

/** A PNG of `raster` fitting inside `maxSize` x `maxSize` (8-bit RGBA, transparency kept). */
export async function rasterThumbnail(raster: RasterImage, maxSize = DEFAULT_THUMBNAIL_SIZE): Promise<Buffer> {
  checkSize(maxSize);
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 4 } })
    .resize(maxSize, maxSize, { fit: 'inside', withoutEnlargement: true })
    .png(PNG_OPTIONS)
    .toBuffer();
}

export interface ImageThumbnailOptions extends ImageInput {
  maxSize?: number;
}

/**
 * A thumbnail straight from an image file (shrink-on-load where the format allows, so a huge JPEG is
 * never decoded at full size), with the file's ImageInfo. PSD documents go through their composite.
 */
export async function imageThumbnail(options: ImageThumbnailOptions): Promise<{ png: Buffer; info: ImageInfo }> {
  const maxSize = options.maxSize ?? DEFAULT_THUMBNAIL_SIZE;
  checkSize(maxSize);
  const format = detectImageFormat(options);
  if (format === 'psd') {
    // Decode the composite at up to 4x the thumbnail size, then reduce with a good filter.
    const decoded = await decodeImage({ ...options, maxPixels: Math.max(maxSize * maxSize * 16, 1) });
    return { png: await rasterThumbnail(decoded.raster, maxSize), info: decoded.info };
  }
  const info = await probeImage(options);
  let png: Buffer;
  try {
    png = await sharp(options.data, { limitInputPixels: false, failOn: 'warning', pages: 1, page: 0 })
      .autoOrient()
      .resize(maxSize, maxSize, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha()
      .png(PNG_OPTIONS)
      .toBuffer();
  } catch (err) {
    throw decodeError(options.name, format, err);
  }
  return { png, info };
}
