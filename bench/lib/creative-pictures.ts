/**
 * Synthetic pictures for the creative benchmark, made from a seed so every run compares the same
 * pixels: a base image (colour gradients with a fine seeded grain, like a painted texture), an edited
 * copy with known changes (solid, inverted and channel-swapped rectangles, a faint re-grade below any
 * perceptual threshold, an anti-aliased disk and line), and the small cumulative edits of a timeline.
 * Pixels are 8-bit RGB; PNGs are written by sharp (libspng), as an image editor would write them.
 */
import sharp from 'sharp';
import { Prng } from './data.js';

/** 8-bit RGB pixels, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Buffer;
}

/** A rectangle in pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the edited copy changed, counted from the pixels themselves. */
export interface KnownChanges {
  /** The rectangles painted with a large change (solid, inverted, channel swap). */
  rects: Rect[];
  /** Anti-aliased shapes (disk, line): their bounding boxes. */
  shapes: Rect[];
  /** The faint re-grade (+5 per channel): below any perceptual threshold. */
  faint: Rect;
  /** Pixels whose bytes differ at all. */
  differing: number;
  /**
   * Pixels whose YIQ colour distance is above the default threshold (0.1), as pixelmatch measures it,
   * before any anti-aliasing detection: a perceptual count can be at most this.
   */
  aboveThreshold: number;
  /** Of those, the ones inside `rects` (hard edges: a perceptual count should include nearly all). */
  aboveThresholdInRects: number;
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * A base picture: per-column and per-row colour curves (sums of low-frequency waves with seeded
 * phases) plus a seeded grain of -1..+1 per channel, so it neither compresses like flat colour nor
 * looks like white noise.
 */
export function basePicture(width: number, height: number, seed: number): RgbImage {
  const prng = new Prng(seed);
  const phase = (): number => prng.unit() * Math.PI * 2;
  const columns = new Float32Array(width * 3);
  const rows = new Float32Array(height * 3);
  const base = [70, 95, 120];
  for (let c = 0; c < 3; c++) {
    const [p1, p2, p3, p4] = [phase(), phase(), phase(), phase()];
    for (let x = 0; x < width; x++) {
      const u = x / width;
      columns[x * 3 + c] = 60 * u + 25 * Math.sin(u * 5.1 + p1) + 9 * Math.sin(u * 23.7 + p2);
    }
    for (let y = 0; y < height; y++) {
      const v = y / height;
      rows[y * 3 + c] = (base[c] as number) + 30 * v + 22 * Math.sin(v * 4.3 + p3) + 8 * Math.sin(v * 31.1 + p4);
    }
  }
  const data = Buffer.allocUnsafe(width * height * 3);
  let i = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const grain = (prng.next() % 3) - 1;
        data[i++] = clamp((rows[y * 3 + c] as number) + (columns[x * 3 + c] as number) + grain);
      }
    }
  }
  return { width, height, data };
}

export function copyImage(image: RgbImage): RgbImage {
  return { width: image.width, height: image.height, data: Buffer.from(image.data) };
}

/** Paints every pixel of `rect` (clipped to the image) with `paint(r, g, b) -> [r, g, b]`. */
export function paintRect(image: RgbImage, rect: Rect, paint: (r: number, g: number, b: number) => [number, number, number]): void {
  const x0 = Math.max(0, rect.x);
  const y0 = Math.max(0, rect.y);
  const x1 = Math.min(image.width, rect.x + rect.width);
  const y1 = Math.min(image.height, rect.y + rect.height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 3;
      const [r, g, b] = paint(image.data[i] as number, image.data[i + 1] as number, image.data[i + 2] as number);
      image.data[i] = clamp(r);
      image.data[i + 1] = clamp(g);
      image.data[i + 2] = clamp(b);
    }
  }
}

/** Blends `rgb` over the image with the coverage `cover(x, y)` (0..1) inside `box`: an anti-aliased shape. */
function paintCoverage(image: RgbImage, box: Rect, rgb: [number, number, number], cover: (x: number, y: number) => number): void {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(image.width, box.x + box.width);
  const y1 = Math.min(image.height, box.y + box.height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const a = cover(x, y);
      if (a <= 0) continue;
      const i = (y * image.width + x) * 3;
      for (let c = 0; c < 3; c++) image.data[i + c] = clamp((image.data[i + c] as number) * (1 - a) + rgb[c]! * a);
    }
  }
}

/** The share (0..1) of a pixel's 4 x 4 sub-samples for which `inside(sx, sy)` holds. */
function supersample(x: number, y: number, inside: (sx: number, sy: number) => boolean): number {
  let hits = 0;
  for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) hits++;
  return hits / 16;
}

/** An anti-aliased filled disk. */
export function paintDisk(image: RgbImage, cx: number, cy: number, radius: number, rgb: [number, number, number]): Rect {
  const box = { x: Math.floor(cx - radius - 1), y: Math.floor(cy - radius - 1), width: Math.ceil(radius * 2 + 3), height: Math.ceil(radius * 2 + 3) };
  const r2 = radius * radius;
  paintCoverage(image, box, rgb, (x, y) => {
    const dx = x + 0.5 - cx;
    const dy = y + 0.5 - cy;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (d < radius - 1) return 1;
    if (d > radius + 1) return 0;
    return supersample(x, y, (sx, sy) => (sx - cx) ** 2 + (sy - cy) ** 2 <= r2);
  });
  return box;
}

