/**
 * Rewriting references when a file moves (pure): which references change, what each is written as
 * afterwards (a path relative to the referring file's folder, in the style it was written: `\`
 * separators, a leading `./`, URI escapes, `res://`), and the referring files' new bytes with every
 * other byte kept. A GLB's JSON chunk is rewritten in place, its chunk and file lengths updated.
 */
import { posix } from 'node:path';
import { glbJsonChunk } from './gltf.js';
import { RefIndex, type RefGraph } from './graph.js';
import { quote, unquote, utf8Of, type Reference } from './reference.js';
import { createResolveContext } from './resolve.js';

/** Side-cars that travel with their asset: Unity's `.meta`, Godot's `.import` and `.uid`. */
export const SIDECAR_SUFFIXES = ['.meta', '.import', '.uid'] as const;

export interface TextEdit {
  /** Byte range in the file's current content. */
  span: [number, number];
  line?: number;
  kind: string;
  /** The path as written now, and as it will be written. */
  before: string;
  after: string;
  /** The bytes that replace the span. */
  bytes: Buffer;
}

export interface FileRewrite {
  /** The referring file now. */
  path: string;
  /** Where it will be (the moved file and its side-cars). */
  newPath: string;
  edits: TextEdit[];
}

export interface MovePlan {
  from: string;
  to: string;
  /** Side-cars moved with it. */
  sidecars: Array<{ from: string; to: string }>;
  /** Files whose references change. */
  rewrites: FileRewrite[];
  /** References to the moved file that cannot be rewritten (GUIDs and uids need no change; others are listed). */
  untouched: Array<{ from: string; line?: number; target: string; kind: string; reason: string }>;
}

function encodeUriPath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%2C/g, ',').replace(/%40/g, '@').replace(/%2B/g, '+').replace(/%3D/g, '=').replace(/%26/g, '&'))
    .join('/');
}

/** The new written form of a path `target` (root-relative) referenced from a file at `from`, in the style of `written`. */
export function writtenPath(ref: Reference, written: string, from: string, target: string, godotRoot: string): string {
  if (ref.form === 'res') {
    if (written.startsWith('res://')) return `res://${posix.relative(godotRoot, target)}`;
  }
  if (ref.form === 'uri' && written.startsWith('/')) return `/${ref.kind.startsWith('html-') || ref.kind.startsWith('css-') || ref.kind === 'font' ? encodeIf(written, target) : target}`;
  let dir = posix.dirname(from);
  if (dir === '.') dir = '';
  let rel = posix.relative(dir, target);
  if (written.startsWith('./') && !rel.startsWith('../')) rel = `./${rel}`;
  if (ref.form === 'uri') rel = encodeIf(written, rel);
  if (written.includes('\\') && !written.includes('/')) rel = rel.replace(/\//g, '\\');
  return rel;
}

/** URI-escapes a path when the written one was escaped; otherwise only the characters a URI cannot hold raw. */
function encodeIf(written: string, path: string): string {
  if (/%[0-9a-f]{2}/i.test(written)) return encodeUriPath(path);
  return path.replace(/[%#?]/g, (c) => encodeURIComponent(c));
}

/**
 * Plans moving `from` to `to` in a project whose graph is `graph` (read from the files as they are
 * now): every reference to the moved file (and its side-cars' pointers back to it), and the moved
 * file's own relative references, recomputed from their files' new places.
 */
export function planMove(graph: RefGraph, contents: ReadonlyMap<string, Buffer>, from: string, to: string): MovePlan {
  const index = new RefIndex(graph);
  const sidecars = SIDECAR_SUFFIXES.filter((s) => index.existing.has(from + s) && graph.files.some((f) => f.path === from + s)).map((s) => ({ from: from + s, to: to + s }));
  const moved = new Map<string, string>([[from, to], ...sidecars.map((s): [string, string] => [s.from, s.to])]);
  const after = [...graph.files.map((f) => moved.get(f.path) ?? f.path)];
  const ctx = createResolveContext(after, []);
  const rewrites: FileRewrite[] = [];
  const untouched: MovePlan['untouched'] = [];
  for (const source of graph.sources) {
    const newPath = moved.get(source.path) ?? source.path;
    const content = contents.get(source.path);
    const edits: TextEdit[] = [];
    for (const ref of source.refs) {
      if (ref.resolved === undefined) continue;
      const pointsHere = ref.resolved === from || moved.has(ref.resolved);
      const fromMoved = newPath !== source.path;
      if (!pointsHere && !fromMoved) continue;
      if (ref.form === 'guid' || ref.form === 'uid' || (ref.uid !== undefined && ctx.godotUid(ref.uid) !== undefined)) continue;
      if (!ref.span || !content) {
        if (pointsHere) untouched.push({ from: source.path, ...(ref.line === undefined ? {} : { line: ref.line }), target: ref.target, kind: ref.kind, reason: 'not rewritable' });
        continue;
      }
      const target = moved.get(ref.resolved) ?? ref.resolved;
      const writtenRaw = content.toString('latin1', ref.span[0], ref.span[1]);
      const written = utf8Of(unquote(writtenRaw, ref.quoting ?? 'none'));
      const next = writtenPath(ref, written, newPath, target, ctx.godotRoot(newPath));
      if (next === written) continue;
      edits.push({ span: ref.span, ...(ref.line === undefined ? {} : { line: ref.line }), kind: ref.kind, before: written, after: next, bytes: Buffer.from(quote(next, ref.quoting ?? 'none'), 'utf8') });
    }
    if (edits.length > 0) rewrites.push({ path: source.path, newPath, edits });
  }
  return { from, to, sidecars, rewrites, untouched };
}

/** A file's content with the edits applied (GLB: inside the JSON chunk, lengths and padding updated). */
export function applyEdits(content: Buffer, edits: readonly TextEdit[]): Buffer {
  const sorted = [...edits].sort((a, b) => a.span[0] - b.span[0]);
  const splice = (data: Buffer, base: number): Buffer => {
    const parts: Buffer[] = [];
    let at = 0;
    for (const e of sorted) {
      parts.push(data.subarray(at, e.span[0] - base), e.bytes);
      at = e.span[1] - base;
    }
    parts.push(data.subarray(at));
    return Buffer.concat(parts);
  };
  const chunk = glbJsonChunk(content);
  if (!chunk) return splice(content, 0);
  let json = splice(content.subarray(chunk.offset, chunk.offset + chunk.length), chunk.offset);
  // The JSON chunk is padded with spaces to 4 bytes; trailing padding is re-made for the new length.
  let end = json.length;
  while (end > 0 && json[end - 1] === 0x20) end--;
  json = json.subarray(0, end);
  const padded = Buffer.concat([json, Buffer.alloc((4 - (json.length % 4)) % 4, 0x20)]);
  const rest = content.subarray(chunk.offset + chunk.length);
  const header = Buffer.from(content.subarray(0, 20));
  header.writeUInt32LE(20 + padded.length + rest.length, 8);
  header.writeUInt32LE(padded.length, 12);
  return Buffer.concat([header, padded, rest]);
}
