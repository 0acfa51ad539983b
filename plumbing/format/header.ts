/** The four object kinds. */
export const OBJECT_KINDS = ['blob', 'chunks', 'tree', 'version'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export function isObjectKind(value: string): value is ObjectKind {
  return (OBJECT_KINDS as readonly string[]).includes(value);
}

/** The longest header: the longest kind, a space, 16 digits (2^53), NUL. */
export const MAX_HEADER_LENGTH = 7 + 1 + 16 + 1;

/** `"<kind> <decimal size>\0"` as bytes. */
export function encodeHeader(kind: ObjectKind, size: number): Buffer {
  return Buffer.from(`${kind} ${size}\0`, 'latin1');
}

export interface ParsedHeader {
  kind: ObjectKind;
  size: number;
  /** Bytes taken by the header, NUL included: the body starts here. */
  length: number;
}

/**
 * Parses the header at the start of `data` (the inflated object). Returns undefined when the bytes
 * are not a well-formed header: unknown kind, leading zeros, a size beyond 2^53, or no NUL in time.
 */
export function parseHeader(data: Uint8Array): ParsedHeader | undefined {
  const limit = Math.min(data.length, MAX_HEADER_LENGTH);
  let space = -1;
  let nul = -1;
  for (let i = 0; i < limit; i++) {
    const b = data[i];
    if (b === 0x20 && space < 0) space = i;
    else if (b === 0) {
      nul = i;
      break;
    }
  }
  if (space <= 0 || nul < 0 || nul <= space + 1) return undefined;
  const kind = Buffer.from(data.subarray(0, space)).toString('latin1');
  const digits = Buffer.from(data.subarray(space + 1, nul)).toString('latin1');
  if (!isObjectKind(kind)) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(digits)) return undefined;
  const size = Number(digits);
  if (!Number.isSafeInteger(size)) return undefined;
  return { kind, size, length: nul + 1 };
}
