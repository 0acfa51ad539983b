/** Adler-32 (RFC 1950), the checksum that closes a zlib stream. */

/** The largest number of bytes summed before the sums must be reduced (keeps them below 2^32). */
const NMAX = 5552;
const BASE = 65521;

/** The Adler-32 of `data`, continuing from `start` (the checksum of what came before; 1 for nothing). */
export function adler32(data: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = start >>> 16;
  const n = data.length;
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + NMAX);
    for (; i + 8 <= end; i += 8) {
      a += data[i] as number;
      b += a;
      a += data[i + 1] as number;
      b += a;
      a += data[i + 2] as number;
      b += a;
      a += data[i + 3] as number;
      b += a;
      a += data[i + 4] as number;
      b += a;
      a += data[i + 5] as number;
      b += a;
      a += data[i + 6] as number;
      b += a;
      a += data[i + 7] as number;
      b += a;
    }
    for (; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= BASE;
    b %= BASE;
  }
  return ((b << 16) | a) >>> 0;
}
