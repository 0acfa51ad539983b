/**
 * The history of one asset's references over a sequence of versions (pure): when a reference to or
 * from it appeared, changed its target, broke (its target went missing), was fixed or was removed, and
 * when the asset itself was added, moved (same content at a new path: followed, as `git log --follow`
 * does) or deleted.
 */
import { RefIndex, type RefEdge, type RefGraph } from './graph.js';

export type RefChange = 'appeared' | 'removed' | 'changed' | 'broke' | 'fixed' | 'asset-added' | 'asset-moved' | 'asset-deleted';

export interface RefHistoryEvent {
  change: RefChange;
  /** `in`: a file referencing the asset; `out`: the asset referencing another file; `asset`: the asset itself. */
  direction: 'in' | 'out' | 'asset';
  /** The referring file (or the asset, for `asset` events). */
  from: string;
  /** The target as written now (before, for `removed`). */
  target?: string;
  /** The target as written in the previous version (`changed`, `fixed`, `broke` with a new target). */
  previousTarget?: string;
  /** The resolved path now (for `asset-moved`: the new path). */
  to?: string;
  kind?: string;
  line?: number;
  /** The reference is broken in this version. */
  broken?: boolean;
}

export interface HistoryPoint {
  version: string;
  time: number;
  name: string;
  /** Where the asset is in this version (absent: not in it). */
  assetPath?: string;
  events: RefHistoryEvent[];
}

export interface VersionGraph {
  version: string;
  time: number;
  name: string;
  graph: RefGraph;
}

/** The asset's path in each version (oldest first): anchored where `path` last exists, followed through moves by content id. */
export function trackAsset(versions: readonly VersionGraph[], path: string): Array<string | undefined> {
  const ids = versions.map((v) => new Map(v.graph.files.map((f) => [f.path, f.id])));
  const out: Array<string | undefined> = versions.map(() => undefined);
  let anchor = -1;
  for (let i = versions.length - 1; i >= 0; i--) {
    if ((ids[i] as Map<string, string | undefined>).has(path)) {
      anchor = i;
      break;
    }
  }
  if (anchor < 0) return out;
  out[anchor] = path;
  const follow = (from: number, to: number): void => {
    const known = out[from];
    if (known === undefined) return;
    const a = ids[from] as Map<string, string | undefined>;
    const b = ids[to] as Map<string, string | undefined>;
    if (b.has(known)) {
      out[to] = known;
      return;
    }
    const id = a.get(known);
    if (id === undefined) return;
    // Moved: the same content at a path that the other version does not have.
    const candidates = [...b].filter(([p, i]) => i === id && !a.has(p)).map(([p]) => p);
    if (candidates.length >= 1) out[to] = candidates.sort()[0];
  };
  for (let i = anchor - 1; i >= 0; i--) follow(i + 1, i);
  for (let i = anchor + 1; i < versions.length; i++) follow(i - 1, i);
  return out;
}

/** Pairs a file's references in two versions: equal ones first, then the rest by kind in order. */
function pairRefs(prev: RefEdge[], cur: RefEdge[]): Array<[RefEdge | undefined, RefEdge | undefined]> {
  const out: Array<[RefEdge | undefined, RefEdge | undefined]> = [];
  const left = [...prev];
  const right: Array<RefEdge | undefined> = [...cur];
  const rest: RefEdge[] = [];
  for (const p of left) {
    const j = right.findIndex((c) => c !== undefined && c.kind === p.kind && c.target === p.target);
    if (j >= 0) {
      out.push([p, right[j]]);
      right[j] = undefined;
    } else rest.push(p);
  }
  for (const p of rest) {
    const j = right.findIndex((c) => c !== undefined && c.kind === p.kind);
    if (j >= 0) {
      out.push([p, right[j]]);
      right[j] = undefined;
    } else out.push([p, undefined]);
  }
  for (const c of right) if (c !== undefined) out.push([undefined, c]);
  return out;
}

