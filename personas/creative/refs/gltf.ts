/**
 * glTF and GLB: the buffers and images a model loads by URI (`data:` URIs are inside the file and are
 * not references). A GLB's references are those of its JSON chunk; its binary chunk is not read.
 */
import { LineIndex, byteText, makeRef, type Reference } from './reference.js';
import { resolveAll, type ResolveContext } from './resolve.js';

const GLB_MAGIC = 0x46546c67; // 'glTF'
const JSON_CHUNK = 0x4e4f534a; // 'JSON'

/** Where a GLB's JSON chunk is: its byte offset and length; undefined when the data is not a GLB. */
export function glbJsonChunk(data: Buffer): { offset: number; length: number } | undefined {
  if (data.length < 20 || data.readUInt32LE(0) !== GLB_MAGIC) return undefined;
  const length = data.readUInt32LE(12);
  if (data.readUInt32LE(16) !== JSON_CHUNK || 20 + length > data.length) return undefined;
  return { offset: 20, length };
}

function uriSets(json: string): { buffers: Set<string>; images: Set<string> } {
  const buffers = new Set<string>();
  const images = new Set<string>();
  try {
    const doc = JSON.parse(Buffer.from(json, 'latin1').toString('utf8')) as { buffers?: Array<{ uri?: unknown }>; images?: Array<{ uri?: unknown }> };
    for (const b of Array.isArray(doc.buffers) ? doc.buffers : []) if (typeof b?.uri === 'string') buffers.add(b.uri);
    for (const i of Array.isArray(doc.images) ? doc.images : []) if (typeof i?.uri === 'string') images.add(i.uri);
  } catch {
    // Not valid JSON: every "uri" is still listed, as kind gltf-uri.
  }
  return { buffers, images };
}

/** The `"uri"` values of a glTF JSON text (latin1), offsets shifted by `base`. */
function scanJson(json: string, base: number, lines: LineIndex): Reference[] {
  const { buffers, images } = uriSets(json);
  const out: Reference[] = [];
  const re = /"uri"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(json); m; m = re.exec(json)) {
    const raw = m[1] as string;
    if (/^\s*data:/i.test(raw)) continue;
    const start = m.index + m[0].length - 1 - raw.length;
    const ref = makeRef(lines, raw, start, 'gltf-uri', 'uri', 'json', base);
    if (!ref) continue;
    if (buffers.has(ref.target)) ref.kind = 'gltf-buffer';
    else if (images.has(ref.target)) ref.kind = 'gltf-image';
    out.push(ref);
  }
  return out;
}

export function scanGltf(data: Buffer): Reference[] {
  const text = byteText(data);
  return scanJson(text, 0, new LineIndex(text));
}

export function scanGlb(data: Buffer): Reference[] {
  const chunk = glbJsonChunk(data);
  if (!chunk) return [];
  const json = data.toString('latin1', chunk.offset, chunk.offset + chunk.length);
  // Lines are those of the JSON chunk.
  return scanJson(json, chunk.offset, new LineIndex(json));
}

/** The references of a glTF file at `path` (root-relative), resolved with `ctx`. */
export function gltfReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanGltf(data), ctx);
}

/** The references of a GLB file's JSON chunk, resolved with `ctx`. */
export function glbReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanGlb(data), ctx);
}