/** An anti-aliased straight line `thickness` pixels wide. */
export function paintLine(image: RgbImage, from: [number, number], to: [number, number], thickness: number, rgb: [number, number, number]): Rect {
  const [ax, ay] = from;
  const [bx, by] = to;
  const pad = thickness + 2;
  const box = { x: Math.floor(Math.min(ax, bx) - pad), y: Math.floor(Math.min(ay, by) - pad), width: Math.ceil(Math.abs(bx - ax) + 2 * pad), height: Math.ceil(Math.abs(by - ay) + 2 * pad) };
  const len = Math.hypot(bx - ax, by - ay);
  const half = thickness / 2;
  const distance = (px: number, py: number): number => {
    const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / (len * len)));
    return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
  };
  paintCoverage(image, box, rgb, (x, y) => {
    const d = distance(x + 0.5, y + 0.5);
    if (d > half + 1) return 0;
    if (d < half - 1) return 1;
    return supersample(x, y, (sx, sy) => distance(sx, sy) <= half);
  });
  return box;
}

/** pixelmatch's YIQ colour distance between two opaque RGB pixels (its maximum is 35215). */
export function yiqDelta(r1: number, g1: number, b1: number, r2: number, g2: number, b2: number): number {
  const y = (r1 - r2) * 0.29889531 + (g1 - g2) * 0.58662247 + (b1 - b2) * 0.11448223;
  const i = (r1 - r2) * 0.59597799 - (g1 - g2) * 0.2741761 - (b1 - b2) * 0.32180189;
  const q = (r1 - r2) * 0.21147017 - (g1 - g2) * 0.52261711 + (b1 - b2) * 0.31114694;
  return 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
}

/** Pixelmatch's default threshold, as the limit on yiqDelta. */
const DEFAULT_LIMIT = 35215 * 0.1 * 0.1;

const inRect = (x: number, y: number, r: Rect): boolean => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;

/**
 * The edited copy for the image diff: three rectangles with large changes, a faint re-grade, an
 * anti-aliased disk and an anti-aliased diagonal line, placed at fixed fractions of the side (with
 * a seeded jitter) so that every size gets the same picture, scaled.
 */
export function editedPicture(base: RgbImage, seed: number): { image: RgbImage; changes: KnownChanges } {
  const prng = new Prng(seed);
  const { width: w, height: h } = base;
  const s = Math.min(w, h);
  const at = (fx: number, fy: number, fw: number, fh: number): Rect => ({
    x: Math.round((fx + (prng.unit() - 0.5) * 0.02) * w),
    y: Math.round((fy + (prng.unit() - 0.5) * 0.02) * h),
    width: Math.max(2, Math.round(fw * s)),
    height: Math.max(2, Math.round(fh * s)),
  });
  const image = copyImage(base);
  const solid = at(0.1, 0.12, 0.07, 0.05);
  const inverted = at(0.55, 0.2, 0.045, 0.065);
  const swapped = at(0.3, 0.62, 0.06, 0.06);
  const faint = at(0.72, 0.72, 0.08, 0.08);
  paintRect(image, solid, () => [230, 40, 60]);
  paintRect(image, inverted, (r, g, b) => [255 - r, 255 - g, 255 - b]);
  paintRect(image, swapped, (r, g, b) => [b, r, g]);
  paintRect(image, faint, (r, g, b) => [r + 5, g + 5, b + 5]);
  const disk = paintDisk(image, (0.25 + (prng.unit() - 0.5) * 0.02) * w, 0.32 * h, 0.035 * s, [20, 200, 120]);
  const line = paintLine(image, [0.6 * w, 0.45 * h], [0.9 * w, 0.55 * h], Math.max(1.5, s / 1365), [250, 250, 240]);
  const rects = [solid, inverted, swapped];
  let differing = 0;
  let aboveThreshold = 0;
  let aboveThresholdInRects = 0;
  const a = base.data;
  const b = image.data;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += 3) {
      if (a[i] === b[i] && a[i + 1] === b[i + 1] && a[i + 2] === b[i + 2]) continue;
      differing++;
      if (yiqDelta(a[i]!, a[i + 1]!, a[i + 2]!, b[i]!, b[i + 1]!, b[i + 2]!) > DEFAULT_LIMIT) {
        aboveThreshold++;
        if (rects.some((r) => inRect(x, y, r))) aboveThresholdInRects++;
      }
    }
  }
  return { image, changes: { rects, shapes: [disk, line], faint, differing, aboveThreshold, aboveThresholdInRects } };
}

/** One small edit of the timeline's image (in place): a seeded rectangle, 1-4% of the side, recoloured. */
export function timelineEdit(image: RgbImage, prng: Prng): Rect {
  const s = Math.min(image.width, image.height);
  const width = Math.max(2, Math.round(s * (0.01 + prng.unit() * 0.03)));
  const height = Math.max(2, Math.round(s * (0.01 + prng.unit() * 0.03)));
  const rect = { x: prng.below(image.width - width), y: prng.below(image.height - height), width, height };
  const rgb: [number, number, number] = [prng.below(256), prng.below(256), prng.below(256)];
  paintRect(image, rect, () => rgb);
  return rect;
}

/** The image as a PNG (sharp, zlib level `level`, 6 by default as most editors write). */
export function encodePng(image: RgbImage, level = 6): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: level })
    .toBuffer();
}
