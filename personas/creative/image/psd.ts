import { initializeCanvas, readPsd, type Layer } from 'ag-psd';
import { StrataError } from '../../../porcelain/index.js';
import { readExif } from './exif.js';
import { summariseIcc } from './icc.js';
import type { ColourType, ImageInfo } from './image-info.js';
import type { RasterImage } from './raster.js';

/**
 * Photoshop documents (PSD, and PSB when ag-psd reads them): the header and image resources are read
 * here directly (cheap, and ag-psd does not expose the ICC profile or EXIF), the layer tree and the
 * composite come from ag-psd. Only the composite (the flattened image Photoshop stores when "maximize
 * compatibility" is on) is compared; layers are counted, not rendered.
 */

const MODES: Readonly<Record<number, string>> = {
  0: 'Bitmap',
  1: 'Grayscale',
  2: 'Indexed',
  3: 'RGB',
  4: 'CMYK',
  7: 'Multichannel',
  8: 'Duotone',
  9: 'Lab',
};

/** Largest composite decoded in memory (ag-psd holds the full-size RGBA image): 100 megapixels. */
export const MAX_PSD_PIXELS = 100_000_000;

type MakeImageData = NonNullable<Parameters<typeof initializeCanvas>[1]>;

let canvasReady = false;

/**
 * ag-psd allocates 8-bit RGBA pixel buffers through a canvas unless told otherwise. Node has no canvas,
 * and strata needs none: plain typed arrays are given instead (once, process-wide; no canvas is ever
 * created because strata reads with `useImageData` and skips thumbnails).
 */
export function ensurePixelAllocator(): void {
  if (canvasReady) return;
  canvasReady = true;
  initializeCanvas(
    () => {
      throw new Error('a canvas is not available; strata reads PSD pixels as image data');
    },
    (width, height) => ({ width, height, data: new Uint8ClampedArray(width * height * 4), colorSpace: 'srgb' }) as unknown as ReturnType<MakeImageData>,
  );
}

interface PsdHeader {
  version: number;
  channels: number;
  width: number;
  height: number;
  depth: number;
  mode: number;
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) * 0x1000000 + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0));
}

function corrupt(name: string, why: string, cause?: unknown): StrataError {
  return new StrataError('ASSET_CORRUPT', `${name}: the Photoshop document is damaged (${why}).`, {
    data: { file: name },
    ...(cause === undefined ? {} : { cause }),
  });
}

function readHeader(name: string, data: Uint8Array): PsdHeader {
  if (data.length < 26 || String.fromCharCode(...data.subarray(0, 4)) !== '8BPS') throw corrupt(name, 'no PSD header');
  const header = {
    version: u16(data, 4),
    channels: u16(data, 12),
    height: u32(data, 14),
    width: u32(data, 18),
    depth: u16(data, 22),
    mode: u16(data, 24),
  };
  if (header.version !== 1 && header.version !== 2) throw corrupt(name, `unknown version ${header.version}`);
  if (header.width === 0 || header.height === 0) throw corrupt(name, 'zero width or height');
  return header;
}

interface Resources {
  icc?: Uint8Array;
  exif?: Uint8Array;
  xmp?: string;
  dpi?: number;
}

/** Image resources 1005 (resolution), 1039 (ICC profile), 1058 (EXIF), 1060 (XMP). */
function readResources(data: Uint8Array): Resources {
  const out: Resources = {};
  let at = 26;
  if (at + 4 > data.length) return out;
  at += 4 + u32(data, at); // colour mode data
  if (at + 4 > data.length) return out;
  const length = u32(data, at);
  const end = Math.min(data.length, at + 4 + length);
  at += 4;
  while (at + 12 <= end) {
    if (String.fromCharCode(...data.subarray(at, at + 4)) !== '8BIM') break;
    const id = u16(data, at + 4);
    const nameLength = data[at + 6] ?? 0;
    let p = at + 6 + nameLength + 1;
    if (p % 2 !== 0) p++;
    if (p + 4 > end) break;
    const size = u32(data, p);
    const body = data.subarray(p + 4, Math.min(end, p + 4 + size));
    if (id === 1039) out.icc = body;
    else if (id === 1058) out.exif = body;
    else if (id === 1060) out.xmp = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    else if (id === 1005 && body.length >= 8) {
      // Fixed 16.16 horizontal resolution, then its unit (1 = pixels per inch, 2 = per cm).
      const res = u32(body, 0) / 65536;
      const unit = u16(body, 4);
      out.dpi = Math.round((unit === 2 ? res * 2.54 : res) * 100) / 100;
    }
    p += 4 + size;
    if (p % 2 !== 0) p++;
    at = p;
  }
  return out;
}

function colourTypeOf(mode: number, alpha: boolean): ColourType {
  switch (mode) {
    case 0:
    case 1:
    case 8:
      return alpha ? 'grey-alpha' : 'grey';
    case 2:
      return 'palette';
    case 4:
      return alpha ? 'cmyk-alpha' : 'cmyk';
    case 7:
      return 'multichannel';
    case 9:
      return 'lab';
    default:
      return alpha ? 'rgba' : 'rgb';
  }
}

function colourSpaceOf(mode: number): string {
  if (mode === 0 || mode === 1 || mode === 8) return 'grey';
  if (mode === 4) return 'cmyk';
  if (mode === 9) return 'lab';
  if (mode === 7) return 'multichannel';
  return 'srgb';
}

function countLayers(layers: Layer[] | undefined, counts: { layers: number; groups: number }): void {
  for (const layer of layers ?? []) {
    if (layer.children !== undefined) {
      counts.groups++;
      countLayers(layer.children, counts);
    } else {
      counts.layers++;
    }
  }
}

