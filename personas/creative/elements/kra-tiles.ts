/**
 * Krita's tiled pixel data (the per-layer files of a `.kra`, format "VERSION 2"): a text header
 * (`TILEWIDTH 64`, `TILEHEIGHT 64`, `PIXELSIZE n`, `DATA count`), then per tile a line `x,y,LZF,length`
 * and `length` bytes: a flag byte (1 = LZF-compressed, 0 = raw) and the tile's pixels. Compressed tiles
 * are "linearized" (the bytes of all pixels grouped by their position within a pixel: every pixel's first
 * byte, then every second byte…); raw tiles are plain interleaved pixels. Pixels not covered by a tile
 * have the layer's default pixel (its `.defaultpixel` file).
 */
import { StrataError } from '../../../porcelain/index.js';
import { createRaster, type RasterImage } from '../image/raster.js';

export interface TileIndex {
  tileWidth: number;
  tileHeight: number;
  pixelSize: number;
  tiles: { x: number; y: number; compressed: boolean; offset: number; length: number }[];
}

function corrupt(file: string, why: string): StrataError {
  return new StrataError('ASSET_CORRUPT', `${file}: the Krita layer data is damaged (${why}).`, { data: { file } });
}

/** Decompresses LZF (liblzf's format) into exactly `size` bytes; undefined when the data is malformed. */
export function lzfDecompress(input: Uint8Array, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (op + len > size || ip + len > input.length) return undefined;
      out.set(input.subarray(ip, ip + len), op);
      ip += len;
      op += len;
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= input.length) return undefined;
        len += input[ip++] as number;
      }
      if (ip >= input.length) return undefined;
      let ref = op - ((ctrl & 0x1f) << 8) - 1 - (input[ip++] as number);
      len += 2;
      if (ref < 0 || op + len > size) return undefined;
      for (let i = 0; i < len; i++) out[op++] = out[ref++] as number;
    }
  }
  return op === size ? out : undefined;
}

/** The header and the position of every tile (no pixel is decompressed). */
export function indexTiles(file: string, data: Buffer): TileIndex {
  let at = 0;
  const line = (): string => {
    const nl = data.indexOf(0x0a, at);
    if (nl < 0) throw corrupt(file, 'the tile header is truncated');
    const text = data.toString('latin1', at, nl);
    at = nl + 1;
    return text;
  };
  const version = line();
  if (version !== 'VERSION 2') {
    throw new StrataError('ASSET_UNSUPPORTED', `${file}: Krita layer data "${version.slice(0, 40)}" is not supported (only VERSION 2, written by Krita 2.4 and later).`, { data: { file } });
  }
  const fields: Record<string, number> = {};
  for (let i = 0; i < 4; i++) {
    const m = /^(TILEWIDTH|TILEHEIGHT|PIXELSIZE|DATA) (\d+)$/.exec(line());
    if (m === null) throw corrupt(file, 'the tile header is malformed');
    fields[m[1] as string] = Number(m[2]);
  }
  const tileWidth = fields.TILEWIDTH ?? 0;
  const tileHeight = fields.TILEHEIGHT ?? 0;
  const pixelSize = fields.PIXELSIZE ?? 0;
  const count = fields.DATA ?? 0;
  if (!(tileWidth > 0 && tileHeight > 0 && pixelSize > 0 && pixelSize <= 64)) throw corrupt(file, 'the tile header has a zero size');
  const tiles: TileIndex['tiles'] = [];
  for (let i = 0; i < count; i++) {
    const m = /^(-?\d+),(-?\d+),(\w+),(\d+)$/.exec(line());
    if (m === null) throw corrupt(file, `tile ${i + 1} of ${count} has a malformed header`);
    if (m[3] !== 'LZF') throw new StrataError('ASSET_UNSUPPORTED', `${file}: Krita tile compression "${m[3]}" is not supported (only LZF).`, { data: { file } });
    const length = Number(m[4]);
    if (length < 1 || at + length > data.length) throw corrupt(file, `tile ${i + 1} of ${count} runs past the end of the data`);
    tiles.push({ x: Number(m[1]), y: Number(m[2]), compressed: data[at] === 1, offset: at + 1, length: length - 1 });
    at += length;
  }
  return { tileWidth, tileHeight, pixelSize, tiles };
}

