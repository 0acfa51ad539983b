import sharp, { type Metadata, type Sharp } from 'sharp';
import { StrataError } from '../../../porcelain/index.js';
import { IMAGE_HEAD_BYTES, imageFormatOf, type ImageFormat } from './formats.js';
import type { ImageInfo } from './image-info.js';
import { decodePsdComposite, probePsd } from './psd.js';
import type { RasterImage } from './raster.js';
import { infoFromSharp } from './sharp-info.js';

export type { ImageInfo } from './image-info.js';

/** An image file's name (used in messages and as the extension fallback) and its bytes. */
export interface ImageInput {
  name: string;
  data: Uint8Array;
}

export interface DecodeOptions extends ImageInput {
  /** Largest number of pixels decoded; bigger images are downscaled while decoding. Default 4096 x 4096. */
  maxPixels?: number;
}

/** A decoded image: what the file says, its pixels (8-bit RGBA), and decoded width / original width. */
export interface DecodedImage {
  info: ImageInfo;
  raster: RasterImage;
  /** `raster.width / info.width`: 1 when decoded at full size, less when downscaled. */
  scale: number;
}

export const DEFAULT_MAX_PIXELS = 4096 * 4096;

const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = {
  png: 'PNG',
  jpeg: 'JPEG',
  gif: 'GIF',
  webp: 'WebP',
  tiff: 'TIFF',
  psd: 'Photoshop',
  avif: 'AVIF',
  heif: 'HEIF',
  svg: 'SVG',
};

/** The format of an image file, or ASSET_UNSUPPORTED / ASSET_CORRUPT (empty file) naming it. */
export function detectImageFormat(input: ImageInput): ImageFormat {
  const { name, data } = input;
  if (data.length === 0) {
    throw new StrataError('ASSET_CORRUPT', `${name}: the file is empty, so it holds no image.`, { data: { file: name } });
  }
  const format = imageFormatOf(name, data.subarray(0, Math.max(IMAGE_HEAD_BYTES, 4096)));
  if (format === undefined) {
    throw new StrataError(
      'ASSET_UNSUPPORTED',
      `${name}: not an image format strata can read (PNG, JPEG, GIF, WebP, TIFF, PSD, SVG, AVIF).`,
      { data: { file: name } },
    );
  }
  return format;
}

/** Turns whatever the decoder threw into a StrataError naming the file. */
export function decodeError(name: string, format: ImageFormat, err: unknown): StrataError {
  if (err instanceof StrataError) return err;
  const detail = (err instanceof Error ? err.message : String(err)).split('\n')[0]?.trim() ?? '';
  if (format === 'heif' && /unsupported|no decoding plugin|codec|compression/i.test(detail)) {
    return new StrataError('ASSET_UNSUPPORTED', `${name}: this HEIF image uses a compression strata cannot decode (AVIF is supported, HEVC is not).`, {
      data: { file: name, detail },
      cause: err,
    });
  }
  return new StrataError('ASSET_CORRUPT', `${name}: not a readable ${FORMAT_NAMES[format]} image, it is damaged or truncated (${detail}).`, {
    data: { file: name, format, detail },
    cause: err,
  });
}

function open(data: Uint8Array): Sharp {
  // failOn 'warning': a truncated or damaged file is reported, not decoded with grey holes.
  return sharp(data, { limitInputPixels: false, failOn: 'warning', pages: 1, page: 0 });
}

async function metadataOf(input: ImageInput, format: ImageFormat): Promise<Metadata> {
  try {
    const meta = await sharp(input.data, { limitInputPixels: false, failOn: 'warning' }).metadata();
    if (!(meta.width > 0 && meta.height > 0)) throw new Error('the image has no width or height');
    return meta;
  } catch (err) {
    throw decodeError(input.name, format, err);
  }
}

/** What an image file says about its picture, without decoding its pixels (PSD: its layers, not its composite). */
export async function probeImage(input: ImageInput): Promise<ImageInfo> {
  const format = detectImageFormat(input);
  if (format === 'psd') return probePsd(input.name, input.data);
  const meta = await metadataOf(input, format);
  return infoFromSharp(format, meta, input.data);
}

/** The size an image of `width` x `height` is decoded at so that it holds at most `maxPixels` pixels. */
export function fitPixels(width: number, height: number, maxPixels: number): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const s = Math.sqrt(maxPixels / (width * height));
  let w = Math.max(1, Math.floor(width * s));
  let h = Math.max(1, Math.floor(height * s));
  while (w * h > maxPixels) {
    if (w >= h && w > 1) w--;
    else h--;
  }
  return { width: w, height: h };
}

/** Copies pixel data whose start is not 4-byte aligned (pixelmatch views it as 32-bit words). */
function aligned(data: Uint8Array): Uint8Array {
  return data.byteOffset % 4 === 0 ? data : new Uint8Array(data);
}

async function rawRgba(pipeline: Sharp, name: string, format: ImageFormat, width: number, height: number): Promise<RasterImage> {
  let out;
  try {
    out = await pipeline.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw decodeError(name, format, err);
  }
  if (out.info.channels !== 4 || out.info.width !== width || out.info.height !== height || out.data.length !== width * height * 4) {
    throw new StrataError('ASSET_CORRUPT', `${name}: the ${FORMAT_NAMES[format]} image decoded to an unexpected shape.`, {
      data: { file: name, width: out.info.width, height: out.info.height, channels: out.info.channels },
    });
  }
  return { width, height, data: aligned(out.data) };
}

/**
 * Decodes an image to 8-bit RGBA (16-bit and float sources are converted, palettes expanded, CMYK and
 * embedded ICC profiles converted to sRGB; EXIF orientation is not applied: stored pixels are compared).
 * Multi-frame files yield their first frame. Images larger than `maxPixels` are downscaled while
 * decoding (shrink-on-load where the format allows), so memory stays bounded whatever the input size.
 */
export async function decodeImage(options: DecodeOptions): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!Number.isFinite(maxPixels) || maxPixels < 1) {
    throw new StrataError('INVALID_ARGUMENT', `maxPixels must be a positive number, not ${String(options.maxPixels)}.`);
  }
  const { name, data } = options;
  const format = detectImageFormat(options);
  if (format === 'psd') {
    const info = probePsd(name, data);
    const full = decodePsdComposite(name, data);
    const target = fitPixels(full.width, full.height, maxPixels);
    if (target.width === full.width && target.height === full.height) return { info, raster: full, scale: 1 };
    const pipeline = sharp(full.data, { raw: { width: full.width, height: full.height, channels: 4 } }).resize(target.width, target.height, { fit: 'fill' });
    const raster = await rawRgba(pipeline, name, format, target.width, target.height);
    return { info, raster, scale: target.width / info.width };
  }
  const meta = await metadataOf(options, format);
  const info = infoFromSharp(format, meta, data);
  const target = fitPixels(info.width, info.height, maxPixels);
  let pipeline = open(data);
  if (target.width !== info.width || target.height !== info.height) {
    pipeline = pipeline.resize(target.width, target.height, { fit: 'fill' });
  }
  const raster = await rawRgba(pipeline, name, format, target.width, target.height);
  return { info, raster, scale: target.width / info.width };
}
