import { CHECKER_SQUARE, checkerAt, type RasterImage } from './raster.js';

/**
 * Mean structural similarity (Wang, Bovik, Sheikh and Simoncelli 2004) of two equally sized rasters,
 * on luminance (Rec. 601 weights, transparent parts seen over the checkerboard), with 8 x 8 sliding
 * windows and the usual constants K1 = 0.01, K2 = 0.03. For speed the luminance planes are first
 * reduced by an integer box average so the long side is at most `maxSide`; the factor used is returned
 * as `scale` (1 = full size). Identical rasters give exactly 1.
 */
export interface SsimResult {
  ssim: number;
  /** Size of the planes SSIM was computed on relative to the input (1, 1/2, 1/3, …). */
  scale: number;
}

const WINDOW = 8;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** The luminance plane of `src`, reduced by `factor` in both directions (box average). */
function luminance(src: RasterImage, factor: number, w: number, h: number): Float64Array {
  const plane = new Float64Array(w * h);
  const { width, height, data } = src;
  for (let y = 0; y < height; y++) {
    const row = ((y / factor) | 0) * w;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const a = data[p + 3] ?? 0;
      let lum = 0.299 * (data[p] ?? 0) + 0.587 * (data[p + 1] ?? 0) + 0.114 * (data[p + 2] ?? 0);
      if (a !== 255) lum = (lum * a + checkerAt(x, y, CHECKER_SQUARE) * (255 - a)) / 255;
      const i = row + ((x / factor) | 0);
      plane[i] = (plane[i] ?? 0) + lum;
    }
  }
  // Divide by the number of source pixels in each cell (edge cells may hold fewer).
  for (let cy = 0; cy < h; cy++) {
    const rows = Math.min(factor, height - cy * factor);
    for (let cx = 0; cx < w; cx++) {
      const cols = Math.min(factor, width - cx * factor);
      const i = cy * w + cx;
      plane[i] = (plane[i] ?? 0) / (rows * cols);
    }
  }
  return plane;
}

function meanSsim(x: Float64Array, y: Float64Array, w: number, h: number): number {
  const win = Math.max(1, Math.min(WINDOW, w, h));
  const n = win * win;
  // Column sums over the last `win` rows of x, y, x², y², xy.
  const sx = new Float64Array(w);
  const sy = new Float64Array(w);
  const sxx = new Float64Array(w);
  const syy = new Float64Array(w);
  const sxy = new Float64Array(w);
  let total = 0;
  let windows = 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const a = x[r * w + c] ?? 0;
      const b = y[r * w + c] ?? 0;
      sx[c] = (sx[c] ?? 0) + a;
      sy[c] = (sy[c] ?? 0) + b;
      sxx[c] = (sxx[c] ?? 0) + a * a;
      syy[c] = (syy[c] ?? 0) + b * b;
      sxy[c] = (sxy[c] ?? 0) + a * b;
      if (r >= win) {
        const o = (r - win) * w + c;
        const a0 = x[o] ?? 0;
        const b0 = y[o] ?? 0;
        sx[c] = (sx[c] ?? 0) - a0;
        sy[c] = (sy[c] ?? 0) - b0;
        sxx[c] = (sxx[c] ?? 0) - a0 * a0;
        syy[c] = (syy[c] ?? 0) - b0 * b0;
        sxy[c] = (sxy[c] ?? 0) - a0 * b0;
      }
    }
    if (r < win - 1) continue;
    let wx = 0;
    let wy = 0;
    let wxx = 0;
    let wyy = 0;
    let wxy = 0;
    for (let c = 0; c < w; c++) {
      wx += sx[c] ?? 0;
      wy += sy[c] ?? 0;
      wxx += sxx[c] ?? 0;
      wyy += syy[c] ?? 0;
      wxy += sxy[c] ?? 0;
      if (c >= win) {
        wx -= sx[c - win] ?? 0;
        wy -= sy[c - win] ?? 0;
        wxx -= sxx[c - win] ?? 0;
        wyy -= syy[c - win] ?? 0;
        wxy -= sxy[c - win] ?? 0;
      }
      if (c < win - 1) continue;
      const mx = wx / n;
      const my = wy / n;
      const vx = Math.max(0, wxx / n - mx * mx);
      const vy = Math.max(0, wyy / n - my * my);
      const cov = wxy / n - mx * my;
      total += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
      windows++;
    }
  }
  return windows === 0 ? 1 : total / windows;
}

/** Mean SSIM of two rasters of the same size, computed with the long side reduced to at most `maxSide`. */
export function ssimOf(a: RasterImage, b: RasterImage, maxSide = 1024): SsimResult {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError('ssimOf: rasters differ in size');
  const factor = Math.max(1, Math.ceil(Math.max(a.width, a.height) / maxSide));
  const w = Math.ceil(a.width / factor);
  const h = Math.ceil(a.height / factor);
  const scale = 1 / factor;
  if (a.data === b.data || Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(b.data)) return { ssim: 1, scale };
  const ssim = meanSsim(luminance(a, factor, w, h), luminance(b, factor, w, h), w, h);
  return { ssim: Math.min(1, ssim), scale };
}