/** The rectangle the tiles cover (before the layer's own x/y offset), or undefined when there are none. */
export function tileExtent(index: TileIndex): { left: number; top: number; right: number; bottom: number } | undefined {
  if (index.tiles.length === 0) return undefined;
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const t of index.tiles) {
    left = Math.min(left, t.x);
    top = Math.min(top, t.y);
    right = Math.max(right, t.x + index.tileWidth);
    bottom = Math.max(bottom, t.y + index.tileHeight);
  }
  return { left, top, right, bottom };
}

/** One pixel of a colour space, from its bytes to 8-bit RGBA. */
type PixelReader = (src: Uint8Array, at: number, out: Uint8Array, o: number) => void;

const halfTable = new Float32Array(65536);
for (let h = 0; h < 65536; h++) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  halfTable[h] = e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f === 0 ? s * Infinity : NaN) : s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Linear light to 8-bit sRGB (Krita's floating-point spaces default to linear profiles). */
function encodeLinear(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 1) return 255;
  return Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
}

function unit(v: number): number {
  return !(v > 0) ? 0 : v >= 1 ? 255 : Math.round(v * 255);
}

function view(src: Uint8Array): DataView {
  return new DataView(src.buffer, src.byteOffset, src.byteLength);
}

/** Colour spaces by Krita's id: pixel size and reader. 8- and 16-bit integer RGB are stored BGRA. */
export const KRA_COLOUR_SPACES: Readonly<Record<string, { pixelSize: number; read: PixelReader }>> = {
  RGBA: {
    pixelSize: 4,
    read: (s, a, o, i) => {
      o[i] = s[a + 2] as number;
      o[i + 1] = s[a + 1] as number;
      o[i + 2] = s[a] as number;
      o[i + 3] = s[a + 3] as number;
    },
  },
  RGBA16: {
    pixelSize: 8,
    read: (s, a, o, i) => {
      const v = view(s);
      o[i] = (v.getUint16(a + 4, true) + 128) / 257;
      o[i + 1] = (v.getUint16(a + 2, true) + 128) / 257;
      o[i + 2] = (v.getUint16(a, true) + 128) / 257;
      o[i + 3] = (v.getUint16(a + 6, true) + 128) / 257;
    },
  },
  RGBAF16: {
    pixelSize: 8,
    read: (s, a, o, i) => {
      const v = view(s);
      for (let c = 0; c < 3; c++) o[i + c] = encodeLinear(halfTable[v.getUint16(a + c * 2, true)] as number);
      o[i + 3] = unit(halfTable[v.getUint16(a + 6, true)] as number);
    },
  },
  RGBAF32: {
    pixelSize: 16,
    read: (s, a, o, i) => {
      const v = view(s);
      for (let c = 0; c < 3; c++) o[i + c] = encodeLinear(v.getFloat32(a + c * 4, true));
      o[i + 3] = unit(v.getFloat32(a + 12, true));
    },
  },
  GRAYA: {
    pixelSize: 2,
    read: (s, a, o, i) => {
      o[i] = o[i + 1] = o[i + 2] = s[a] as number;
      o[i + 3] = s[a + 1] as number;
    },
  },
  GRAYA16: {
    pixelSize: 4,
    read: (s, a, o, i) => {
      const v = view(s);
      o[i] = o[i + 1] = o[i + 2] = (v.getUint16(a, true) + 128) / 257;
      o[i + 3] = (v.getUint16(a + 2, true) + 128) / 257;
    },
  },
  GRAYAF16: {
    pixelSize: 4,
    read: (s, a, o, i) => {
      const v = view(s);
      o[i] = o[i + 1] = o[i + 2] = encodeLinear(halfTable[v.getUint16(a, true)] as number);
      o[i + 3] = unit(halfTable[v.getUint16(a + 2, true)] as number);
    },
  },
  GRAYAF32: {
    pixelSize: 8,
    read: (s, a, o, i) => {
      const v = view(s);
      o[i] = o[i + 1] = o[i + 2] = encodeLinear(v.getFloat32(a, true));
      o[i + 3] = unit(v.getFloat32(a + 4, true));
    },
  },
  /** Selections and transparency masks: one 8-bit value per pixel, drawn as grey. */
  ALPHA: {
    pixelSize: 1,
    read: (s, a, o, i) => {
      o[i] = o[i + 1] = o[i + 2] = s[a] as number;
      o[i + 3] = 255;
    },
  },
};

