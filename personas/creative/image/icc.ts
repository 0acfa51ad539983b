import { createHash } from 'node:crypto';

/**
 * What identifies an embedded ICC colour profile to a person: its description ("sRGB IEC61966-2.1",
 * "Display P3", "U.S. Web Coated (SWOP) v2") and a short hash that tells two profiles of the same name
 * apart. Reads the `desc` tag of v2 (`desc` type) and v4 (`mluc` type) profiles; never throws.
 */
export interface IccSummary {
  description?: string;
  /** First 12 hex digits of the SHA-256 of the whole profile. */
  hash: string;
  /** The profile's data colour space from its header ('RGB', 'GRAY', 'CMYK', 'Lab', …). */
  colourSpace?: string;
}

function u32(b: Uint8Array, at: number): number | undefined {
  if (at < 0 || at + 4 > b.length) return undefined;
  return (b[at] ?? 0) * 0x1000000 + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0));
}

function tag4(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, b[at + 3] ?? 0);
}

function clean(s: string): string | undefined {
  // Strip control characters (NULs pad many descriptions).
  const t = s.replace(/[\u0000-\u001f]/g, '').trim();
  return t === '' ? undefined : t.slice(0, 200);
}

function description(profile: Uint8Array): string | undefined {
  const count = u32(profile, 128);
  if (count === undefined || count > 200) return undefined;
  for (let i = 0; i < count; i++) {
    const entry = 132 + i * 12;
    if (tag4(profile, entry) !== 'desc') continue;
    const offset = u32(profile, entry + 4);
    const size = u32(profile, entry + 8);
    if (offset === undefined || size === undefined || offset + size > profile.length) return undefined;
    const type = tag4(profile, offset);
    if (type === 'desc') {
      const len = u32(profile, offset + 8);
      if (len === undefined || offset + 12 + len > profile.length) return undefined;
      return clean(Buffer.from(profile.subarray(offset + 12, offset + 12 + len)).toString('latin1'));
    }
    if (type === 'mluc') {
      const records = u32(profile, offset + 8);
      const recordSize = u32(profile, offset + 12);
      if (records === undefined || recordSize === undefined || records === 0) return undefined;
      // Prefer English, else the first record.
      let chosen = 0;
      for (let r = 0; r < records; r++) {
        const rec = offset + 16 + r * recordSize;
        if (tag4(profile, rec).startsWith('en')) {
          chosen = r;
          break;
        }
      }
      const rec = offset + 16 + chosen * recordSize;
      const len = u32(profile, rec + 4);
      const at = u32(profile, rec + 8);
      if (len === undefined || at === undefined || offset + at + len > profile.length) return undefined;
      const bytes = profile.subarray(offset + at, offset + at + len);
      let s = '';
      for (let k = 0; k + 1 < bytes.length; k += 2) s += String.fromCharCode(((bytes[k] ?? 0) << 8) | (bytes[k + 1] ?? 0));
      return clean(s);
    }
    return undefined;
  }
  return undefined;
}

/** The description, colour space and short hash of an ICC profile. */
export function summariseIcc(profile: Uint8Array): IccSummary {
  const hash = createHash('sha256').update(profile).digest('hex').slice(0, 12);
  const desc = profile.length >= 132 ? description(profile) : undefined;
  const space = profile.length >= 20 ? clean(tag4(profile, 16)) : undefined;
  return {
    hash,
    ...(desc === undefined ? {} : { description: desc }),
    ...(space === undefined ? {} : { colourSpace: space }),
  };
}
