/**
 * Photoshop documents as elements: layers and groups (named by their path from the top, top first),
 * extracted as PNG (a layer's own pixels at its own size; a group composited), and restored from another
 * version with ag-psd. Restoring reads both documents with `useRawData`, so every layer's channel data is
 * carried over as the compressed bytes it had (untouched layers stay identical, pixel for pixel and
 * property for property), moves the layer (or group subtree) from the old document into the current one,
 * recomposites the flattened image and its thumbnail, and writes with `writePsdBuffer`.
 */
import {
  getLayerImageData,
  getLayerMaskImageData,
  readPsd,
  writePsdBuffer,
  type Layer,
  type PixelData,
  type Psd,
  type ReadOptions,
} from 'ag-psd';
import sharp from 'sharp';
import { StrataError } from '../../../porcelain/index.js';
import { encodePng } from '../image/encode.js';
import { MAX_PSD_PIXELS } from '../image/psd.js';
import { createRaster, type RasterImage } from '../image/raster.js';
import { ensurePixelAllocator } from '../image/psd.js';
import { findElement, type ElementFile, type ElementHandler, type ElementInfo, type OutputFile, type RestoreResult } from './element.js';
import { blendModeOf, drawLayer, type PlacedMask } from './raster-composite.js';
import { childPath, insertionIndex, parentPath, uniqueNames } from './raster-tree.js';

function corrupt(file: string, why: string, cause?: unknown): StrataError {
  return new StrataError('ASSET_CORRUPT', `${file}: the Photoshop document is damaged (${why}).`, { data: { file }, ...(cause === undefined ? {} : { cause }) });
}

function unsupported(file: string, why: string): StrataError {
  return new StrataError('ASSET_UNSUPPORTED', `${file}: ${why}`, { data: { file } });
}

function checkSignature(file: ElementFile): void {
  const d = file.data;
  if (d.length === 0) throw corrupt(file.name, 'the file is empty');
  if (d.length < 4 || d.toString('latin1', 0, 4) !== '8BPS') throw unsupported(file.name, 'not a Photoshop document (no 8BPS signature).');
  if (d.length < 26) throw corrupt(file.name, 'the file is truncated inside its header');
}

function readDocument(file: ElementFile, options: ReadOptions): Psd {
  checkSignature(file);
  ensurePixelAllocator();
  try {
    return readPsd(file.data, { skipThumbnail: true, skipLinkedFilesData: true, useImageData: true, ...options });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/not supported|unsupported/i.test(message)) throw unsupported(file.name, `this Photoshop document cannot be read (${message}).`);
    throw corrupt(file.name, message, err);
  }
}

/** The layer tree only: no pixel data is decoded or kept (bounded memory on big documents). */
function readStructure(file: ElementFile): Psd {
  return readDocument(file, { skipLayerImageData: true, skipCompositeImageData: true });
}

/** Everything, with layer channels kept as their compressed bytes (decoded on demand). */
function readRaw(file: ElementFile): Psd {
  return readDocument(file, { useRawData: true, skipThumbnail: false, useRawThumbnail: true });
}

interface PsdEntry {
  name: string;
  parent?: string;
  layer: Layer;
  /** The ag-psd array holding it (bottom first). */
  siblings: Layer[];
  /** Its index among its siblings, top first. */
  index: number;
  /** Its siblings' path names, top first. */
  siblingNames: string[];
}

function walk(children: Layer[] | undefined, parent: string | undefined, out: PsdEntry[]): void {
  if (children === undefined) return;
  const topFirst = [...children].reverse();
  const names = uniqueNames(topFirst.map((l) => (l.name === undefined || l.name === '' ? '(unnamed)' : l.name))).map((n) => childPath(parent, n));
  topFirst.forEach((layer, index) => {
    const name = names[index] as string;
    out.push({ name, ...(parent === undefined ? {} : { parent }), layer, siblings: children, index, siblingNames: names });
    if (layer.children !== undefined) walk(layer.children, name, out);
  });
}

function entriesOf(psd: Psd): PsdEntry[] {
  const out: PsdEntry[] = [];
  walk(psd.children, undefined, out);
  return out;
}

interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function ownBounds(layer: Layer): Bounds | undefined {
  const b = { left: layer.left ?? 0, top: layer.top ?? 0, right: layer.right ?? 0, bottom: layer.bottom ?? 0 };
  return b.right > b.left && b.bottom > b.top ? b : undefined;
}

function union(a: Bounds | undefined, b: Bounds | undefined): Bounds | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}

