import sharp from 'sharp';
import { StrataError } from '../../../porcelain/index.js';
import { MASK_ADDED, MASK_REMOVED, type ImageComparison } from './diff.js';
import { encodePixels } from './encode.js';
import { overCheckerboard, type RasterImage } from './raster.js';
import type { ChangedRegion } from './regions.js';

/**
 * The pictures of an image comparison, as PNG: a difference highlight, before and after side by side,
 * an onion skin (blend) and a swipe (before on the left, after on the right of a split line). Transparent
 * parts are drawn over the checkerboard, so every picture is opaque RGB.
 */
export interface DiffPictures {
  /** The after image faded to light grey; changed pixels red, pixels that appeared magenta, pixels that disappeared amber; changed regions outlined in blue. */
  highlight: Buffer;
  /** Before | after, with a grey gap between. */
  sideBySide: Buffer;
  /** Before and after blended, `onion` of the after. */
  onion: Buffer;
  /** Before left of the split at `swipe` of the width, after right of it, a thin line at the split. */
  swipe: Buffer;
}

export interface PictureOptions {
  /** Split position for the swipe, 0 (all after) to 1 (all before); default 0.5. */
  swipe?: number;
  /** Weight of the after image in the onion skin, 0 to 1; default 0.5. */
  onion?: number;
  /** Longest side of each picture (each panel of the side-by-side), in pixels; default: the compared size. */
  maxSize?: number;
}

const CHANGED: readonly [number, number, number] = [255, 0, 0];
const ADDED: readonly [number, number, number] = [255, 0, 255];
const REMOVED: readonly [number, number, number] = [230, 160, 0];
const OUTLINE: readonly [number, number, number] = [0, 102, 255];
const GAP = 16;
const GAP_GREY = 128;
const FADE = 0.3;

function fraction(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(v >= 0 && v <= 1)) throw new StrataError('INVALID_ARGUMENT', `${name} must be between 0 and 1, not ${String(value)}.`);
  return v;
}

/** The mask reduced to `w` x `h`: a reduced pixel is marked when any pixel it covers is. */
function reduceMask(mask: Uint8Array, width: number, height: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < height; y++) {
    const row = Math.min(h - 1, Math.floor((y * h) / height)) * w;
    for (let x = 0; x < width; x++) {
      const m = mask[y * width + x] as number;
      if (m === 0) continue;
      const i = row + Math.min(w - 1, Math.floor((x * w) / width));
      if ((out[i] as number) < m) out[i] = m;
    }
  }
  return out;
}

function highlight(after: RasterImage, mask: Uint8Array, regions: ChangedRegion[], sx: number, sy: number): Uint8Array {
  const { width, height, data } = after;
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, p = 0, q = 0; i < width * height; i++, p += 4, q += 3) {
    const m = mask[i] as number;
    let c: readonly [number, number, number] | undefined;
    if (m !== 0) c = m === MASK_ADDED ? ADDED : m === MASK_REMOVED ? REMOVED : CHANGED;
    if (c !== undefined) {
      out[q] = c[0];
      out[q + 1] = c[1];
      out[q + 2] = c[2];
    } else {
      const lum = 0.299 * (data[p] as number) + 0.587 * (data[p + 1] as number) + 0.114 * (data[p + 2] as number);
      const v = 255 - (255 - lum) * FADE;
      out[q] = v;
      out[q + 1] = v;
      out[q + 2] = v;
    }
  }
  const put = (x: number, y: number): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const q = (y * width + x) * 3;
    out[q] = OUTLINE[0];
    out[q + 1] = OUTLINE[1];
    out[q + 2] = OUTLINE[2];
  };
  for (const r of regions) {
    // One pixel outside the region's box, in the picture's scale.
    const x0 = Math.floor(r.x * sx) - 1;
    const y0 = Math.floor(r.y * sy) - 1;
    const x1 = Math.ceil((r.x + r.width) * sx);
    const y1 = Math.ceil((r.y + r.height) * sy);
    for (let x = x0; x <= x1; x++) {
      put(x, y0);
      put(x, y1);
    }
    for (let y = y0; y <= y1; y++) {
      put(x0, y);
      put(x1, y);
    }
  }
  return out;
}

