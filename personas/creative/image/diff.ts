import pixelmatch from 'pixelmatch';
import { StrataError } from '../../../porcelain/index.js';
import { alignImages, type Alignment } from './align.js';
import type { DecodedImage } from './decode.js';
import type { ImageInfo } from './image-info.js';
import type { RasterImage } from './raster.js';
import { findRegions, type ChangedRegion } from './regions.js';
import { ssimOf } from './ssim.js';

/** Mask values: what happened to a pixel of the compared canvas. */
export const MASK_SAME = 0;
/** The colour changed beyond the threshold. */
export const MASK_CHANGED = 1;
/** The pixel appeared: much more opaque after (or only the after image covers it). */
export const MASK_ADDED = 2;
/** The pixel disappeared: much more transparent after (or only the before image covers it). */
export const MASK_REMOVED = 3;

export interface InfoChange {
  field: string;
  before: string | number | boolean | null;
  after: string | number | boolean | null;
}

/** The figures of an image comparison, as plain JSON. */
export interface ImageDiff {
  /** File-level differences: dimensions, format, depth, colour type, alpha, colour space, density, pages, and `metadata.<key>` for each metadata entry added, removed or changed. */
  infoChanges: InfoChange[];
  compared: { width: number; height: number; alignment: Alignment; scaleA: number; scaleB: number };
  changedPixels: number;
  totalPixels: number;
  /** changedPixels / totalPixels * 100, to 4 decimals. */
  changedPercent: number;
  /** Mean SSIM on luminance (1 = identical). */
  ssim: number;
  /** The scale SSIM was computed at, relative to the compared canvas (1 = full size). */
  ssimScale: number;
  /** Changed regions, largest first, in compared-canvas coordinates. */
  regions: ChangedRegion[];
  /** Regions left out of `regions` (beyond `maxRegions`). */
  moreRegions: number;
  /** No pixel changed beyond the threshold (anti-aliasing noise ignored unless asked). */
  identical: boolean;
  /** Every byte of the two compared canvases is equal (stricter than `identical`). */
  pixelsEqual: boolean;
}

export interface ImageComparison {
  summary: ImageDiff;
  /** One byte per canvas pixel: MASK_SAME, MASK_CHANGED, MASK_ADDED or MASK_REMOVED. */
  mask: Uint8Array;
  width: number;
  height: number;
  /** Both images aligned onto the compared canvas. */
  a: RasterImage;
  b: RasterImage;
}

export interface DiffOptions {
  /** YIQ colour distance threshold, 0 to 1 as in pixelmatch (default 0.1); smaller is stricter. */
  threshold?: number;
  /** Count anti-aliased pixels too (default false: pixelmatch's detector ignores them). */
  includeAntiAliasing?: boolean;
  /** Regions listed at most (default 50). */
  maxRegions?: number;
}

const INFO_FIELDS = ['format', 'bitDepth', 'colourType', 'channels', 'hasAlpha', 'colourSpace', 'density', 'pages'] as const;
const ALPHA_JUMP = 128;

function infoChanges(a: ImageInfo, b: ImageInfo): InfoChange[] {
  const out: InfoChange[] = [];
  if (a.width !== b.width || a.height !== b.height) {
    out.push({ field: 'dimensions', before: `${a.width}x${a.height}`, after: `${b.width}x${b.height}` });
  }
  for (const field of INFO_FIELDS) {
    const before = a[field] ?? null;
    const after = b[field] ?? null;
    if (before !== after) out.push({ field, before, after });
  }
  const keys = [...new Set([...Object.keys(a.metadata), ...Object.keys(b.metadata)])].sort();
  for (const key of keys) {
    const before = a.metadata[key] ?? null;
    const after = b.metadata[key] ?? null;
    if (before !== after) out.push({ field: `metadata.${key}`, before, after });
  }
  return out;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Marks the pixels covered by only one of the two images (padding counts as change). */
function markPadding(mask: Uint8Array, width: number, height: number, areaA: { width: number; height: number }, areaB: { width: number; height: number }): void {
  for (let y = 0; y < height; y++) {
    const inA = y < areaA.height;
    const inB = y < areaB.height;
    for (let x = 0; x < width; x++) {
      const a = inA && x < areaA.width;
      const b = inB && x < areaB.width;
      if (a !== b) mask[y * width + x] = a ? MASK_REMOVED : MASK_ADDED;
    }
  }
}

/**
 * Compares two decoded images: file-level changes, then pixels on an aligned canvas (see alignImages)
 * with pixelmatch's perceptual YIQ test, changed regions, and SSIM.
 */
export function diffImages(a: DecodedImage, b: DecodedImage, options: DiffOptions = {}): ImageComparison {
  const threshold = options.threshold ?? 0.1;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new StrataError('INVALID_ARGUMENT', `threshold must be between 0 and 1, not ${String(options.threshold)}.`);
  }
  const maxRegions = options.maxRegions ?? 50;
  if (!(Number.isInteger(maxRegions) && maxRegions >= 0)) {
    throw new StrataError('INVALID_ARGUMENT', `maxRegions must be a whole number of at least 0, not ${String(options.maxRegions)}.`);
  }
  const aligned = alignImages(a, b);
  const { width, height } = aligned;
  const total = width * height;
  const da = aligned.a.data;
  const db = aligned.b.data;
  const pixelsEqual = Buffer.from(da.buffer, da.byteOffset, da.byteLength).equals(db);
  const mask = new Uint8Array(total);
  let changedPixels = 0;
  if (!pixelsEqual) {
    // pixelmatch draws each differing pixel opaque into `out` (diffMask leaves the others all zero).
    const out = new Uint8Array(total * 4);
    pixelmatch(da, db, out, width, height, { threshold, includeAA: options.includeAntiAliasing === true, diffMask: true });
    const drawn = new Uint32Array(out.buffer, 0, total);
    for (let i = 0; i < total; i++) {
      if (drawn[i] === 0) continue;
      const p = i * 4 + 3;
      const jump = (db[p] as number) - (da[p] as number);
      mask[i] = jump >= ALPHA_JUMP ? MASK_ADDED : jump <= -ALPHA_JUMP ? MASK_REMOVED : MASK_CHANGED;
      changedPixels++;
    }
  }
  if (aligned.alignment === 'padded') {
    markPadding(mask, width, height, aligned.areaA, aligned.areaB);
    changedPixels = 0;
    for (let i = 0; i < total; i++) if (mask[i] !== 0) changedPixels++;
  }
  const { regions, moreRegions } = changedPixels === 0 ? { regions: [], moreRegions: 0 } : findRegions(mask, width, height, maxRegions);
  const ssim = ssimOf(aligned.a, aligned.b);
  const summary: ImageDiff = {
    infoChanges: infoChanges(a.info, b.info),
    compared: { width, height, alignment: aligned.alignment, scaleA: round(aligned.scaleA, 6), scaleB: round(aligned.scaleB, 6) },
    changedPixels,
    totalPixels: total,
    changedPercent: total === 0 ? 0 : round((changedPixels / total) * 100, 4),
    ssim: round(ssim.ssim, 6),
    ssimScale: round(ssim.scale, 6),
    regions,
    moreRegions,
    identical: changedPixels === 0,
    pixelsEqual,
  };
  return { summary, mask, width, height, a: aligned.a, b: aligned.b };
}