/** A layer's bounds, or a group's: the union of its members' (visible ones only when `visibleOnly`). */
function boundsOf(layer: Layer, visibleOnly = false): Bounds | undefined {
  if (layer.children === undefined) return ownBounds(layer);
  let b: Bounds | undefined;
  for (const child of layer.children) if (!(visibleOnly && child.hidden === true)) b = union(b, boundsOf(child, visibleOnly));
  return b;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function countMembers(layer: Layer): number {
  return (layer.children ?? []).reduce((n, c) => n + 1 + countMembers(c), 0);
}

function infoOf(e: PsdEntry): ElementInfo {
  const { layer } = e;
  const group = layer.children !== undefined;
  const b = boundsOf(layer);
  const blend = blendModeOf(layer.blendMode);
  const details: ElementInfo['details'] = {
    left: b?.left ?? 0,
    top: b?.top ?? 0,
    right: b?.right ?? 0,
    bottom: b?.bottom ?? 0,
    width: b === undefined ? 0 : b.right - b.left,
    height: b === undefined ? 0 : b.bottom - b.top,
    opacity: round3(layer.opacity ?? 1),
    visible: layer.hidden !== true,
    blendMode: layer.blendMode ?? 'normal',
    blendHonoured: blend.honoured,
    clipping: layer.clipping === true,
    mask: layer.mask !== undefined,
    text: layer.text !== undefined,
  };
  if (layer.fillOpacity !== undefined && layer.fillOpacity !== 1) details.fillOpacity = round3(layer.fillOpacity);
  if (layer.text?.text !== undefined) details.textContent = layer.text.text.slice(0, 200);
  if (group) details.members = countMembers(layer);
  if (layer.placedLayer !== undefined) details.smartObject = true;
  return { name: e.name, kind: group ? 'group' : 'layer', ...(e.parent === undefined ? {} : { parent: e.parent }), details };
}

function to8bit(pixels: PixelData['data']): Uint8Array {
  if (pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray) return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length);
  const out = new Uint8Array(pixels.length);
  if (pixels instanceof Uint16Array) {
    for (let i = 0; i < pixels.length; i++) out[i] = ((pixels[i] ?? 0) + 128) / 257;
  } else {
    // 32-bit documents hold linear light: encode with the sRGB curve (alpha stays linear).
    for (let i = 0; i < pixels.length; i++) {
      const v = Math.min(1, Math.max(0, pixels[i] ?? 0));
      out[i] = (i & 3) === 3 ? Math.round(v * 255) : Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
    }
  }
  return out;
}

/** A layer's own pixels as 8-bit RGBA at its own size, or undefined for an empty layer. */
function layerPixels(file: string, layer: Layer): RasterImage | undefined {
  let data: PixelData | undefined;
  try {
    data = getLayerImageData(layer);
  } catch (err) {
    throw corrupt(file, `the pixels of layer "${layer.name ?? ''}" cannot be decoded: ${(err as Error).message}`, err);
  }
  if (data === undefined || data.width === 0 || data.height === 0) return undefined;
  const rgba = to8bit(data.data);
  if (rgba.length !== data.width * data.height * 4) throw unsupported(file, `the pixels of layer "${layer.name ?? ''}" are not in a colour mode strata can draw.`);
  return { width: data.width, height: data.height, data: rgba };
}

/** A layer's enabled user mask, placed in document coordinates. */
function layerMask(file: string, layer: Layer): PlacedMask | undefined {
  const mask = layer.mask;
  if (mask === undefined || mask.disabled === true) return undefined;
  const fill = mask.defaultColor ?? 0;
  let data: PixelData | undefined;
  try {
    data = getLayerMaskImageData(layer);
  } catch (err) {
    throw corrupt(file, `the mask of layer "${layer.name ?? ''}" cannot be decoded: ${(err as Error).message}`, err);
  }
  const left = mask.left ?? 0;
  const top = mask.top ?? 0;
  if (data === undefined || data.width === 0 || data.height === 0) return { left, top, width: 0, height: 0, data: new Uint8Array(0), fill };
  const px = to8bit(data.data);
  const plane = new Uint8Array(data.width * data.height);
  const step = px.length / plane.length;
  for (let i = 0; i < plane.length; i++) plane[i] = px[i * step] as number;
  return { left, top, width: data.width, height: data.height, data: plane, fill };
}

function shift(mask: PlacedMask, dx: number, dy: number): PlacedMask {
  return { ...mask, left: mask.left - dx, top: mask.top - dy };
}

/** The alpha channel of a drawn layer, as a mask its clipped layers are drawn through. */
function alphaMask(r: RasterImage, left: number, top: number, own: PlacedMask | undefined): PlacedMask {
  const data = new Uint8Array(r.width * r.height);
  for (let i = 0; i < data.length; i++) data[i] = r.data[i * 4 + 3] as number;
  if (own !== undefined) {
    for (let y = 0; y < r.height; y++) {
      for (let x = 0; x < r.width; x++) {
        const mx = x + left - own.left;
        const my = y + top - own.top;
        const m = mx >= 0 && my >= 0 && mx < own.width && my < own.height ? (own.data[my * own.width + mx] as number) : own.fill;
        const i = y * r.width + x;
        data[i] = Math.round(((data[i] as number) * m) / 255);
      }
    }
  }
  return { left, top, width: r.width, height: r.height, data, fill: 0 };
}

