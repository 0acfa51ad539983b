/**
 * A large layered Photoshop document for the `elements-psd` case, written with ag-psd from a seed:
 * three opaque full-canvas noise layers ("Background", "Paint", "Texture"; RGB noise does not
 * compress, so each weighs about width x height x 3 bytes in the file) and a small flat "Logo" on top,
 * plus the flattened image Photoshop stores (the top noise layer with the logo over it). At
 * 5000 x 3500 that is about 210 MB. Layer pixels can be made again from the seed to check what
 * `creative extract` wrote.
 */
import { writePsdBuffer, type Layer } from 'ag-psd';
import { Prng } from './data.js';

/** The layers, bottom first, as `creative elements` names them (top first). */
export const PSD_NOISE_LAYERS = ['Background', 'Paint', 'Texture'] as const;
export const PSD_LOGO = 'Logo';
const LOGO_COLOUR = [200, 40, 60] as const;

/** 8-bit RGBA pixels, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** An opaque RGB noise layer: each pixel's three channels from one 32-bit draw of Prng(seed). */
export function noiseLayer(width: number, height: number, seed: number): RgbaImage {
  const prng = new Prng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  const words = new Uint32Array(data.buffer);
  // Little-endian: the word's low byte is red; alpha is the top byte, always 255.
  for (let i = 0; i < words.length; i++) words[i] = (prng.next() & 0x00ffffff) | 0xff000000;
  return { width, height, data };
}

/** Where the logo sits. */
export function logoRect(width: number, height: number): { left: number; top: number; width: number; height: number } {
  const w = Math.max(1, Math.round(width * 0.18));
  const h = Math.max(1, Math.round(height * 0.12));
  return { left: Math.round(width * 0.06), top: Math.round(height * 0.07), width: w, height: h };
}

export interface PsdDocument {
  data: Buffer;
  width: number;
  height: number;
  /** The seed of each noise layer, by name. */
  seeds: Record<(typeof PSD_NOISE_LAYERS)[number], number>;
}

/** Writes the document; peaks at about five times the canvas in RGBA plus the file itself. */
export function makePsd(width: number, height: number, seed: number): PsdDocument {
  const seeds = { Background: seed, Paint: seed + 1, Texture: seed + 2 };
  const layers: Layer[] = PSD_NOISE_LAYERS.map((name) => ({ name, left: 0, top: 0, imageData: noiseLayer(width, height, seeds[name]) }));
  const logo = logoRect(width, height);
  const logoPixels = new Uint8ClampedArray(logo.width * logo.height * 4);
  for (let i = 0; i < logoPixels.length; i += 4) logoPixels.set([...LOGO_COLOUR, 255], i);
  layers.push({ name: PSD_LOGO, left: logo.left, top: logo.top, imageData: { width: logo.width, height: logo.height, data: logoPixels } });
  // The flattened image: every layer is opaque and normal, so it is the top noise layer with the logo over it.
  const top = (layers[PSD_NOISE_LAYERS.length - 1] as Layer).imageData as RgbaImage;
  const composite = new Uint8ClampedArray(top.data);
  for (let y = 0; y < logo.height; y++) composite.set(logoPixels.subarray(y * logo.width * 4, (y + 1) * logo.width * 4), ((logo.top + y) * width + logo.left) * 4);
  const data = writePsdBuffer({ width, height, children: layers, imageData: { width, height, data: composite } }, { generateThumbnail: false });
  return { data, width, height, seeds };
}