/** The history of an asset's references over `versions` (oldest first). */
export function refHistory(versions: readonly VersionGraph[], path: string): HistoryPoint[] {
  const assetPaths = trackAsset(versions, path);
  const known = new Set(assetPaths.filter((p): p is string => p !== undefined));
  known.add(path);
  const indexes = versions.map((v) => new RefIndex(v.graph));
  const points: HistoryPoint[] = [];
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i] as VersionGraph;
    const cur = indexes[i] as RefIndex;
    const prev = i > 0 ? indexes[i - 1] : undefined;
    const assetNow = assetPaths[i];
    const assetBefore = i > 0 ? assetPaths[i - 1] : undefined;
    const events: RefHistoryEvent[] = [];
    if (assetNow !== undefined && assetBefore === undefined) events.push({ change: 'asset-added', direction: 'asset', from: assetNow });
    else if (assetNow === undefined && assetBefore !== undefined) events.push({ change: 'asset-deleted', direction: 'asset', from: assetBefore });
    else if (assetNow !== undefined && assetBefore !== undefined && assetNow !== assetBefore) events.push({ change: 'asset-moved', direction: 'asset', from: assetBefore, to: assetNow });

    const relevant = (e: RefEdge, assetAt: string | undefined): boolean => !e.sidecar && ((e.to !== undefined && known.has(e.to)) || (assetAt !== undefined && e.from === assetAt));
    // Files with a reference that involves the asset, in either version.
    const files = new Set<string>();
    for (const [idx, at] of [[cur, assetNow], [prev, assetBefore]] as Array<[RefIndex | undefined, string | undefined]>) {
      if (!idx) continue;
      for (const [from, edges] of idx.out) if (edges.some((e) => relevant(e, at))) files.add(from);
    }
    for (const file of [...files].sort()) {
      // The asset's own references: matched across a move by following the asset.
      const prevFile = file === assetNow && assetBefore !== undefined ? assetBefore : file;
      const curEdges = (cur.out.get(file) ?? []).filter((e) => !e.sidecar);
      const prevEdges = prev ? (prev.out.get(prevFile) ?? []).filter((e) => !e.sidecar) : [];
      for (const [a, b] of pairRefs(prevEdges, curEdges)) {
        const aRel = a !== undefined && relevant(a, assetBefore);
        const bRel = b !== undefined && relevant(b, assetNow);
        if (!aRel && !bRel) continue;
        const direction = (b ?? a)?.from === (b ? assetNow : assetBefore) ? 'out' : 'in';
        if (!a && b) {
          events.push(eventOf('appeared', direction, b, cur.isBroken(b)));
          continue;
        }
        if (a && !b) {
          events.push({ ...eventOf('removed', direction, a, false), broken: undefined } as RefHistoryEvent);
          continue;
        }
        const before = a as RefEdge;
        const after = b as RefEdge;
        const wasBroken = (prev as RefIndex).isBroken(before);
        const isBroken = cur.isBroken(after);
        const changedTarget = before.target !== after.target;
        const change: RefChange | undefined = wasBroken && !isBroken ? 'fixed' : !wasBroken && isBroken ? 'broke' : changedTarget ? 'changed' : undefined;
        if (change === undefined) continue;
        const ev = eventOf(change, direction, after, isBroken);
        if (changedTarget) ev.previousTarget = before.target;
        events.push(ev);
      }
    }
    points.push({ version: v.version, time: v.time, name: v.name, ...(assetNow === undefined ? {} : { assetPath: assetNow }), events: events.map(clean) });
  }
  return points;
}

function eventOf(change: RefChange, direction: 'in' | 'out', e: RefEdge, broken: boolean): RefHistoryEvent {
  const ev: RefHistoryEvent = { change, direction, from: e.from, target: e.target, kind: e.kind };
  if (e.to !== undefined) ev.to = e.to;
  if (e.line !== undefined) ev.line = e.line;
  if (broken) ev.broken = true;
  return ev;
}

function clean(e: RefHistoryEvent): RefHistoryEvent {
  const out = { ...e };
  for (const k of Object.keys(out) as Array<keyof RefHistoryEvent>) if (out[k] === undefined) delete out[k];
  return out;
}