function combine(a: PlacedMask | undefined, b: PlacedMask | undefined, area: { left: number; top: number; width: number; height: number }): PlacedMask | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const at = (m: PlacedMask, x: number, y: number): number => {
    const mx = x - m.left;
    const my = y - m.top;
    return mx >= 0 && my >= 0 && mx < m.width && my < m.height ? (m.data[my * m.width + mx] as number) : m.fill;
  };
  const data = new Uint8Array(area.width * area.height);
  for (let y = 0; y < area.height; y++) {
    for (let x = 0; x < area.width; x++) data[y * area.width + x] = Math.round((at(a, x + area.left, y + area.top) * at(b, x + area.left, y + area.top)) / 255);
  }
  return { ...area, data, fill: 0 };
}

/**
 * Draws `children` (ag-psd order: bottom first) onto `canvas`, whose top-left corner is document point
 * (`ox`, `oy`): visibility, opacity × fill opacity, blend mode, user masks and clipping masks.
 */
function renderChildren(file: string, children: readonly Layer[], canvas: RasterImage, ox: number, oy: number): void {
  let base: PlacedMask | undefined;
  let baseVisible = true;
  for (const layer of children) {
    const clipped = layer.clipping === true;
    if (!clipped) {
      base = undefined;
      baseVisible = layer.hidden !== true;
    }
    if (layer.hidden === true || (clipped && !baseVisible)) continue;
    const opacity = (layer.opacity ?? 1) * (layer.fillOpacity ?? 1);
    const { mode } = blendModeOf(layer.blendMode);
    const mask = layerMask(file, layer);
    let pixels: RasterImage | undefined;
    let left = 0;
    let top = 0;
    if (layer.children !== undefined) {
      pixels = createRaster(canvas.width, canvas.height);
      renderChildren(file, layer.children, pixels, ox, oy);
    } else {
      pixels = layerPixels(file, layer);
      left = (layer.left ?? 0) - ox;
      top = (layer.top ?? 0) - oy;
    }
    if (pixels === undefined) {
      if (!clipped) base = { left: 0, top: 0, width: 0, height: 0, data: new Uint8Array(0), fill: 0 };
      continue;
    }
    const ownMask = mask === undefined ? undefined : shift(mask, ox, oy);
    const clip = clipped ? (base ?? { left: 0, top: 0, width: 0, height: 0, data: new Uint8Array(0), fill: 0 }) : undefined;
    const effective = combine(ownMask, clip, { left, top, width: pixels.width, height: pixels.height });
    drawLayer(canvas, pixels, { left, top, opacity, mode, ...(effective === undefined ? {} : { mask: effective }) });
    if (!clipped) base = alphaMask(pixels, left, top, ownMask);
  }
}

function checkCanvas(file: string, width: number, height: number): void {
  if (width * height > MAX_PSD_PIXELS) {
    throw unsupported(file, `the picture would be ${width} x ${height}, larger than the ${MAX_PSD_PIXELS / 1e6} megapixels strata composites.`);
  }
}

/** The whole document flattened (the composite Photoshop stores). */
function renderDocument(file: string, psd: Psd): RasterImage {
  checkCanvas(file, psd.width, psd.height);
  const canvas = createRaster(psd.width, psd.height);
  renderChildren(file, psd.children ?? [], canvas, 0, 0);
  return canvas;
}

/** A group flattened at the size of its visible members' bounds. */
function renderGroup(file: string, group: Layer): RasterImage | undefined {
  const b = boundsOf(group, true);
  if (b === undefined) return undefined;
  checkCanvas(file, b.right - b.left, b.bottom - b.top);
  const canvas = createRaster(b.right - b.left, b.bottom - b.top);
  renderChildren(file, group.children ?? [], canvas, b.left, b.top);
  return canvas;
}

function pngName(outName: string): string {
  return /\.png$/i.test(outName) ? outName : `${outName.replace(/\.[^./\\]*$/, '')}.png`;
}

function infos(psd: Psd): { entries: PsdEntry[]; list: ElementInfo[] } {
  const entries = entriesOf(psd);
  return { entries, list: entries.map(infoOf) };
}

function descendants(e: PsdEntry, all: readonly PsdEntry[]): string[] {
  return all.filter((x) => x.name.startsWith(`${e.name}/`)).map((x) => x.name);
}