function baseColourChannels(mode: number): number {
  if (mode === 0 || mode === 1 || mode === 2 || mode === 8) return 1;
  if (mode === 4) return 4;
  return 3;
}

function xmpCreatorTool(xmp: string): string | undefined {
  const m = /CreatorTool(?:="([^"]*)"|>([^<]*)<)/.exec(xmp);
  const v = (m?.[1] ?? m?.[2])?.trim();
  return v === undefined || v === '' ? undefined : v.slice(0, 200);
}

function bufferOf(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The ImageInfo of a PSD: header, resources and layer counts (no pixel data is decoded). */
export function probePsd(name: string, data: Uint8Array): ImageInfo {
  const header = readHeader(name, data);
  const resources = readResources(data);
  ensurePixelAllocator();
  let psd;
  try {
    psd = readPsd(bufferOf(data), {
      skipLayerImageData: true,
      skipCompositeImageData: true,
      skipThumbnail: true,
      skipLinkedFilesData: true,
      useImageData: true,
    });
  } catch (err) {
    throw corrupt(name, err instanceof Error ? err.message : String(err), err);
  }
  const counts = { layers: 0, groups: 0 };
  countLayers(psd.children, counts);
  const hasAlpha = header.channels > baseColourChannels(header.mode);
  const metadata: ImageInfo['metadata'] = {
    'psd.mode': MODES[header.mode] ?? `mode ${header.mode}`,
    'psd.layers': counts.layers,
  };
  if (counts.groups > 0) metadata['psd.groups'] = counts.groups;
  if (header.version === 2) metadata['psd.version'] = 'PSB';
  if (resources.icc !== undefined && resources.icc.length > 0) {
    const icc = summariseIcc(resources.icc);
    if (icc.description !== undefined) metadata['icc.description'] = icc.description;
    metadata['icc.hash'] = icc.hash;
  }
  if (resources.exif !== undefined) {
    for (const [k, v] of Object.entries(readExif(resources.exif))) metadata[`exif.${k}`] = v;
  }
  if (resources.xmp !== undefined) {
    metadata.xmp = true;
    const tool = xmpCreatorTool(resources.xmp);
    if (tool !== undefined) metadata['xmp.CreatorTool'] = tool;
  }
  return {
    format: 'psd',
    width: header.width,
    height: header.height,
    bitDepth: header.depth,
    colourType: colourTypeOf(header.mode, hasAlpha),
    channels: header.channels,
    hasAlpha,
    colourSpace: colourSpaceOf(header.mode),
    ...(resources.dpi === undefined || resources.dpi <= 0 ? {} : { density: resources.dpi }),
    pages: 1,
    metadata,
  };
}

function to8bit(pixels: Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array): Uint8Array {
  if (pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray) {
    return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length);
  }
  const out = new Uint8Array(pixels.length);
  if (pixels instanceof Uint16Array) {
    for (let i = 0; i < pixels.length; i++) out[i] = ((pixels[i] ?? 0) + 128) / 257;
  } else {
    // 32-bit documents hold linear light; encode with the sRGB curve (alpha stays linear).
    for (let i = 0; i < pixels.length; i++) {
      const v = Math.min(1, Math.max(0, pixels[i] ?? 0));
      out[i] = (i & 3) === 3 ? Math.round(v * 255) : Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
    }
  }
  return out;
}

/** Where the composite image data section starts (after colour mode data, resources, layers and masks). */
function compositeOffset(name: string, header: PsdHeader, data: Uint8Array): number {
  let at = 26;
  for (let section = 0; section < 3; section++) {
    if (at + 4 > data.length) throw corrupt(name, 'the file ends inside its header sections');
    const wide = section === 2 && header.version === 2;
    const length = wide ? u32(data, at) * 2 ** 32 + u32(data, at + 4) : u32(data, at);
    at += (wide ? 8 : 4) + length;
  }
  if (at > data.length) throw corrupt(name, 'a section runs past the end of the file');
  return at;
}

function noComposite(name: string): StrataError {
  return new StrataError('ASSET_UNSUPPORTED', `${name}: the Photoshop document has no composite image to compare.`, {
    hint: 'Save it from Photoshop with "Maximize PSD and PSB File Compatibility" turned on.',
    data: { file: name },
  });
}

/** The flattened composite of a PSD as full-size 8-bit RGBA. */
export function decodePsdComposite(name: string, data: Uint8Array): RasterImage {
  const header = readHeader(name, data);
  if (compositeOffset(name, header, data) + 2 >= data.length) throw noComposite(name);
  if (header.width * header.height > MAX_PSD_PIXELS) {
    throw new StrataError(
      'ASSET_UNSUPPORTED',
      `${name}: the Photoshop document is ${header.width} x ${header.height}, larger than the ${MAX_PSD_PIXELS / 1e6} megapixels strata decodes from a PSD.`,
      { data: { file: name, width: header.width, height: header.height } },
    );
  }
  ensurePixelAllocator();
  let psd;
  try {
    psd = readPsd(bufferOf(data), { skipLayerImageData: true, skipThumbnail: true, skipLinkedFilesData: true, useImageData: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/not supported|unsupported/i.test(message)) {
      throw new StrataError('ASSET_UNSUPPORTED', `${name}: this Photoshop document cannot be decoded (${message}).`, {
        data: { file: name },
        cause: err,
      });
    }
    throw corrupt(name, message, err);
  }
  const image = psd.imageData;
  if (image === undefined || image.width === 0 || image.height === 0) throw noComposite(name);
  const rgba = to8bit(image.data);
  if (rgba.length !== image.width * image.height * 4) throw corrupt(name, 'composite image data has the wrong size');
  return { width: image.width, height: image.height, data: rgba };
}
