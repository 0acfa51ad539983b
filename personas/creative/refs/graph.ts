/**
 * The reference graph of a project (pure): nodes are files, edges are references. What is broken (a
 * resolved target that is not there, or a GUID/uid nothing declares), what is an orphan (an asset that
 * nothing references), who uses an asset and what a file depends on (both transitive, cycle-safe), and
 * the reference cycles (strongly connected components), which are reported, never followed forever.
 */
import { posix } from 'node:path';
import type { Declaration, Reference } from './reference.js';

export const REFS_SCHEMA = 'creative/refs-v1';

/** A file that was read for references. */
export interface SourceFile {
  path: string;
  /** Content id (stored versions). */
  id?: string;
  /** The extractor that read it. */
  format: string;
  /** Its references, resolved. */
  refs: Reference[];
  declares: Declaration[];
}

/** A project's reference graph, as stored (JSON). */
export interface RefGraph {
  schema: typeof REFS_SCHEMA;
  /** Every file (regular files and symlinks), sorted, with its content id in a stored version. */
  files: Array<{ path: string; id?: string }>;
  /** The files read (those whose format can hold references), sorted by path. */
  sources: SourceFile[];
  /** Targets that exist on disk although the listing left them out (ignored by `.strataignore`). */
  present?: string[];
}

/**
 * The extensions that count as assets for orphan detection: images, 3D models, materials, audio,
 * video and fonts. Everything else (scenes, prefabs, pages, style sheets, scripts, project files,
 * side-cars) is a root or a helper and is never reported as an orphan.
 */
export const ASSET_EXTENSIONS: ReadonlySet<string> = new Set([
  // images
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'tif', 'tiff', 'bmp', 'tga', 'exr', 'hdr', 'psd', 'kra', 'ora', 'xcf', 'svg', 'dds', 'ktx', 'ktx2', 'ico', 'avif', 'jxl',
  // 3D models
  'obj', 'fbx', 'gltf', 'glb', 'stl', 'ply', 'dae', 'blend', '3ds', 'max', 'ma', 'mb', 'usd', 'usda', 'usdc', 'usdz', 'abc',
  // materials
  'mtl', 'mat', 'tres',
  // audio
  'wav', 'ogg', 'mp3', 'flac', 'aif', 'aiff', 'opus', 'm4a', 'wma',
  // video
  'mp4', 'webm', 'mov', 'ogv', 'mkv', 'avi',
  // fonts
  'ttf', 'otf', 'woff', 'woff2', 'fnt', 'ttc', 'pfb',
]);

export function isAssetPath(path: string): boolean {
  const name = posix.basename(path).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot > 0 && ASSET_EXTENSIONS.has(name.slice(dot + 1));
}

/** One reference, flattened for reports. */
export interface RefEdge {
  from: string;
  /** The resolved target (absent: see `unresolved`). */
  to?: string;
  target: string;
  kind: string;
  line?: number;
  unresolved?: Reference['unresolved'];
  sidecar?: boolean;
}

export interface RefAnalysis {
  files: number;
  /** Files read for references. */
  read: number;
  references: number;
  /** References whose target is missing (or whose GUID/uid nothing declares). */
  broken: RefEdge[];
  /** References to URLs and absolute paths: outside the project, not checked. */
  external: RefEdge[];
  /** Assets nothing references. */
  orphans: string[];
  /** Groups of files that reference each other in a loop (each sorted; self-references included). */
  cycles: string[][];
}

/** A graph with its adjacency built once, for several questions. */
export class RefIndex {
  readonly existing: Set<string>;
  /** from -> references (all, sidecars included). */
  readonly out = new Map<string, RefEdge[]>();
  /** to -> referring files (sidecar references left out). */
  readonly incoming = new Map<string, Set<string>>();

  constructor(readonly graph: RefGraph) {
    this.existing = new Set(graph.files.map((f) => f.path));
    for (const p of graph.present ?? []) this.existing.add(p);
    for (const s of graph.sources) {
      const edges = s.refs.map((r) => edgeOf(s.path, r));
      this.out.set(s.path, edges);
      for (const e of edges) {
        if (e.to === undefined || e.sidecar) continue;
        let set = this.incoming.get(e.to);
        if (!set) this.incoming.set(e.to, (set = new Set()));
        set.add(s.path);
      }
    }
  }

  isBroken(e: RefEdge): boolean {
    if (e.unresolved === 'unknown-guid' || e.unresolved === 'unknown-uid') return true;
    return e.to !== undefined && !this.existing.has(e.to);
  }