function sideBySide(a: RasterImage, b: RasterImage): { data: Uint8Array; width: number } {
  const width = a.width * 2 + GAP;
  const out = new Uint8Array(width * a.height * 3).fill(GAP_GREY);
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const p = (y * a.width + x) * 4;
      const qa = (y * width + x) * 3;
      const qb = qa + (a.width + GAP) * 3;
      out[qa] = a.data[p] as number;
      out[qa + 1] = a.data[p + 1] as number;
      out[qa + 2] = a.data[p + 2] as number;
      out[qb] = b.data[p] as number;
      out[qb + 1] = b.data[p + 1] as number;
      out[qb + 2] = b.data[p + 2] as number;
    }
  }
  return { data: out, width };
}

function onion(a: RasterImage, b: RasterImage, t: number): Uint8Array {
  const n = a.width * a.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0, p = 0, q = 0; i < n; i++, p += 4, q += 3) {
    out[q] = (a.data[p] as number) * (1 - t) + (b.data[p] as number) * t + 0.5;
    out[q + 1] = (a.data[p + 1] as number) * (1 - t) + (b.data[p + 1] as number) * t + 0.5;
    out[q + 2] = (a.data[p + 2] as number) * (1 - t) + (b.data[p + 2] as number) * t + 0.5;
  }
  return out;
}

function swipe(a: RasterImage, b: RasterImage, at: number): Uint8Array {
  const { width, height } = a;
  const split = Math.round(width * at);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const q = (y * width + x) * 3;
      const src = x < split ? a.data : b.data;
      let r = src[p] as number;
      let g = src[p + 1] as number;
      let bl = src[p + 2] as number;
      if (x === split - 1) r = g = bl = 0;
      else if (x === split) r = g = bl = 255;
      out[q] = r;
      out[q + 1] = g;
      out[q + 2] = bl;
    }
  }
  return out;
}

/** `src` reduced to `w` x `h` by libvips (premultiplied, so transparent edges keep their colour). */
async function reduce(src: RasterImage, w: number, h: number): Promise<RasterImage> {
  const { data } = await sharp(src.data, { raw: { width: src.width, height: src.height, channels: 4 } })
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: w, height: h, data };
}

/** Renders the four pictures of a comparison (encoded concurrently). */
export async function renderDiffPictures(cmp: ImageComparison, options: PictureOptions = {}): Promise<DiffPictures> {
  const swipeAt = fraction('swipe', options.swipe, 0.5);
  const onionAt = fraction('onion', options.onion, 0.5);
  if (options.maxSize !== undefined && !(Number.isInteger(options.maxSize) && options.maxSize >= 1)) {
    throw new StrataError('INVALID_ARGUMENT', `maxSize must be a whole number of pixels, not ${String(options.maxSize)}.`);
  }
  let { a, b, mask } = cmp;
  const { width, height } = cmp;
  const fit = options.maxSize === undefined ? 1 : Math.min(1, options.maxSize / Math.max(width, height));
  if (fit < 1) {
    const w = Math.max(1, Math.round(width * fit));
    const h = Math.max(1, Math.round(height * fit));
    [a, b] = await Promise.all([reduce(a, w, h), reduce(b, w, h)]);
    mask = reduceMask(mask, width, height, w, h);
  }
  const before = overCheckerboard(a);
  const after = overCheckerboard(b);
  const w = after.width;
  const h = after.height;
  const pair = sideBySide(before, after);
  const [hl, sbs, on, sw] = await Promise.all([
    encodePixels(highlight(after, mask, cmp.summary.regions, w / width, h / height), w, h, 3),
    encodePixels(pair.data, pair.width, h, 3),
    encodePixels(onion(before, after, onionAt), w, h, 3),
    encodePixels(swipe(before, after, swipeAt), w, h, 3),
  ]);
  return { highlight: hl, sideBySide: sbs, onion: on, swipe: sw };
}
