/**
 * Tree entry names. On disk a name is a byte string (Linux allows any bytes but `/` and NUL). In a
 * tree object a name that is valid UTF-8 is stored as the JSON string `name`; any other name is stored
 * as `rawName`, the base64 of its bytes. Names are compared and sorted by their bytes.
 */
export const MAX_NAME_BYTES = 255;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The name as a string when its bytes are valid UTF-8, else undefined. */
export function decodeUtf8Name(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Why a name is not acceptable in a tree, or undefined when it is fine. */
export function nameProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'the name is empty';
  if (bytes.length > MAX_NAME_BYTES) return `the name is longer than ${MAX_NAME_BYTES} bytes`;
  if (bytes.length === 1 && bytes[0] === 0x2e) return 'the name is "."';
  if (bytes.length === 2 && bytes[0] === 0x2e && bytes[1] === 0x2e) return 'the name is ".."';
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x2f) return 'the name contains "/"';
    if (bytes[i] === 0) return 'the name contains a NUL byte';
  }
  return undefined;
}

/** Byte-wise comparison of two names (the tree sort order). */
export function compareNames(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** A printable form of a name: the UTF-8 text, or the bytes with invalid sequences as U+FFFD. */
export function displayName(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}
