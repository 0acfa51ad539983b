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
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** The luminance plane of `src`, reduced by `factor` in both directions (box average). */
function luminance(src: RasterImage, factor: number, w: number, h: number): Float64Array {
  const plane = new Float64Array(w * h);
  const { width, height, data } = src;
  // One 32-bit load per pixel.
  const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, width * height) : new Uint32Array(new Uint8Array(data).buffer);
  const [rs, gs, bs, as] = LITTLE_ENDIAN ? [0, 8, 16, 24] : [24, 16, 8, 0];
  for (let y = 0; y < height; y++) {
    const row = ((y / factor) | 0) * w;
    let i = y * width;
    for (let cx = 0, x = 0; cx < w; cx++) {
      const end = Math.min(width, x + factor);
      // Luminance x 1000 in integers for opaque pixels; blended over the checkerboard otherwise.
      let opaque = 0;
      let blended = 0;
      for (; x < end; x++, i++) {
        const v = words[i] as number;
        const lum = 299 * ((v >>> rs) & 255) + 587 * ((v >>> gs) & 255) + 114 * ((v >>> bs) & 255);
        const a = (v >>> as) & 255;
        if (a === 255) opaque += lum;
        else blended += (lum * a + 1000 * checkerAt(x, y, CHECKER_SQUARE) * (255 - a)) / 255;
      }
      plane[row + cx] = (plane[row + cx] as number) + (opaque + blended) / 1000;
    }
  }
  // Divide by the number of source pixels in each cell (edge cells may hold fewer).
  for (let cy = 0; cy < h; cy++) {
    const rows = Math.min(factor, height - cy * factor);
    for (let cx = 0; cx < w; cx++) {
      const cols = Math.min(factor, width - cx * factor);
      const i = cy * w + cx;
      plane[i] = (plane[i] as number) / (rows * cols);
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
      const a = x[r * w + c] as number;
      const b = y[r * w + c] as number;
      sx[c] = (sx[c] as number) + a;
      sy[c] = (sy[c] as number) + b;
      sxx[c] = (sxx[c] as number) + a * a;
      syy[c] = (syy[c] as number) + b * b;
      sxy[c] = (sxy[c] as number) + a * b;
      if (r >= win) {
        const o = (r - win) * w + c;
        const a0 = x[o] as number;
        const b0 = y[o] as number;
        sx[c] = (sx[c] as number) - a0;
        sy[c] = (sy[c] as number) - b0;
        sxx[c] = (sxx[c] as number) - a0 * a0;
        syy[c] = (syy[c] as number) - b0 * b0;
        sxy[c] = (sxy[c] as number) - a0 * b0;
      }
    }
    if (r < win - 1) continue;
    let wx = 0;
    let wy = 0;
    let wxx = 0;
    let wyy = 0;
    let wxy = 0;
    for (let c = 0; c < w; c++) {
      wx += sx[c] as number;
      wy += sy[c] as number;
      wxx += sxx[c] as number;
      wyy += syy[c] as number;
      wxy += sxy[c] as number;
      if (c >= win) {
        wx -= sx[c - win] as number;
        wy -= sy[c - win] as number;
        wxx -= sxx[c - win] as number;
        wyy -= syy[c - win] as number;
        wxy -= sxy[c - win] as number;
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
