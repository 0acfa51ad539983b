import sharp from 'sharp';
import { StrataError } from '../../../porcelain/index.js';
import { GLYPH_HEIGHT, drawText, fitText } from './bitmap-font.js';
import { encodePixels } from './encode.js';
import { checkerAt, createRaster, type RasterImage } from './raster.js';

/**
 * A contact sheet: thumbnails in a grid, each with up to three short label lines drawn under it in the
 * built-in bitmap font (no system fonts needed). Thumbnails are fitted inside `cellSize` x `cellSize`
 * (never enlarged), centred, transparent parts over the checkerboard; labels too long for the cell end
 * in '...'.
 */
export interface ContactSheetCell {
  /** A PNG (or any image sharp reads), typically a thumbnail. */
  png: Buffer;
  /** Up to 3 short lines; more are ignored. */
  label: string[];
}

export interface ContactSheetOptions {
  cells: ContactSheetCell[];
  /** Default: as many as fit the cell count, at most 6. */
  columns?: number;
  /** Side of each thumbnail's square, in pixels; default 160. */
  cellSize?: number;
}

const PADDING = 10;
const LINE_HEIGHT = GLYPH_HEIGHT + 3;
const MAX_LINES = 3;
const BACKGROUND: readonly [number, number, number, number] = [244, 244, 244, 255];
const INK: readonly [number, number, number, number] = [34, 34, 34, 255];

function whole(name: string, value: number, min: number, max: number): number {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new StrataError('INVALID_ARGUMENT', `${name} must be a whole number from ${min} to ${max}, not ${String(value)}.`);
  }
  return value;
}

async function cellPixels(cell: ContactSheetCell, index: number, size: number): Promise<RasterImage> {
  try {
    const { data, info } = await sharp(cell.png, { limitInputPixels: false, pages: 1 })
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data };
  } catch (err) {
    const detail = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    throw new StrataError('ASSET_CORRUPT', `contact sheet cell ${index + 1} (${cell.label[0] ?? 'unlabelled'}): its picture cannot be read (${detail}).`, {
      data: { cell: index },
      cause: err,
    });
  }
}

/** Copies `src` onto `dst` at (x0, y0), blending its transparency over the checkerboard. */
function blit(dst: RasterImage, src: RasterImage, x0: number, y0: number): void {
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const p = (y * src.width + x) * 4;
      const q = ((y0 + y) * dst.width + x0 + x) * 4;
      const a = src.data[p + 3] as number;
      const bg = checkerAt(x, y) * (255 - a);
      dst.data[q] = ((src.data[p] as number) * a + bg + 127) / 255;
      dst.data[q + 1] = ((src.data[p + 1] as number) * a + bg + 127) / 255;
      dst.data[q + 2] = ((src.data[p + 2] as number) * a + bg + 127) / 255;
      dst.data[q + 3] = 255;
    }
  }
}

/** The contact sheet as an opaque RGB PNG. */
export async function contactSheet(options: ContactSheetOptions): Promise<Buffer> {
  const { cells } = options;
  if (cells.length === 0) throw new StrataError('INVALID_ARGUMENT', 'a contact sheet needs at least one picture.');
  const cellSize = whole('cellSize', options.cellSize ?? 160, 16, 4096);
  const columns = whole('columns', options.columns ?? Math.min(cells.length, 6), 1, 1000);
  const rows = Math.ceil(cells.length / columns);
  const lines = Math.min(MAX_LINES, Math.max(0, ...cells.map((c) => c.label.length)));
  const pitchX = cellSize + PADDING;
  const pitchY = cellSize + (lines > 0 ? 4 + lines * LINE_HEIGHT : 0) + PADDING;
  const width = PADDING + columns * pitchX;
  const height = PADDING + rows * pitchY;
  const sheet = createRaster(width, height);
  for (let i = 0; i < sheet.data.length; i += 4) sheet.data.set(BACKGROUND, i);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as ContactSheetCell;
    const left = PADDING + (i % columns) * pitchX;
    const top = PADDING + Math.floor(i / columns) * pitchY;
    const px = await cellPixels(cell, i, cellSize);
    blit(sheet, px, left + Math.floor((cellSize - px.width) / 2), top + Math.floor((cellSize - px.height) / 2));
    cell.label.slice(0, MAX_LINES).forEach((line, k) => {
      const text = fitText(line.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?'), cellSize);
      drawText(sheet, left, top + cellSize + 4 + k * LINE_HEIGHT, text, INK);
    });
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, p = 0; p < sheet.data.length; i += 3, p += 4) {
    rgb[i] = sheet.data[p] as number;
    rgb[i + 1] = sheet.data[p + 1] as number;
    rgb[i + 2] = sheet.data[p + 2] as number;
  }
  return encodePixels(rgb, width, height, 3);
}
