/** Building a graph from a file listing and the extractions of the files read (pure). */
import { REFS_SCHEMA, type RefGraph, type SourceFile } from './graph.js';
import type { Declaration, FileExtraction } from './reference.js';
import { createResolveContext, resolveAll } from './resolve.js';

/** Formats whose declarations name the file beside them (`x.png.meta` -> `x.png`) rather than themselves. */
const SIDECAR_SUFFIX: Record<string, string> = { 'unity-meta': '.meta', 'godot-import': '.import', 'godot-uid': '.uid' };

/** An extraction made for a file with the same content at another path, moved to `path`. */
export function relocateExtraction(extraction: FileExtraction, path: string): FileExtraction {
  if (extraction.declares.length === 0) return extraction;
  const suffix = SIDECAR_SUFFIX[extraction.format];
  const named = suffix !== undefined && path.endsWith(suffix) ? path.slice(0, -suffix.length) : path;
  return { ...extraction, declares: extraction.declares.map((d): Declaration => ({ ...d, path: named })) };
}

export interface BuildGraphInput {
  /** Every file of the project (root-relative, `/`-separated), with its content id when stored. */
  files: ReadonlyArray<{ path: string; id?: string | undefined }>;
  /** The extraction of each file read. */
  extractions: ReadonlyMap<string, FileExtraction>;
  /** Whether a path the listing does not hold exists all the same (an ignored file on disk). */
  exists?: (path: string) => boolean;
}

/** Resolves every reference against the listing and the declarations, and assembles the graph. */
export function buildGraph(input: BuildGraphInput): RefGraph {
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const paths = new Set(files.map((f) => f.path));
  const ids = new Map(files.map((f) => [f.path, f.id]));
  const declarations: Declaration[] = [];
  for (const e of input.extractions.values()) declarations.push(...e.declares);
  const present = new Set<string>();
  const exists = (p: string): boolean => {
    if (paths.has(p) || present.has(p)) return true;
    if (input.exists?.(p)) {
      present.add(p);
      return true;
    }
    return false;
  };
  const ctx = createResolveContext(paths, declarations, exists);
  const sources: SourceFile[] = [];
  for (const path of [...input.extractions.keys()].sort()) {
    const e = input.extractions.get(path) as FileExtraction;
    if (e.format === 'none') continue;
    const refs = resolveAll(path, e.refs, ctx);
    for (const r of refs) if (r.resolved !== undefined) exists(r.resolved);
    const id = ids.get(path);
    sources.push({ path, ...(id === undefined ? {} : { id }), format: e.format, refs, declares: e.declares });
  }
  const graph: RefGraph = { schema: REFS_SCHEMA, files: files.map((f) => (f.id === undefined ? { path: f.path } : { path: f.path, id: f.id })), sources };
  if (present.size > 0) graph.present = [...present].sort();
  return graph;
}
