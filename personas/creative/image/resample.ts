import type { RasterImage } from './raster.js';

/**
 * Resizes an RGBA raster with a separable triangle filter on premultiplied alpha: bilinear when
 * enlarging, an area-weighted average when reducing (the filter widens with the reduction), so edges
 * against transparency keep their colour and a reduced image does not alias. Memory beyond the output
 * is a few horizontally resampled rows, whatever the sizes.
 */

interface Taps {
  /** First source index of each output index. */
  start: Int32Array;
  /** Number of taps of each output index. */
  count: Int32Array;
  /** `maxTaps` weights per output index (normalised to sum 1). */
  weights: Float32Array;
  maxTaps: number;
}

function taps(src: number, dst: number): Taps {
  const scale = dst / src;
  const support = scale < 1 ? 1 / scale : 1;
  const maxTaps = Math.ceil(support * 2) + 2;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float32Array(dst * maxTaps);
  for (let i = 0; i < dst; i++) {
    const centre = (i + 0.5) / scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(src - 1, Math.ceil(centre + support));
    let n = 0;
    let sum = 0;
    for (let s = lo; s <= hi && n < maxTaps; s++) {
      const w = Math.max(0, 1 - Math.abs(s + 0.5 - centre) / support);
      if (w === 0 && n === 0) continue;
      if (n === 0) start[i] = s;
      weights[i * maxTaps + n] = w;
      sum += w;
      n++;
    }
    if (n === 0 || sum === 0) {
      // Nearest source pixel (only reached when sizes are degenerate).
      start[i] = Math.min(src - 1, Math.max(0, Math.floor(centre)));
      weights[i * maxTaps] = 1;
      n = 1;
      sum = 1;
    }
    for (let k = 0; k < n; k++) weights[i * maxTaps + k] = (weights[i * maxTaps + k] ?? 0) / sum;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

/** One source row resampled horizontally, premultiplied, as floats. */
function resampleRow(src: RasterImage, y: number, tx: Taps, dstW: number, out: Float32Array): void {
  const data = src.data;
  const rowBase = y * src.width * 4;
  for (let x = 0; x < dstW; x++) {
    const s0 = tx.start[x] ?? 0;
    const n = tx.count[x] ?? 0;
    const wBase = x * tx.maxTaps;
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let k = 0; k < n; k++) {
      const w = tx.weights[wBase + k] ?? 0;
      const p = rowBase + (s0 + k) * 4;
      const alpha = (data[p + 3] ?? 0) * w;
      r += (data[p] ?? 0) * alpha;
      g += (data[p + 1] ?? 0) * alpha;
      b += (data[p + 2] ?? 0) * alpha;
      a += alpha;
    }
    const o = x * 4;
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = a;
  }
}

/** `src` resized to `width` x `height` (a copy; the same pixels when the size is unchanged). */
export function resizeRaster(src: RasterImage, width: number, height: number): RasterImage {
  if (width === src.width && height === src.height) return { width, height, data: new Uint8Array(src.data) };
  const tx = taps(src.width, width);
  const ty = taps(src.height, height);
  const out = new Uint8Array(width * height * 4);
  // Horizontally resampled source rows, kept while some output row still needs them.
  const cache = new Map<number, Float32Array>();
  const spare: Float32Array[] = [];
  const acc = new Float32Array(width * 4);
  for (let y = 0; y < height; y++) {
    const s0 = ty.start[y] ?? 0;
    const n = ty.count[y] ?? 0;
    for (const key of cache.keys()) {
      if (key < s0) {
        spare.push(cache.get(key) as Float32Array);
        cache.delete(key);
      }
    }
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const sy = s0 + k;
      let row = cache.get(sy);
      if (row === undefined) {
        row = spare.pop() ?? new Float32Array(width * 4);
        resampleRow(src, sy, tx, width, row);
        cache.set(sy, row);
      }
      const w = ty.weights[y * ty.maxTaps + k] ?? 0;
      for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] ?? 0) + (row[i] ?? 0) * w;
    }
    const base = y * width * 4;
    for (let x = 0; x < width; x++) {
      const o = x * 4;
      const a = acc[o + 3] ?? 0;
      if (a <= 0) continue; // stays transparent black
      out[base + o] = Math.min(255, Math.round((acc[o] ?? 0) / a));
      out[base + o + 1] = Math.min(255, Math.round((acc[o + 1] ?? 0) / a));
      out[base + o + 2] = Math.min(255, Math.round((acc[o + 2] ?? 0) / a));
      out[base + o + 3] = Math.min(255, Math.round(a));
    }
  }
  return { width, height, data: out };
}
