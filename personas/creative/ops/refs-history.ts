/**
 * `strata creative refs --history <asset>`: per version of a branch (oldest first), when a reference to
 * or from the asset appeared, changed, broke or was fixed. Uses each version's stored graph, and
 * computes the missing ones oldest first, each from the one before (only files whose content id
 * changed are read again), storing them for the next time.
 */
import { StrataError, log, type Repository } from '../../../porcelain/index.js';
import { refHistory, type HistoryPoint, type VersionGraph } from '../refs/history.js';
import type { RefGraph } from '../refs/graph.js';
import { graphPath, versionGraph } from './refs.js';

export interface RefsHistoryOptions {
  repo: Repository;
  /** The asset (root-relative path, in any version). */
  asset: string;
  /** The branch whose versions are walked (default: HEAD's). */
  branch?: string | undefined;
  /** At most this many versions, the newest (default: all). */
  limit?: number | undefined;
  lockWaitMs?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface RefsHistoryResult {
  asset: string;
  branch?: string;
  /** Versions walked. */
  versions: number;
  /** Graphs read from the repository, and computed now. */
  storedGraphs: number;
  computedGraphs: number;
  /** Files read for references while computing, and reused by content id. */
  filesRead: number;
  filesReused: number;
  /** Every version walked, oldest first, with its events (empty when nothing about the asset changed). */
  points: HistoryPoint[];
}

export async function refsHistory(options: RefsHistoryOptions): Promise<RefsHistoryResult> {
  const { repo } = options;
  const asset = graphPath(options.asset);
  const history = await log({ repo, ...(options.branch === undefined ? {} : { branch: options.branch }), ...(options.limit === undefined ? {} : { limit: options.limit }) });
  const entries = [...history.entries].reverse();
  const graphs: VersionGraph[] = [];
  let previous: RefGraph | undefined;
  let storedGraphs = 0;
  let computedGraphs = 0;
  let filesRead = 0;
  let filesReused = 0;
  for (const [i, e] of entries.entries()) {
    const loaded = await versionGraph({ repo, revision: e.id, reuse: previous, lockWaitMs: options.lockWaitMs });
    if (loaded.origin === 'stored') storedGraphs++;
    else computedGraphs++;
    filesRead += loaded.read;
    filesReused += loaded.reused;
    graphs.push({ version: e.id, time: e.time, name: e.name, graph: loaded.graph });
    previous = loaded.graph;
    options.onProgress?.(i + 1, entries.length);
  }
  if (!graphs.some((g) => g.graph.files.some((f) => f.path === asset))) {
    throw new StrataError('PATH_NOT_FOUND', `${asset} is in none of the ${graphs.length} versions of ${history.branch ?? 'the branch'}`, { hint: 'give the path from the project root, as `strata ls <version>` shows it' });
  }
  return {
    asset,
    ...(history.branch === undefined ? {} : { branch: history.branch }),
    versions: graphs.length,
    storedGraphs,
    computedGraphs,
    filesRead,
    filesReused,
    points: refHistory(graphs, asset),
  };
}
