/**
 * The in-memory picture every image operation works on: 8-bit RGBA, row-major, no padding
 * (`data.length === width * height * 4`). Whatever the source's depth or colour type, it is converted
 * to this once, at decode time.
 */
export interface RasterImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A blank RGBA raster (every byte `fill`, 0 by default: transparent black). */
export function createRaster(width: number, height: number, fill = 0): RasterImage {
  const data = new Uint8Array(width * height * 4);
  if (fill !== 0) data.fill(fill);
  return { width, height, data };
}

/** The two greys of the transparency checkerboard and the size of its squares, in pixels. */
export const CHECKER_LIGHT = 255;
export const CHECKER_DARK = 204;
export const CHECKER_SQUARE = 8;

/** The checkerboard grey at (x, y). */
export function checkerAt(x: number, y: number, square = CHECKER_SQUARE): number {
  return (((x / square) | 0) + ((y / square) | 0)) & 1 ? CHECKER_DARK : CHECKER_LIGHT;
}

/** An opaque copy of `src` with its transparent parts drawn over the checkerboard (alpha becomes 255). */
export function overCheckerboard(src: RasterImage, square = CHECKER_SQUARE): RasterImage {
  const { width, height, data } = src;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const a = data[p + 3] ?? 0;
      if (a === 255) {
        out[p] = data[p] ?? 0;
        out[p + 1] = data[p + 1] ?? 0;
        out[p + 2] = data[p + 2] ?? 0;
      } else {
        const bg = checkerAt(x, y, square) * (255 - a);
        out[p] = ((data[p] ?? 0) * a + bg + 127) / 255;
        out[p + 1] = ((data[p + 1] ?? 0) * a + bg + 127) / 255;
        out[p + 2] = ((data[p + 2] ?? 0) * a + bg + 127) / 255;
      }
      out[p + 3] = 255;
    }
  }
  return { width, height, data: out };
}
