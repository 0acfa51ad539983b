/**
 * A small reader for the EXIF fields an artist or photographer looks at (who made the file, with what,
 * when, which way up). Reads the TIFF structure of an EXIF block (with or without the `Exif\0\0` prefix),
 * IFD0 and the EXIF sub-IFD; never throws: a damaged block yields what could be read.
 */

const IFD0_TAGS: ReadonlyMap<number, string> = new Map([
  [0x010e, 'ImageDescription'],
  [0x010f, 'Make'],
  [0x0110, 'Model'],
  [0x0112, 'Orientation'],
  [0x0131, 'Software'],
  [0x0132, 'DateTime'],
  [0x013b, 'Artist'],
  [0x8298, 'Copyright'],
]);

const EXIF_TAGS: ReadonlyMap<number, string> = new Map([
  [0x829a, 'ExposureTime'],
  [0x829d, 'FNumber'],
  [0x8827, 'ISOSpeedRatings'],
  [0x9003, 'DateTimeOriginal'],
  [0x9004, 'DateTimeDigitized'],
  [0x920a, 'FocalLength'],
  [0xa001, 'ColorSpace'],
  [0xa002, 'PixelXDimension'],
  [0xa003, 'PixelYDimension'],
  [0xa434, 'LensModel'],
]);

const EXIF_IFD_POINTER = 0x8769;
const TYPE_SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };
const MAX_TEXT = 200;

export type ExifFields = Record<string, string | number>;

class TiffView {
  constructor(
    readonly buf: Uint8Array,
    readonly little: boolean,
  ) {}

  u16(at: number): number | undefined {
    if (at < 0 || at + 2 > this.buf.length) return undefined;
    const a = this.buf[at] ?? 0;
    const b = this.buf[at + 1] ?? 0;
    return this.little ? a | (b << 8) : (a << 8) | b;
  }

  u32(at: number): number | undefined {
    const hi = this.little ? this.u16(at + 2) : this.u16(at);
    const lo = this.little ? this.u16(at) : this.u16(at + 2);
    return hi === undefined || lo === undefined ? undefined : hi * 65536 + lo;
  }
}

function formatNumber(n: number): number {
  return Number.isInteger(n) ? n : Math.round(n * 10000) / 10000;
}

function readValue(view: TiffView, entry: number): string | number | undefined {
  const type = view.u16(entry + 2);
  const count = view.u32(entry + 4);
  if (type === undefined || count === undefined) return undefined;
  const size = (TYPE_SIZES[type] ?? 0) * count;
  if (size === 0) return undefined;
  const at = size <= 4 ? entry + 8 : view.u32(entry + 8);
  if (at === undefined || at + size > view.buf.length) return undefined;
  switch (type) {
    case 2: {
      let s = '';
      for (let i = 0; i < Math.min(count, MAX_TEXT); i++) {
        const c = view.buf[at + i] ?? 0;
        if (c === 0) break;
        s += String.fromCharCode(c);
      }
      return s.trim();
    }
    case 7: {
      // UNDEFINED: LensModel and the like are sometimes stored as bytes; keep printable ASCII.
      let s = '';
      for (let i = 0; i < Math.min(count, MAX_TEXT); i++) {
        const c = view.buf[at + i] ?? 0;
        if (c >= 32 && c < 127) s += String.fromCharCode(c);
      }
      return s.trim() || undefined;
    }
    case 1:
      return view.buf[at];
    case 3:
      return view.u16(at);
    case 4:
    case 9:
      return view.u32(at);
    case 5:
    case 10: {
      const num = view.u32(at);
      const den = view.u32(at + 4);
      if (num === undefined || den === undefined || den === 0) return undefined;
      return formatNumber(num / den);
    }
    default:
      return undefined;
  }
}

function readIfd(view: TiffView, offset: number, tags: ReadonlyMap<number, string>, out: ExifFields): number | undefined {
  const count = view.u16(offset);
  if (count === undefined || count > 1000) return undefined;
  let exifPointer: number | undefined;
  for (let i = 0; i < count; i++) {
    const entry = offset + 2 + i * 12;
    const tag = view.u16(entry);
    if (tag === undefined) break;
    if (tag === EXIF_IFD_POINTER) {
      exifPointer = view.u32(entry + 8);
      continue;
    }
    const name = tags.get(tag);
    if (name === undefined) continue;
    const value = readValue(view, entry);
    if (value !== undefined && value !== '') out[name] = value;
  }
  return exifPointer;
}

/** The EXIF fields present in `block` (names as in the EXIF standard), empty when it cannot be read. */
export function readExif(block: Uint8Array): ExifFields {
  let buf = block;
  if (buf.length >= 6 && String.fromCharCode(...buf.subarray(0, 4)) === 'Exif') buf = buf.subarray(6);
  if (buf.length < 8) return {};
  const order = String.fromCharCode(buf[0] ?? 0, buf[1] ?? 0);
  if (order !== 'II' && order !== 'MM') return {};
  const view = new TiffView(buf, order === 'II');
  if (view.u16(2) !== 42) return {};
  const ifd0 = view.u32(4);
  if (ifd0 === undefined) return {};
  const out: ExifFields = {};
  const exifIfd = readIfd(view, ifd0, IFD0_TAGS, out);
  if (exifIfd !== undefined && exifIfd !== ifd0) readIfd(view, exifIfd, EXIF_TAGS, out);
  return out;
}