  analyze(): RefAnalysis {
    const broken: RefEdge[] = [];
    const external: RefEdge[] = [];
    let references = 0;
    for (const edges of this.out.values()) {
      for (const e of edges) {
        references++;
        if (this.isBroken(e)) broken.push(e);
        else if (e.to === undefined) external.push(e);
      }
    }
    const orphans = this.graph.files
      .map((f) => f.path)
      .filter((p) => isAssetPath(p) && ![...(this.incoming.get(p) ?? [])].some((from) => from !== p));
    return { files: this.graph.files.length, read: this.graph.sources.length, references, broken, external, orphans, cycles: this.cycles() };
  }

  /** Files that use `path`, directly or through others, nearest first (cycle-safe: `path` itself is listed once, with `cycle`, when a cycle leads back to it). */
  whoUses(path: string): Array<{ path: string; depth: number; via?: string; cycle?: boolean }> {
    return this.walk(path, (p) => [...(this.incoming.get(p) ?? [])].sort());
  }

  /** What `path` references, directly or through others, nearest first; `missing` marks targets that are not there. */
  dependencies(path: string): Array<{ path: string; depth: number; via?: string; missing?: boolean; cycle?: boolean }> {
    const next = (p: string): string[] => {
      const targets = (this.out.get(p) ?? []).filter((e) => !e.sidecar && e.to !== undefined).map((e) => e.to as string);
      return [...new Set(targets)].sort();
    };
    return this.walk(path, next).map((d) => (this.existing.has(d.path) ? d : { ...d, missing: true }));
  }

  /** Breadth-first from `start` (itself listed only when a cycle leads back to it). */
  private walk(start: string, next: (p: string) => string[]): Array<{ path: string; depth: number; via?: string; cycle?: boolean }> {
    const seen = new Set<string>([start]);
    let backToStart = false;
    const out: Array<{ path: string; depth: number; via?: string; cycle?: boolean }> = [];
    let frontier = [start];
    for (let depth = 1; frontier.length > 0; depth++) {
      const following: string[] = [];
      for (const p of frontier) {
        for (const n of next(p)) {
          if (n === start && !backToStart) {
            // A cycle leads back: listed once, not walked again.
            backToStart = true;
            out.push({ path: n, depth, via: p, cycle: true });
            continue;
          }
          if (seen.has(n)) continue;
          seen.add(n);
          out.push(depth === 1 ? { path: n, depth } : { path: n, depth, via: p });
          following.push(n);
        }
      }
      frontier = following;
    }
    return out;
  }

  /** Strongly connected components of more than one file, and files that reference themselves (Tarjan, iterative). */
  cycles(): string[][] {
    const succ = (p: string): string[] => [...new Set((this.out.get(p) ?? []).filter((e) => !e.sidecar && e.to !== undefined && this.existing.has(e.to)).map((e) => e.to as string))];
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const out: string[][] = [];
    let counter = 0;
    for (const root of [...this.out.keys()].sort()) {
      if (index.has(root)) continue;
      const work: Array<{ node: string; succ: string[]; i: number }> = [];
      const enter = (node: string): void => {
        index.set(node, counter);
        low.set(node, counter);
        counter++;
        stack.push(node);
        onStack.add(node);
        work.push({ node, succ: succ(node), i: 0 });
      };
      enter(root);
      while (work.length > 0) {
        const top = work[work.length - 1] as { node: string; succ: string[]; i: number };
        if (top.i < top.succ.length) {
          const w = top.succ[top.i++] as string;
          if (!index.has(w)) enter(w);
          else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node) as number, index.get(w) as number));
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
        if (low.get(top.node) === index.get(top.node)) {
          const component: string[] = [];
          for (;;) {
            const w = stack.pop() as string;
            onStack.delete(w);
            component.push(w);
            if (w === top.node) break;
          }
          if (component.length > 1 || succ(top.node).includes(top.node)) out.push(component.sort());
        }
      }
    }
    return out.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
  }
}

export function edgeOf(from: string, r: Reference): RefEdge {
  const e: RefEdge = { from, target: r.target, kind: r.kind };
  if (r.resolved !== undefined) e.to = r.resolved;
  if (r.line !== undefined) e.line = r.line;
  if (r.unresolved !== undefined) e.unresolved = r.unresolved;
  if (r.sidecar) e.sidecar = true;
  return e;
}

/** Broken references, orphans, external references and cycles of a graph. */
export function analyzeGraph(graph: RefGraph): RefAnalysis {
  return new RefIndex(graph).analyze();
}

/** The files that use `asset`, transitively. */
export function whoUses(graph: RefGraph, asset: string): Array<{ path: string; depth: number; via?: string; cycle?: boolean }> {
  return new RefIndex(graph).whoUses(asset);
}

/** What `file` references, transitively. */
export function dependencies(graph: RefGraph, file: string): Array<{ path: string; depth: number; via?: string; missing?: boolean; cycle?: boolean }> {
  return new RefIndex(graph).dependencies(file);
}
