/**
 * A byte-level line and token scanner for the text model formats (OBJ, MTL, ASCII STL, ASCII PLY).
 * Works straight on the file's Buffer: no per-line strings for the hot keywords, numbers parsed from the
 * bytes, so a 100 MB file costs its own size plus the arrays the parser builds.
 */
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const BACKSLASH = 0x5c;

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(10 ** i);

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === 0x0b || c === 0x0c;
}

export class TextScanner {
  readonly buf: Buffer;
  /** 1-based number of the current line (the first physical line of a continued line). */
  line = 0;
  /** Current position within the current line, and its end (exclusive, without CR/LF). */
  pos = 0;
  end = 0;
  private next = 0;
  /** Set when the current line was joined from continued lines into a private buffer. */
  private joined: Buffer | undefined;
  private readonly joinContinuations: boolean;

  constructor(buf: Buffer, options: { joinContinuations?: boolean } = {}) {
    this.buf = buf;
    this.joinContinuations = options.joinContinuations ?? false;
  }

  /** The bytes the current line's positions index into. */
  get bytes(): Buffer {
    return this.joined ?? this.buf;
  }

  /** Byte offset in the file where the next line starts. */
  get offset(): number {
    return this.next;
  }

  /** Moves to the next line; false at the end of the file. */
  nextLine(): boolean {
    const buf = this.buf;
    if (this.next >= buf.length) return false;
    this.joined = undefined;
    this.line = this.physical + 1;
    let [start, end] = this.readPhysical();
    if (this.joinContinuations && this.endsWithBackslash(buf, start, end)) {
      const parts: Buffer[] = [];
      while (this.endsWithBackslash(buf, start, end) && this.next < buf.length) {
        parts.push(buf.subarray(start, this.lastNonBlank(buf, start, end)), Buffer.from(' '));
        [start, end] = this.readPhysical();
      }
      parts.push(buf.subarray(start, this.endsWithBackslash(buf, start, end) ? this.lastNonBlank(buf, start, end) : end));
      this.joined = Buffer.concat(parts);
      this.pos = 0;
      this.end = this.joined.length;
      return true;
    }
    this.pos = start;
    this.end = end;
    return true;
  }

  private physical = 0;

  private readPhysical(): [number, number] {
    const buf = this.buf;
    const start = this.next;
    let nl = buf.indexOf(LF, start);
    if (nl < 0) nl = buf.length;
    let end = nl;
    if (end > start && buf[end - 1] === CR) end--;
    this.next = nl + 1;
    this.physical++;
    return [start, end];
  }

  private lastNonBlank(buf: Buffer, start: number, end: number): number {
    let e = end;
    while (e > start && isBlank(buf[e - 1] as number)) e--;
    return e - 1; // index of the backslash
  }

  private endsWithBackslash(buf: Buffer, start: number, end: number): boolean {
    let e = end;
    while (e > start && isBlank(buf[e - 1] as number)) e--;
    return e > start && buf[e - 1] === BACKSLASH;
  }

  skipBlanks(): void {
    const b = this.bytes;
    while (this.pos < this.end && isBlank(b[this.pos] as number)) this.pos++;
  }

  atEnd(): boolean {
    this.skipBlanks();
    return this.pos >= this.end;
  }

  /** The next whitespace-separated token as a string (latin1-safe ASCII keywords), or '' at the end. */
  word(): string {
    this.skipBlanks();
    const b = this.bytes;
    const start = this.pos;
    while (this.pos < this.end && !isBlank(b[this.pos] as number)) this.pos++;
    return b.toString('utf8', start, this.pos);
  }

  /** True when the next token is exactly `keyword` (ASCII, case-sensitive); consumes it if so. */
  keyword(keyword: string): boolean {
    this.skipBlanks();
    const b = this.bytes;
    const n = keyword.length;
    if (this.pos + n > this.end) return false;
    for (let i = 0; i < n; i++) if (b[this.pos + i] !== keyword.charCodeAt(i)) return false;
    const after = this.pos + n;
    if (after < this.end && !isBlank(b[after] as number)) return false;
    this.pos = after;
    return true;
  }

  /** The first byte of the next token (after blanks), or -1 at the end of the line. */
  peek(): number {
    this.skipBlanks();
    return this.pos < this.end ? (this.bytes[this.pos] as number) : -1;
  }

  /** The rest of the line, trimmed, as UTF-8. */
  rest(): string {
    this.skipBlanks();
    const s = this.bytes.toString('utf8', this.pos, this.end).trim();
    this.pos = this.end;
    return s;
  }