export interface DecodeTilesOptions {
  file: string;
  data: Buffer;
  /** The `.defaultpixel` bytes (transparent when absent). */
  defaultPixel?: Buffer;
  colourSpace: string;
  /** The layer's offset on the canvas. */
  x: number;
  y: number;
  /** The canvas the layer is drawn on. */
  width: number;
  height: number;
}

/** Decodes one tile's pixels (interleaved), or throws ASSET_CORRUPT. */
function tilePixels(file: string, data: Buffer, index: TileIndex, t: TileIndex['tiles'][number]): Uint8Array {
  const size = index.tileWidth * index.tileHeight * index.pixelSize;
  const body = data.subarray(t.offset, t.offset + t.length);
  if (!t.compressed) {
    if (body.length < size) throw corrupt(file, `the raw tile at ${t.x},${t.y} is short`);
    return body;
  }
  const linear = lzfDecompress(body, size);
  if (linear === undefined) throw corrupt(file, `the tile at ${t.x},${t.y} does not decompress`);
  const out = new Uint8Array(size);
  const stride = size / index.pixelSize;
  for (let c = 0; c < index.pixelSize; c++) {
    const plane = c * stride;
    for (let p = 0, o = c; p < stride; p++, o += index.pixelSize) out[o] = linear[plane + p] as number;
  }
  return out;
}

/** The layer drawn on a transparent canvas of `width` x `height` (8-bit RGBA). */
export function decodeTiles(options: DecodeTilesOptions): RasterImage {
  const { file, data, width, height } = options;
  const space = KRA_COLOUR_SPACES[options.colourSpace];
  if (space === undefined) {
    throw new StrataError('ASSET_UNSUPPORTED', `${file}: Krita colour space ${options.colourSpace} is not supported (RGBA, GRAYA and their 16-bit and floating-point variants are).`, { data: { file } });
  }
  const index = indexTiles(file, data);
  if (index.pixelSize !== space.pixelSize) throw corrupt(file, `pixel size ${index.pixelSize} does not match colour space ${options.colourSpace}`);
  const canvas = createRaster(width, height);
  const out = canvas.data;
  const def = options.defaultPixel;
  if (def !== undefined && def.length >= space.pixelSize && def.some((b) => b !== 0)) {
    const px = new Uint8Array(4);
    space.read(def, 0, px, 0);
    for (let i = 0; i < out.length; i += 4) out.set(px, i);
  }
  for (const t of index.tiles) {
    const tx = t.x + options.x;
    const ty = t.y + options.y;
    if (tx >= width || ty >= height || tx + index.tileWidth <= 0 || ty + index.tileHeight <= 0) continue;
    const px = tilePixels(file, data, index, t);
    const y0 = Math.max(0, ty);
    const y1 = Math.min(height, ty + index.tileHeight);
    const x0 = Math.max(0, tx);
    const x1 = Math.min(width, tx + index.tileWidth);
    for (let y = y0; y < y1; y++) {
      let s = ((y - ty) * index.tileWidth + (x0 - tx)) * index.pixelSize;
      let o = (y * width + x0) * 4;
      for (let x = x0; x < x1; x++, s += index.pixelSize, o += 4) space.read(px, s, out, o);
    }
  }
  return canvas;
}
