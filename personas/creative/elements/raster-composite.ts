/**
 * Compositing of layered raster documents (PSD groups, Krita and OpenRaster stacks) into one 8-bit RGBA
 * picture: each layer drawn over what is below with its opacity, an optional 8-bit mask and one of the
 * separable blend modes of the W3C Compositing spec (the ones Photoshop, Krita and OpenRaster share).
 * Non-separable modes (hue, saturation, color, luminosity) and the exotic ones fall back to normal; the
 * callers report which mode a layer has so a user can tell.
 */
import type { RasterImage } from '../image/raster.js';

export type BlendMode =
  | 'normal'
  | 'multiply'
  | 'screen'
  | 'overlay'
  | 'darken'
  | 'lighten'
  | 'color-dodge'
  | 'color-burn'
  | 'hard-light'
  | 'soft-light'
  | 'difference'
  | 'exclusion'
  | 'add'
  | 'subtract'
  | 'linear-burn';

/** The blend modes drawn as such (everything else is drawn as normal). */
export const HONOURED_BLEND_MODES: readonly BlendMode[] = [
  'normal',
  'multiply',
  'screen',
  'overlay',
  'darken',
  'lighten',
  'color-dodge',
  'color-burn',
  'hard-light',
  'soft-light',
  'difference',
  'exclusion',
  'add',
  'subtract',
  'linear-burn',
];

const ALIASES: Readonly<Record<string, BlendMode>> = {
  // Photoshop (ag-psd names)
  'pass through': 'normal',
  normal: 'normal',
  multiply: 'multiply',
  screen: 'screen',
  overlay: 'overlay',
  darken: 'darken',
  lighten: 'lighten',
  'color dodge': 'color-dodge',
  'color burn': 'color-burn',
  'hard light': 'hard-light',
  'soft light': 'soft-light',
  difference: 'difference',
  exclusion: 'exclusion',
  'linear dodge': 'add',
  subtract: 'subtract',
  'linear burn': 'linear-burn',
  // Krita composite op ids
  dodge: 'color-dodge',
  burn: 'color-burn',
  hard_light: 'hard-light',
  soft_light: 'soft-light',
  soft_light_svg: 'soft-light',
  diff: 'difference',
  add: 'add',
  linear_burn: 'linear-burn',
  // OpenRaster (svg:…)
  'svg:src-over': 'normal',
  'svg:multiply': 'multiply',
  'svg:screen': 'screen',
  'svg:overlay': 'overlay',
  'svg:darken': 'darken',
  'svg:lighten': 'lighten',
  'svg:color-dodge': 'color-dodge',
  'svg:color-burn': 'color-burn',
  'svg:hard-light': 'hard-light',
  'svg:soft-light': 'soft-light',
  'svg:difference': 'difference',
  'svg:exclusion': 'exclusion',
  'svg:plus': 'add',
};

/** The blend mode a format's mode name is drawn with, and whether it is drawn as itself. */
export function blendModeOf(name: string | undefined): { mode: BlendMode; honoured: boolean } {
  if (name === undefined || name === '') return { mode: 'normal', honoured: true };
  const mode = ALIASES[name.toLowerCase()];
  return mode === undefined ? { mode: 'normal', honoured: false } : { mode, honoured: true };
}

function blend(mode: BlendMode, b: number, s: number): number {
  switch (mode) {
    case 'multiply':
      return b * s;
    case 'screen':
      return b + s - b * s;
    case 'overlay':
      return b <= 0.5 ? 2 * b * s : 1 - 2 * (1 - b) * (1 - s);
    case 'darken':
      return Math.min(b, s);
    case 'lighten':
      return Math.max(b, s);
    case 'color-dodge':
      return b === 0 ? 0 : s >= 1 ? 1 : Math.min(1, b / (1 - s));
    case 'color-burn':
      return b >= 1 ? 1 : s <= 0 ? 0 : 1 - Math.min(1, (1 - b) / s);
    case 'hard-light':
      return s <= 0.5 ? 2 * b * s : 1 - 2 * (1 - b) * (1 - s);
    case 'soft-light': {
      if (s <= 0.5) return b - (1 - 2 * s) * b * (1 - b);
      const d = b <= 0.25 ? ((16 * b - 12) * b + 4) * b : Math.sqrt(b);
      return b + (2 * s - 1) * (d - b);
    }
    case 'difference':
      return Math.abs(b - s);
    case 'exclusion':
      return b + s - 2 * b * s;
    case 'add':
      return Math.min(1, b + s);
    case 'subtract':
      return Math.max(0, b - s);
    case 'linear-burn':
      return Math.max(0, b + s - 1);
    default:
      return s;
  }
}

/** An 8-bit single-channel mask placed on the canvas; outside its rectangle every pixel is `fill`. */
export interface PlacedMask {
  left: number;
  top: number;
  width: number;
  height: number;
  data: Uint8Array;
  fill: number;
}

export interface DrawOptions {
  left: number;
  top: number;
  /** 0..1 */
  opacity: number;
  mode: BlendMode;
  mask?: PlacedMask;
}

/** Draws `src` (8-bit RGBA, not premultiplied) onto `dst` in place. */
export function drawLayer(dst: RasterImage, src: RasterImage, options: DrawOptions): void {
  const { left, top, mode, mask } = options;
  const opacity = Math.max(0, Math.min(1, options.opacity));
  if (opacity === 0) return;
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(dst.width, left + src.width);
  const y1 = Math.min(dst.height, top + src.height);
  const d = dst.data;
  const s = src.data;
  for (let y = y0; y < y1; y++) {
    let si = ((y - top) * src.width + (x0 - left)) * 4;
    let di = (y * dst.width + x0) * 4;
    for (let x = x0; x < x1; x++, si += 4, di += 4) {
      let as = ((s[si + 3] as number) / 255) * opacity;
      if (mask !== undefined) {
        const mx = x - mask.left;
        const my = y - mask.top;
        const m = mx >= 0 && my >= 0 && mx < mask.width && my < mask.height ? (mask.data[my * mask.width + mx] as number) : mask.fill;
        as *= m / 255;
      }
      if (as <= 0) continue;
      const ab = (d[di + 3] as number) / 255;
      const ao = as + ab * (1 - as);
      for (let c = 0; c < 3; c++) {
        const cs = (s[si + c] as number) / 255;
        const cb = (d[di + c] as number) / 255;
        const mixed = mode === 'normal' || ab === 0 ? cs : (1 - ab) * cs + ab * blend(mode, cb, cs);
        d[di + c] = Math.round(((mixed * as + cb * ab * (1 - as)) / ao) * 255);
      }
      d[di + 3] = Math.round(ao * 255);
    }
  }
}

/** Multiplies the alpha of `dst` by a mask (for a group's or a layer's transparency mask). */
export function applyMask(dst: RasterImage, mask: PlacedMask): void {
  const d = dst.data;
  for (let y = 0; y < dst.height; y++) {
    for (let x = 0; x < dst.width; x++) {
      const mx = x - mask.left;
      const my = y - mask.top;
      const m = mx >= 0 && my >= 0 && mx < mask.width && my < mask.height ? (mask.data[my * mask.width + mx] as number) : mask.fill;
      if (m === 255) continue;
      const i = (y * dst.width + x) * 4 + 3;
      d[i] = Math.round(((d[i] as number) * m) / 255);
    }
  }
}
