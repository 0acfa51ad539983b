import type { Metadata } from 'sharp';
import { readExif } from './exif.js';
import type { ImageFormat } from './formats.js';
import { summariseIcc } from './icc.js';
import type { ColourType, ImageInfo } from './image-info.js';
import { pngColourType, readPngChunks } from './png-chunks.js';

/** Builds the ImageInfo of a file sharp can read from sharp's metadata, plus what strata reads itself. */

const DEPTH_BITS: Readonly<Record<string, number>> = {
  uchar: 8,
  char: 8,
  ushort: 16,
  short: 16,
  uint: 32,
  int: 32,
  float: 32,
  complex: 64,
  double: 64,
  dpcomplex: 128,
};

/** The colour space name strata reports for a libvips interpretation. */
export function colourSpaceName(space: string): string {
  switch (space) {
    case 'srgb':
    case 'rgb':
    case 'rgb16':
      return 'srgb';
    case 'b-w':
    case 'grey16':
      return 'grey';
    case 'scrgb':
      return 'linear-rgb';
    case 'lab':
    case 'labq':
    case 'labs':
      return 'lab';
    default:
      return space;
  }
}

function colourTypeOf(meta: Metadata, colourSpace: string): ColourType {
  if (meta.isPalette) return 'palette';
  if (colourSpace === 'grey') return meta.hasAlpha ? 'grey-alpha' : 'grey';
  if (colourSpace === 'cmyk') return meta.hasAlpha ? 'cmyk-alpha' : 'cmyk';
  if (colourSpace === 'lab') return 'lab';
  if (colourSpace === 'multiband') return 'multichannel';
  return meta.hasAlpha ? 'rgba' : 'rgb';
}

/** The format strata names for what sharp decoded, when it is one strata knows. */
function formatOf(detected: ImageFormat, meta: Metadata): ImageFormat {
  switch (meta.format) {
    case 'png':
    case 'jpeg':
    case 'gif':
    case 'webp':
    case 'tiff':
    case 'svg':
      return meta.format;
    case 'heif':
      return meta.compression === 'av1' ? 'avif' : 'heif';
    default:
      return detected;
  }
}

function xmpCreatorTool(xmp: string | undefined): string | undefined {
  if (xmp === undefined) return undefined;
  const m = /CreatorTool(?:="([^"]*)"|>([^<]*)<)/.exec(xmp);
  const v = (m?.[1] ?? m?.[2])?.trim();
  return v === undefined || v === '' ? undefined : v.slice(0, 200);
}

function addPngFacts(data: Uint8Array, info: ImageInfo): void {
  const png = readPngChunks(data);
  const md = info.metadata;
  if (png.header !== undefined) {
    info.bitDepth = png.header.bitDepth;
    info.colourType = pngColourType(png.header.colourTypeCode) as ColourType;
    if (png.header.interlaced) md['png.interlaced'] = true;
  }
  for (const t of png.text) {
    let key = `png.text.${t.keyword}`;
    for (let n = 2; key in md; n++) key = `png.text.${t.keyword} (${n})`;
    md[key] = t.value;
  }
  if (png.iccName !== undefined) md['png.iCCP'] = png.iccName;
  if (png.gamma !== undefined) md['png.gAMA'] = png.gamma;
  if (png.srgbIntent !== undefined) md['png.sRGB'] = png.srgbIntent;
  if (png.animationFrames !== undefined) {
    md['png.animationFrames'] = png.animationFrames;
    info.pages = Math.max(1, png.animationFrames);
  }
}

/** The ImageInfo of a file from sharp's metadata (and, for PNG, its own chunks). */
export function infoFromSharp(detected: ImageFormat, meta: Metadata, data: Uint8Array): ImageInfo {
  const colourSpace = colourSpaceName(meta.space);
  const pages = meta.pages ?? 1;
  const info: ImageInfo = {
    format: formatOf(detected, meta),
    width: meta.width,
    height: meta.height,
    bitDepth: meta.bitsPerSample ?? DEPTH_BITS[meta.depth] ?? 8,
    colourType: colourTypeOf(meta, colourSpace),
    channels: meta.channels,
    hasAlpha: meta.hasAlpha,
    colourSpace,
    ...(meta.density === undefined || meta.density <= 0 ? {} : { density: Math.round(meta.density * 100) / 100 }),
    pages: meta.pageHeight !== undefined && pages > 1 ? pages : Math.max(1, pages),
    metadata: {},
  };
  // A multi-page image reports the first page's height through pageHeight.
  if (meta.pageHeight !== undefined && pages > 1) info.height = meta.pageHeight;
  const md = info.metadata;
  if (meta.icc !== undefined && meta.icc.length > 0) {
    const icc = summariseIcc(meta.icc);
    if (icc.description !== undefined) md['icc.description'] = icc.description;
    md['icc.hash'] = icc.hash;
  }
  if (meta.exif !== undefined && meta.exif.length > 0) {
    for (const [k, v] of Object.entries(readExif(meta.exif))) md[`exif.${k}`] = v;
  }
  if (meta.orientation !== undefined && md['exif.Orientation'] === undefined) md['exif.Orientation'] = meta.orientation;
  if (meta.xmp !== undefined && meta.xmp.length > 0) {
    md.xmp = true;
    const tool = xmpCreatorTool(meta.xmpAsString);
    if (tool !== undefined) md['xmp.CreatorTool'] = tool;
  }
  if (meta.iptc !== undefined && meta.iptc.length > 0) md.iptc = true;
  if (info.format === 'jpeg') {
    if (meta.chromaSubsampling !== undefined) md['jpeg.chromaSubsampling'] = meta.chromaSubsampling;
    if (meta.isProgressive) md['jpeg.progressive'] = true;
  }
  if ((info.format === 'avif' || info.format === 'heif') && meta.compression !== undefined) md['heif.compression'] = meta.compression;
  if (pages > 1 && meta.loop !== undefined && (info.format === 'gif' || info.format === 'webp')) md['animation.loop'] = meta.loop;
  if (info.format === 'png') addPngFacts(data, info);
  return info;
}
