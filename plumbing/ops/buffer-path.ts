/**
 * Paths as bytes. File names on Linux are byte strings that need not be valid UTF-8; node:fs accepts
 * Buffer paths, so code that must handle every name joins paths as Buffers.
 */
const SLASH = Buffer.from('/');

export function joinPath(dir: Buffer | string, name: Buffer | string): Buffer {
  const d = typeof dir === 'string' ? Buffer.from(dir) : dir;
  const n = typeof name === 'string' ? Buffer.from(name) : name;
  if (d.length > 0 && d[d.length - 1] === 0x2f) return Buffer.concat([d, n]);
  return Buffer.concat([d, SLASH, n]);
}
