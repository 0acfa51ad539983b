/**
 * Bounding boxes of the changed regions of a change mask. Changed pixels are gathered into square cells
 * (4 px, or more for canvases over 4,096 px so the grid stays near 1,024 cells a side) and 8-connected
 * cells form one region: that is the small dilation that merges specks lying within about a cell of
 * each other. Each region's box and pixel count are exact (from the pixels, not the cells).
 */
export interface ChangedRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  changedPixels: number;
}

export interface RegionList {
  /** Largest first (by changed pixels), at most `maxRegions`. */
  regions: ChangedRegion[];
  /** How many smaller regions were left out of `regions`. */
  moreRegions: number;
  /** The cell size used, in pixels: changes closer than about this merge into one region. */
  mergeDistance: number;
}

export function findRegions(mask: Uint8Array, width: number, height: number, maxRegions = 50): RegionList {
  const cell = Math.max(4, Math.ceil(Math.max(width, height) / 1024));
  const gw = Math.ceil(width / cell);
  const gh = Math.ceil(height / cell);
  const cells = gw * gh;
  const count = new Int32Array(cells);
  const minX = new Int32Array(cells).fill(width);
  const minY = new Int32Array(cells).fill(height);
  const maxX = new Int32Array(cells).fill(-1);
  const maxY = new Int32Array(cells).fill(-1);
  const total = width * height;
  const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.byteOffset % 4 === 0 ? total >>> 2 : 0);
  const mark = (i: number): void => {
    const y = (i / width) | 0;
    const x = i - y * width;
    const c = ((y / cell) | 0) * gw + ((x / cell) | 0);
    count[c] = (count[c] ?? 0) + 1;
    if (x < (minX[c] ?? 0)) minX[c] = x;
    if (x > (maxX[c] ?? 0)) maxX[c] = x;
    if (y < (minY[c] ?? 0)) minY[c] = y;
    if (y > (maxY[c] ?? 0)) maxY[c] = y;
  };
  // Skip four unchanged pixels at a time.
  for (let k = 0; k < words.length; k++) {
    if (words[k] === 0) continue;
    for (let i = k * 4; i < k * 4 + 4; i++) if (mask[i] !== 0) mark(i);
  }
  for (let i = words.length * 4; i < total; i++) if (mask[i] !== 0) mark(i);

  const label = new Int32Array(cells).fill(-1);
  const stack = new Int32Array(cells);
  const found: ChangedRegion[] = [];
  for (let start = 0; start < cells; start++) {
    if (count[start] === 0 || label[start] !== -1) continue;
    const id = found.length;
    let top = 0;
    stack[top++] = start;
    label[start] = id;
    let n = 0;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    while (top > 0) {
      const c = stack[--top] ?? 0;
      n += count[c] ?? 0;
      x0 = Math.min(x0, minX[c] ?? x0);
      y0 = Math.min(y0, minY[c] ?? y0);
      x1 = Math.max(x1, maxX[c] ?? x1);
      y1 = Math.max(y1, maxY[c] ?? y1);
      const cx = c % gw;
      const cy = (c - cx) / gw;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = cy + dy;
        if (ny < 0 || ny >= gh) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx;
          if (nx < 0 || nx >= gw) continue;
          const nc = ny * gw + nx;
          if (count[nc] === 0 || label[nc] !== -1) continue;
          label[nc] = id;
          stack[top++] = nc;
        }
      }
    }
    found.push({ x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, changedPixels: n });
  }
  found.sort((p, q) => q.changedPixels - p.changedPixels || p.y - q.y || p.x - q.x);
  const keep = Math.max(0, Math.floor(maxRegions));
  return { regions: found.slice(0, keep), moreRegions: Math.max(0, found.length - keep), mergeDistance: cell };
}
