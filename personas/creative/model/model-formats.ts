/**
 * Which 3D model format a file is, from its name and the first bytes of its content.
 */
import type { ModelFormat } from './model.js';

const BY_EXTENSION: Record<string, ModelFormat> = {
  obj: 'obj',
  stl: 'stl',
  ply: 'ply',
  gltf: 'gltf',
  glb: 'glb',
};

function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** True when the file name has the extension of a model format strata reads (.obj .stl .ply .gltf .glb). */
export function isModelPath(name: string): boolean {
  return BY_EXTENSION[extensionOf(name)] !== undefined;
}

/** True when `head` starts with the GLB magic `glTF`. */
export function hasGlbMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x67 && head[1] === 0x6c && head[2] === 0x54 && head[3] === 0x46;
}

/** True when `head` starts with the PLY magic line `ply` (LF or CRLF). */
export function hasPlyMagic(head: Uint8Array): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0x70 &&
    head[1] === 0x6c &&
    head[2] === 0x79 &&
    (head[3] === 0x0a || (head[3] === 0x0d && head[4] === 0x0a))
  );
}

/**
 * True when STL content is binary: the triangle count at offset 80 matches the size exactly (binary files
 * may start with `solid` too), or the content does not look like ASCII STL (no leading `solid`, or
 * control bytes in its first kilobyte).
 */
export function isBinaryStl(data: Uint8Array): boolean {
  if (data.length >= 84) {
    const count = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(80, true);
    if (84 + 50 * count === data.length) return true;
  }
  const head = data.subarray(0, Math.min(data.length, 1024));
  if (!/^\s*solid(\s|$)/i.test(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1'))) return true;
  for (const byte of head) if (byte < 0x09) return true;
  return false;
}

/**
 * The model format of a file, by its extension, confirmed by its content where the content is
 * recognisable: a `.gltf` that is really GLB is `glb`, and a `.glb` whose content is JSON is `gltf`.
 * Undefined when the extension is not a model format's.
 */
export function modelFormatOf(name: string, head: Buffer): ModelFormat | undefined {
  const byName = BY_EXTENSION[extensionOf(name)];
  if (byName === undefined) return undefined;
  if (byName === 'gltf' || byName === 'glb') {
    if (hasGlbMagic(head)) return 'glb';
    const first = head.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (first.startsWith('{')) return 'gltf';
  }
  return byName;
}