async function thumbnailOf(composite: RasterImage): Promise<{ width: number; height: number; data: Uint8Array }> {
  const scale = Math.min(1, 160 / Math.max(composite.width, composite.height));
  const width = Math.max(1, Math.round(composite.width * scale));
  const height = Math.max(1, Math.round(composite.height * scale));
  const data = await sharp(composite.data, { raw: { width: composite.width, height: composite.height, channels: 4 } })
    .resize(width, height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 85 })
    .toBuffer();
  return { width, height, data };
}

export const psdHandler: ElementHandler = {
  extensions: ['psd', 'psb'],

  async list(file) {
    return infos(readStructure(file)).list;
  },

  async extract(file, element, outName): Promise<OutputFile[]> {
    // The layer tree first (cheap), so a wrong name fails before any pixel is read.
    findElement(file.name, infos(readStructure(file)).list, element);
    const { entries, list } = infos(readRaw(file));
    const info = findElement(file.name, list, element);
    const entry = entries.find((e) => e.name === info.name) as PsdEntry;
    const pixels = entry.layer.children !== undefined ? renderGroup(file.name, entry.layer) : layerPixels(file.name, entry.layer);
    if (pixels === undefined) {
      throw unsupported(file.name, `${info.kind} "${info.name}" has no pixels (it is empty), so there is nothing to extract.`);
    }
    return [{ name: pngName(outName), data: await encodePng(pixels) }];
  },

  async restore(current, old, element): Promise<RestoreResult> {
    const oldList = infos(readStructure(old)).list;
    const wanted = findElement(old.name, oldList, element);
    const cur = readRaw(current);
    const prev = readRaw(old);
    if ((cur.bitsPerChannel ?? 8) !== 8 || (cur.colorMode ?? 3) !== 3) {
      throw unsupported(current.name, `restoring a layer needs an 8-bit RGB Photoshop document (this one is ${cur.bitsPerChannel ?? 8}-bit, colour mode ${cur.colorMode ?? 3}); ag-psd writes only those.`);
    }
    if ((prev.bitsPerChannel ?? 8) !== 8 || (prev.colorMode ?? 3) !== 3) {
      throw unsupported(old.name, `the old version is ${prev.bitsPerChannel ?? 8}-bit, colour mode ${prev.colorMode ?? 3}; its layers cannot be put into an 8-bit RGB document.`);
    }
    const oldEntries = entriesOf(prev);
    const source = oldEntries.find((e) => e.name === wanted.name) as PsdEntry;
    const curEntries = entriesOf(cur);
    const existing = curEntries.find((e) => e.name === source.name);
    if (existing !== undefined) {
      existing.siblings[existing.siblings.indexOf(existing.layer)] = source.layer;
    } else {
      // Into the same parent group (or the nearest one still there), next to the same neighbours.
      let parent = source.parent;
      let holder: PsdEntry | undefined;
      while (parent !== undefined) {
        holder = curEntries.find((e) => e.name === parent && e.layer.children !== undefined);
        if (holder !== undefined) break;
        parent = parentPath(parent);
      }
      if (holder === undefined) cur.children ??= [];
      const siblings = holder === undefined ? (cur.children as Layer[]) : (holder.layer.children as Layer[]);
      const siblingNames = curEntries.filter((e) => e.siblings === siblings).sort((a, b) => a.index - b.index).map((e) => e.name);
      const sameParent = parent === source.parent;
      const topIndex = sameParent ? insertionIndex(source.siblingNames, source.index, siblingNames) : Math.min(source.index, siblingNames.length);
      siblings.splice(siblings.length - topIndex, 0, source.layer);
    }
    const composite = renderDocument(current.name, cur);
    cur.imageData = { width: composite.width, height: composite.height, data: new Uint8ClampedArray(composite.data.buffer, composite.data.byteOffset, composite.data.length) };
    delete cur.canvas;
    delete (cur as { rawCompositeData?: Uint8Array }).rawCompositeData;
    if (cur.imageResources !== undefined && (cur.imageResources.thumbnailRaw !== undefined || cur.imageResources.thumbnail !== undefined)) {
      delete cur.imageResources.thumbnail;
      cur.imageResources.thumbnailRaw = await thumbnailOf(composite);
    }
    let data: Buffer;
    try {
      data = writePsdBuffer(cur, { psb: current.data.readUInt16BE(4) === 2 });
    } catch (err) {
      throw new StrataError('ASSET_UNSUPPORTED', `${current.name}: ag-psd cannot write this document back (${(err as Error).message}).`, { data: { file: current.name }, cause: err });
    }
    const after = entriesOf(cur);
    const placed = after.find((e) => e.layer === source.layer) as PsdEntry;
    return { data, companions: [], restored: [placed.name, ...descendants(placed, after)] };
  },
};
