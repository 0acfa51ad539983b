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
