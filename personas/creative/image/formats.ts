/**
 * Which image format a file holds: by its first bytes (magic numbers) first, by its extension only when
 * the bytes say nothing. A PNG renamed `.jpg` is a PNG; a text file named `.png` is reported as `png` and
 * then fails to decode (ASSET_CORRUPT), which is the truthful message for it.
 */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff' | 'psd' | 'avif' | 'heif' | 'svg';

/** File extensions (lower case, no dot) that name an image strata can decode. */
export const IMAGE_EXTENSIONS: ReadonlyMap<string, ImageFormat> = new Map<string, ImageFormat>([
  ['png', 'png'],
  ['jpg', 'jpeg'],
  ['jpeg', 'jpeg'],
  ['gif', 'gif'],
  ['webp', 'webp'],
  ['tif', 'tiff'],
  ['tiff', 'tiff'],
  ['psd', 'psd'],
  ['svg', 'svg'],
  ['avif', 'avif'],
]);

/** How many leading bytes `imageFormatOf` looks at (pass at least this many when you can). */
export const IMAGE_HEAD_BYTES = 512;

function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** True when the file name has an image extension (png jpg jpeg gif webp tif tiff psd svg avif). */
export function isImagePath(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extensionOf(name));
}

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[at + i] !== bytes[i]) return false;
  return true;
}

function ascii(head: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, head.length); i++) s += String.fromCharCode(head[i] ?? 0);
  return s;
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'mif2']);

/** The ISO base media brand of an AVIF/HEIF file (`ftyp` box), major brand first, then compatible ones. */
function heifKind(head: Uint8Array): ImageFormat | undefined {
  if (ascii(head, 4, 8) !== 'ftyp') return undefined;
  const boxSize = ((head[0] ?? 0) << 24) | ((head[1] ?? 0) << 16) | ((head[2] ?? 0) << 8) | (head[3] ?? 0);
  const end = Math.min(head.length, boxSize > 16 ? boxSize : 16);
  const brands = [ascii(head, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(head, at, at + 4));
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
  if (brands.some((b) => HEIF_BRANDS.has(b))) return 'heif';
  return undefined;
}

/** An SVG document: optional BOM and white space, then an XML declaration, comment, doctype or `<svg`. */
function looksLikeSvg(head: Uint8Array): boolean {
  let text = ascii(head, 0, Math.min(head.length, 4096));
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  text = text.trimStart();
  if (!text.startsWith('<')) return false;
  return /<svg[\s>]/i.test(text) && (text.startsWith('<?xml') || text.startsWith('<!') || /^<svg[\s>]/i.test(text));
}

/**
 * The format of an image from its name and its first bytes (`head`, ideally `IMAGE_HEAD_BYTES` or more):
 * magic bytes decide; the extension is used only when they match no known format; `undefined` when
 * neither says it is an image.
 */
export function imageFormatOf(name: string, head: Uint8Array): ImageFormat | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  const six = ascii(head, 0, 6);
  if (six === 'GIF87a' || six === 'GIF89a') return 'gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  if (
    startsWith(head, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(head, [0x49, 0x49, 0x2b, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])
  ) {
    return 'tiff';
  }
  if (ascii(head, 0, 4) === '8BPS') return 'psd';
  const heif = heifKind(head);
  if (heif !== undefined) return heif;
  if (looksLikeSvg(head)) return 'svg';
  return IMAGE_EXTENSIONS.get(extensionOf(name));
}
