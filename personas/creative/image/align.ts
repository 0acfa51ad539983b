import type { DecodedImage } from './decode.js';
import type { RasterImage } from './raster.js';
import { resizeRaster } from './resample.js';

/**
 * Puts two decoded images on one canvas so they can be compared pixel for pixel. Images of the same
 * size are used as they are ('same'). Images whose aspect ratios agree within 1% are compared at the
 * size of the larger one, the smaller being enlarged ('scaled'). Otherwise both are brought to a common
 * scale and placed top-left on a canvas of the larger width and height, the rest left transparent
 * ('padded'). Sizes are judged on the originals, so two images downscaled at decode time are compared
 * at their common downscaled size.
 */
export type Alignment = 'same' | 'scaled' | 'padded';

export interface AlignedPair {
  width: number;
  height: number;
  alignment: Alignment;
  /** Canvas pixels per original pixel of each image. */
  scaleA: number;
  scaleB: number;
  a: RasterImage;
  b: RasterImage;
  /** The part of the canvas each image covers (top-left placed). */
  areaA: { width: number; height: number };
  areaB: { width: number; height: number };
}

const ASPECT_TOLERANCE = 0.01;

function padTo(src: RasterImage, width: number, height: number): RasterImage {
  if (src.width === width && src.height === height) return src;
  const out = new Uint8Array(width * height * 4);
  const rowBytes = src.width * 4;
  for (let y = 0; y < src.height; y++) out.set(src.data.subarray(y * rowBytes, (y + 1) * rowBytes), y * width * 4);
  return { width, height, data: out };
}

export function alignImages(a: DecodedImage, b: DecodedImage): AlignedPair {
  const ra = a.raster;
  const rb = b.raster;
  const sameOriginal = a.info.width === b.info.width && a.info.height === b.info.height;
  if (ra.width === rb.width && ra.height === rb.height) {
    return {
      width: ra.width,
      height: ra.height,
      alignment: sameOriginal ? 'same' : 'scaled',
      scaleA: ra.width / a.info.width,
      scaleB: rb.width / b.info.width,
      a: ra,
      b: rb,
      areaA: { width: ra.width, height: ra.height },
      areaB: { width: rb.width, height: rb.height },
    };
  }
  const aspectA = a.info.width / a.info.height;
  const aspectB = b.info.width / b.info.height;
  if (Math.abs(aspectA - aspectB) / Math.max(aspectA, aspectB) <= ASPECT_TOLERANCE) {
    // Compare at the size of the image with more original pixels; for equal originals decoded at
    // different scales, at the smaller (common) decoded size.
    const areaA = a.info.width * a.info.height;
    const areaB = b.info.width * b.info.height;
    const useA = areaA > areaB || (areaA === areaB && ra.width * ra.height <= rb.width * rb.height);
    const target = useA ? ra : rb;
    const { width, height } = target;
    return {
      width,
      height,
      alignment: 'scaled',
      scaleA: width / a.info.width,
      scaleB: width / b.info.width,
      a: useA ? ra : resizeRaster(ra, width, height),
      b: useA ? resizeRaster(rb, width, height) : rb,
      areaA: { width, height },
      areaB: { width, height },
    };
  }
  // Padded: bring both to the smaller of their decode scales, then place top-left.
  const scale = Math.min(a.scale, b.scale);
  const atScale = (d: DecodedImage): RasterImage => {
    if (d.scale === scale) return d.raster;
    const w = Math.max(1, Math.round(d.info.width * scale));
    const h = Math.max(1, Math.round(d.info.height * scale));
    return resizeRaster(d.raster, w, h);
  };
  const sa = atScale(a);
  const sb = atScale(b);
  const width = Math.max(sa.width, sb.width);
  const height = Math.max(sa.height, sb.height);
  return {
    width,
    height,
    alignment: 'padded',
    scaleA: sa.width / a.info.width,
    scaleB: sb.width / b.info.width,
    a: padTo(sa, width, height),
    b: padTo(sb, width, height),
    areaA: { width: sa.width, height: sa.height },
    areaB: { width: sb.width, height: sb.height },
  };
}
