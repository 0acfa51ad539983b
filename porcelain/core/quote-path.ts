/**
 * Paths for human output, one per line: a path that is printable UTF-8 is shown as it is; any other
 * (a newline or other control character in a name, bytes that are not UTF-8, a leading double quote)
 * is shown in double quotes with C-style escapes (`\n`, `\t`, `\"`, `\\`, `\xNN` for other bytes), the
 * way git quotes such names. Scripts use `--json`, which has the exact bytes.
 */

/** The length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function sequenceLength(b: Uint8Array, i: number): number {
  const lead = b[i] as number;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && (b[i + k] as number) >= lo && (b[i + k] as number) <= hi;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const lo = lead === 0xe0 ? 0xa0 : 0x80;
    const hi = lead === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const lo = lead === 0xf0 ? 0x90 : 0x80;
    const hi = lead === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

const ESCAPES: Record<number, string> = { 0x0a: '\\n', 0x09: '\\t', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

function hex(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}

/** Whether a path can be shown as it is. */
function isPlain(b: Uint8Array): boolean {
  if (b[0] === 0x22) return false;
  for (let i = 0; i < b.length; ) {
    const n = sequenceLength(b, i);
    if (n === 0) return false;
    const c = b[i] as number;
    if (n === 1 && (c < 0x20 || c === 0x7f)) return false;
    // C1 control characters (U+0080..U+009F) are not printable either.
    if (n === 2 && c === 0xc2 && (b[i + 1] as number) < 0xa0) return false;
    i += n;
  }
  return true;
}

/** A path (its bytes, or a string) as one printable line. */
export function quotePath(path: Uint8Array | string): string {
  const b = typeof path === 'string' ? Buffer.from(path, 'utf8') : path;
  if (isPlain(b)) return Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const n = sequenceLength(b, i);
    const c = b[i] as number;
    if (n === 0) {
      out += hex(c);
      i += 1;
    } else if (n === 1) {
      out += ESCAPES[c] ?? (c < 0x20 || c === 0x7f ? hex(c) : String.fromCharCode(c));
      i += 1;
    } else if (n === 2 && c === 0xc2 && (b[i + 1] as number) < 0xa0) {
      out += hex(c) + hex(b[i + 1] as number);
      i += 2;
    } else {
      out += Buffer.from(b.subarray(i, i + n)).toString('utf8');
      i += n;
    }
  }
  return `${out}"`;
}
