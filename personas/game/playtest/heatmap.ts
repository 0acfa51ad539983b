/**
 * Position heatmaps: positions counted on a grid over world bounds, rendered as a PNG (pngjs), alone
 * on a dark background or over a level image (decoded and stretched to the heatmap by sharp). The
 * world's +y points up in the image. Counts are shown on a log scale (one visit is visible next to
 * ten thousand), from transparent blue through green and yellow to red.
 */
import sharp from 'sharp';
import { PNG } from 'pngjs';
import type { Bounds } from './ingest.js';

export interface HeatmapSpec {
  bounds: Bounds;
  /** Width and height of the image in pixels: the longer side of the bounds gets `size`. */
  size?: number;
  /** Pixels per grid cell (default 4). */
  cell?: number;
}

export class HeatmapGrid {
  readonly width: number;
  readonly height: number;
  readonly cols: number;
  readonly rows: number;
  readonly cellPx: number;
  readonly counts: Uint32Array;
  readonly bounds: Bounds;
  outside = 0;
  total = 0;
  private readonly sx: number;
  private readonly sy: number;

  constructor(spec: HeatmapSpec) {
    const size = Math.max(16, Math.min(8192, Math.round(spec.size ?? 512)));
    this.cellPx = Math.max(1, Math.min(64, Math.round(spec.cell ?? 4)));
    const b = spec.bounds;
    // A degenerate side gets a width of one unit so every point still lands in the image.
    const w = b.maxX - b.minX || 1;
    const h = b.maxY - b.minY || 1;
    this.bounds = { minX: b.minX, minY: b.minY, maxX: b.maxX > b.minX ? b.maxX : b.minX + 1, maxY: b.maxY > b.minY ? b.maxY : b.minY + 1 };
    this.width = w >= h ? size : Math.max(this.cellPx, Math.round((size * w) / h));
    this.height = h >= w ? size : Math.max(this.cellPx, Math.round((size * h) / w));
    this.cols = Math.ceil(this.width / this.cellPx);
    this.rows = Math.ceil(this.height / this.cellPx);
    this.counts = new Uint32Array(this.cols * this.rows);
    this.sx = this.width / w;
    this.sy = this.height / h;
  }

  add(x: number, y: number): void {
    this.total++;
    const px = (x - this.bounds.minX) * this.sx;
    const py = (this.bounds.maxY - y) * this.sy;
    if (!(px >= 0 && py >= 0 && px <= this.width && py <= this.height)) {
      this.outside++;
      return;
    }
    const c = Math.min(this.cols - 1, Math.floor(px / this.cellPx));
    const r = Math.min(this.rows - 1, Math.floor(py / this.cellPx));
    this.counts[r * this.cols + c]!++;
  }

  /** The fullest cell's count. */
  peak(): number {
    let m = 0;
    for (const v of this.counts) if (v > m) m = v;
    return m;
  }

  /** Cells with at least one position. */
  filledCells(): number {
    let n = 0;
    for (const v of this.counts) if (v > 0) n++;
    return n;
  }
}

/** The colour ramp at f in 0..1: blue, cyan, green, yellow, red. */
function ramp(f: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [0, 64, 255],
    [0, 200, 255],
    [0, 220, 60],
    [255, 230, 0],
    [255, 30, 0],
  ];
  const pos = Math.max(0, Math.min(1, f)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(pos));
  const k = pos - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * k), Math.round(a[1] + (b[1] - a[1]) * k), Math.round(a[2] + (b[2] - a[2]) * k)];
}

/** Renders the grid as PNG bytes, over `background` (any image sharp reads) when given. */
export async function renderHeatmapPng(grid: HeatmapGrid, options: { background?: Buffer } = {}): Promise<Buffer> {
  const { width, height, cols, cellPx } = grid;
  let base: Buffer;
  if (options.background !== undefined) {
    base = await sharp(options.background).resize(width, height, { fit: 'fill' }).ensureAlpha().raw().toBuffer();
  } else {
    base = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; i++) base.writeUInt32BE(0x202428ff, i * 4);
  }
  const png = new PNG({ width, height });
  const peak = grid.peak();
  const logPeak = Math.log1p(peak);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / cellPx) * cols;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const count = grid.counts[row + Math.floor(x / cellPx)]!;
      let r = base[o]!;
      let g = base[o + 1]!;
      let b = base[o + 2]!;
      if (count > 0 && logPeak > 0) {
        const f = Math.log1p(count) / logPeak;
        const [cr, cg, cb] = ramp(f);
        const alpha = 0.45 + 0.5 * f;
        r = Math.round(r * (1 - alpha) + cr * alpha);
        g = Math.round(g * (1 - alpha) + cg * alpha);
        b = Math.round(b * (1 - alpha) + cb * alpha);
      }
      png.data[o] = r;
      png.data[o + 1] = g;
      png.data[o + 2] = b;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