  /** The whole current line as UTF-8 (for messages). */
  lineText(): string {
    return this.bytes.toString('utf8', this.lineStartForMessage(), this.end).trim();
  }

  private lineStartForMessage(): number {
    const b = this.bytes;
    let s = Math.min(this.pos, this.end);
    while (s > 0 && b[s - 1] !== LF) s--;
    return s;
  }

  /**
   * The next number token. Returns NaN when there is no token or it is not a number (the caller
   * decides whether that is an error). Plain decimals are parsed from the bytes; anything unusual
   * (inf, nan, hex, very long mantissas) goes through `Number()`.
   */
  number(): number {
    this.skipBlanks();
    const b = this.bytes;
    const end = this.end;
    const start = this.pos;
    if (start >= end) return NaN;
    let p = start;
    let c = b[p] as number;
    let negative = false;
    if (c === 0x2d || c === 0x2b) {
      negative = c === 0x2d;
      p++;
    }
    let mantissa = 0;
    let digits = 0;
    let fracDigits = 0;
    while (p < end && (c = b[p] as number) >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      p++;
    }
    if (p < end && b[p] === 0x2e) {
      p++;
      while (p < end && (c = b[p] as number) >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        fracDigits++;
        p++;
      }
    }
    let exponent = 0;
    let ok = digits > 0;
    if (ok && p < end && ((c = b[p] as number) === 0x65 || c === 0x45)) {
      p++;
      let expNegative = false;
      if (p < end && ((c = b[p] as number) === 0x2d || c === 0x2b)) {
        expNegative = c === 0x2d;
        p++;
      }
      let expDigits = 0;
      while (p < end && (c = b[p] as number) >= 0x30 && c <= 0x39) {
        exponent = exponent * 10 + (c - 0x30);
        expDigits++;
        p++;
      }
      if (expDigits === 0) ok = false;
      if (expNegative) exponent = -exponent;
    }
    if (ok && (p >= end || isBlank(b[p] as number)) && digits <= 15) {
      this.pos = p;
      const scale = exponent - fracDigits;
      let value: number;
      if (scale === 0) value = mantissa;
      else if (scale < 0 && -scale <= 22) value = mantissa / (POW10[-scale] as number);
      else if (scale > 0 && scale <= 22) value = mantissa * (POW10[scale] as number);
      else value = Number(b.toString('latin1', start, p));
      return negative ? -value : value;
    }
    // Unusual token: let Number() judge the whole token.
    let q = start;
    while (q < end && !isBlank(b[q] as number)) q++;
    this.pos = q;
    const text = b.toString('latin1', start, q);
    const lowered = text.toLowerCase();
    if (/^[+-]?(inf|infinity|1\.#inf)$/.test(lowered)) return lowered.startsWith('-') ? -Infinity : Infinity;
    const n = Number(text);
    return text.trim() === '' ? NaN : n;
  }

  /**
   * An OBJ face reference `v`, `v/vt`, `v//vn` or `v/vt/vn`: stores the three integers (0 when absent)
   * in `out` and returns true, or false when the token is malformed. Leaves the position after the token.
   */
  faceRef(out: Int32Array): boolean {
    this.skipBlanks();
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    for (let k = 0; k < 3; k++) {
      let negative = false;
      let c = p < end ? (b[p] as number) : -1;
      if (c === 0x2d || c === 0x2b) {
        negative = c === 0x2d;
        p++;
      }
      let value = 0;
      let digits = 0;
      while (p < end && (c = b[p] as number) >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        digits++;
        p++;
      }
      if (digits === 0 && (k === 0 || negative)) return false;
      if (digits > 10) return false;
      out[k] = negative ? -value : value;
      if (p < end && b[p] === 0x2f) {
        p++;
        continue;
      }
      break;
    }
    if (p < end && !isBlank(b[p] as number)) return false;
    this.pos = p;
    return true;
  }
}

/** Decodes a text file to UTF-8 bytes when it is UTF-16 (with a byte-order mark); strips a UTF-8 BOM. */
export function normaliseTextEncoding(data: Buffer): Buffer {
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) {
    const swapped = Buffer.from(data.subarray(2, 2 + ((data.length - 2) & ~1)));
    swapped.swap16();
    return Buffer.from(swapped.toString('utf16le'), 'utf8');
  }
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) {
    return Buffer.from(data.toString('utf16le', 2, 2 + ((data.length - 2) & ~1)), 'utf8');
  }
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3);
  return data;
}
