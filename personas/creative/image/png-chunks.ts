import { inflateSync } from 'node:zlib';

/**
 * The PNG header and ancillary chunks read straight from the file: the exact IHDR bit depth and colour
 * type (decoders report what they convert to, not what is stored), text chunks (tEXt, zTXt, iTXt), the
 * embedded profile's name (iCCP), gamma, sRGB intent, physical pixel size and APNG animation. Walks the
 * chunk headers only (IDAT is skipped, not read); never throws: a damaged tail yields what came before.
 */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** IHDR colour type: 0 grey, 2 rgb, 3 palette, 4 grey-alpha, 6 rgba. */
  colourTypeCode: number;
  interlaced: boolean;
}

export interface PngChunks {
  header: PngHeader | undefined;
  /** Text chunks in file order: keyword and value (values cut at 1,000 characters). */
  text: Array<{ chunk: 'tEXt' | 'zTXt' | 'iTXt'; keyword: string; value: string }>;
  iccName?: string;
  gamma?: number;
  srgbIntent?: string;
  /** Pixels per metre (pHYs with unit 1), x then y. */
  pixelsPerMetre?: [number, number];
  hasTransparencyChunk: boolean;
  animationFrames?: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_TEXT_CHUNKS = 64;
const MAX_VALUE = 1000;
const MAX_INFLATE = 1 << 20;
const INTENTS = ['perceptual', 'relative colorimetric', 'saturation', 'absolute colorimetric'];

function u32(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) * 0x1000000 + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0));
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function inflate(b: Uint8Array): Uint8Array | undefined {
  try {
    return inflateSync(b, { maxOutputLength: MAX_INFLATE });
  } catch {
    return undefined;
  }
}

function cut(s: string): string {
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
}

function readText(type: string, body: Uint8Array): { keyword: string; value: string } | undefined {
  const nul = body.indexOf(0);
  if (nul <= 0) return undefined;
  const keyword = latin1(body.subarray(0, nul));
  if (type === 'tEXt') return { keyword, value: cut(latin1(body.subarray(nul + 1))) };
  if (type === 'zTXt') {
    const text = inflate(body.subarray(nul + 2));
    return { keyword, value: text === undefined ? '(unreadable compressed text)' : cut(latin1(text)) };
  }
  // iTXt: keyword \0 flag method language \0 translated keyword \0 text (UTF-8)
  const compressed = body[nul + 1] === 1;
  const langEnd = body.indexOf(0, nul + 3);
  if (langEnd < 0) return undefined;
  const transEnd = body.indexOf(0, langEnd + 1);
  if (transEnd < 0) return undefined;
  const raw = body.subarray(transEnd + 1);
  const text = compressed ? inflate(raw) : raw;
  if (text === undefined) return { keyword, value: '(unreadable compressed text)' };
  return { keyword, value: cut(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8')) };
}

/** True when `data` starts with the PNG signature. */
export function isPng(data: Uint8Array): boolean {
  return SIGNATURE.every((v, i) => data[i] === v);
}

/** The header and ancillary chunks of a PNG file. */
export function readPngChunks(data: Uint8Array): PngChunks {
  const out: PngChunks = { header: undefined, text: [], hasTransparencyChunk: false };
  if (!isPng(data)) return out;
  let at = 8;
  while (at + 12 <= data.length) {
    const length = u32(data, at);
    const type = String.fromCharCode(data[at + 4] ?? 0, data[at + 5] ?? 0, data[at + 6] ?? 0, data[at + 7] ?? 0);
    const start = at + 8;
    if (start + length > data.length) break;
    const body = data.subarray(start, start + length);
    switch (type) {
      case 'IHDR':
        if (length >= 13) {
          out.header = {
            width: u32(body, 0),
            height: u32(body, 4),
            bitDepth: body[8] ?? 0,
            colourTypeCode: body[9] ?? 0,
            interlaced: body[12] === 1,
          };
        }
        break;
      case 'tEXt':
      case 'zTXt':
      case 'iTXt':
        if (out.text.length < MAX_TEXT_CHUNKS) {
          const t = readText(type, body);
          if (t !== undefined) out.text.push({ chunk: type, ...t });
        }
        break;
      case 'iCCP': {
        const nul = body.indexOf(0);
        if (nul > 0) out.iccName = latin1(body.subarray(0, nul));
        break;
      }
      case 'gAMA':
        if (length >= 4) out.gamma = u32(body, 0) / 100000;
        break;
      case 'sRGB':
        out.srgbIntent = INTENTS[body[0] ?? 0] ?? `intent ${body[0] ?? 0}`;
        break;
      case 'pHYs':
        if (length >= 9 && body[8] === 1) out.pixelsPerMetre = [u32(body, 0), u32(body, 4)];
        break;
      case 'tRNS':
        out.hasTransparencyChunk = true;
        break;
      case 'acTL':
        if (length >= 8) out.animationFrames = u32(body, 0);
        break;
      default:
        break;
    }
    if (type === 'IEND') break;
    at = start + length + 4;
  }
  return out;
}

/** The colour type name of an IHDR colour type code. */
export function pngColourType(code: number): string {
  switch (code) {
    case 0:
      return 'grey';
    case 2:
      return 'rgb';
    case 3:
      return 'palette';
    case 4:
      return 'grey-alpha';
    case 6:
      return 'rgba';
    default:
      return `png colour type ${code}`;
  }
}
