/**
 * `strata game playtest …` as library functions: record a session (a JSONL file or a stream), import
 * a SuperTuxKart replay, list, show, analyze (with a heatmap), replay, compare two builds, export.
 */
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { StrataError, isStrataError, type Repository } from '../../../porcelain/index.js';
import { resolveVersionRef } from '../core/version-ref.js';
import { PlaytestAnalyzer, type AnalysisResult } from '../playtest/analysis.js';
import { serializeEvent, type EventProblem, type PlaytestEvent } from '../playtest/events.js';
import { HeatmapGrid, renderHeatmapPng } from '../playtest/heatmap.js';
import type { Bounds } from '../playtest/ingest.js';
import { numberedLines, type NumberedLine } from '../playtest/lines.js';
import { comparePlaytestBuilds, type BuildSample, type PlaytestComparison } from '../playtest/compare.js';
import { parseStkReplay } from '../playtest/stk-replay.js';
import { findSession, loadSessionEntries, loadSessions, sessionEvents, storeSession, type PlaytestSession, type PlaytestSourceKind } from './playtest-store.js';

async function fileLines(path: string): Promise<AsyncIterable<NumberedLine[]>> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new StrataError('INVALID_ARGUMENT', `${path} is not a file`);
  } catch (err) {
    if (isStrataError(err)) throw err;
    throw new StrataError('FILE_NOT_FOUND', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  return numberedLines(createReadStream(path, { highWaterMark: 1 << 20 }));
}

export interface RecordPlaytestOptions {
  repo: Repository;
  /** The build: a version id or prefix, tag, branch or milestone name. */
  version: string;
  player?: string;
  /** A JSONL file; or give `input`. */
  path?: string;
  /** The events as a byte stream (stdin); used when `path` is not given. */
  input?: AsyncIterable<Uint8Array>;
  /** Events re-sorted within this many (default 65,536). */
  reorderWindow?: number;
  /** Each line that is not an event, as it is found. */
  onProblem?: (p: EventProblem) => void;
}

export interface RecordPlaytestResult {
  session: PlaytestSession;
  /** How the build reference was read. */
  versionRef: { ref: string; via: 'milestone' | 'revision'; milestone?: string };
}

/** Stores one session; the build is resolved before anything is read or stored. */
export async function recordPlaytest(options: RecordPlaytestOptions): Promise<RecordPlaytestResult> {
  const { repo } = options;
  const build = await resolveVersionRef({ repo, ref: options.version });
  let lines: AsyncIterable<NumberedLine[]>;
  let source: { kind: PlaytestSourceKind; name?: string };
  if (options.path !== undefined) {
    lines = await fileLines(options.path);
    source = { kind: 'file', name: basename(options.path) };
  } else if (options.input !== undefined) {
    lines = numberedLines(options.input);
    source = { kind: 'stdin' };
  } else throw new StrataError('INVALID_ARGUMENT', 'give a session file or an input stream');
  const session = await storeSession({
    repo,
    version: build.id,
    ...(options.player === undefined ? {} : { player: options.player }),
    source,
    lines,
    ...(options.reorderWindow === undefined ? {} : { reorderWindow: options.reorderWindow }),
    ...(options.onProblem === undefined ? {} : { onProblem: options.onProblem }),
  });
  return { session, versionRef: { ref: build.ref, via: build.via, ...(build.milestone === undefined ? {} : { milestone: build.milestone }) } };
}

export interface ImportPlaytestOptions {
  repo: Repository;
  version: string;
  /** A SuperTuxKart `.replay` file. */
  path: string;
  /** Default: the replay's player name (or its kart). */
  player?: string;
}

/** Imports a SuperTuxKart replay as a session of the build (REPLAY_INVALID when it is not one). */
export async function importPlaytest(options: ImportPlaytestOptions): Promise<RecordPlaytestResult & { problems: EventProblem[] }> {
  const { repo } = options;
  const build = await resolveVersionRef({ repo, ref: options.version });
  let text: string;
  try {
    text = await readFile(options.path, 'utf8');
  } catch (err) {
    throw new StrataError('FILE_NOT_FOUND', `cannot read ${options.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  const replay = parseStkReplay(text);
  if ('error' in replay) throw new StrataError('REPLAY_INVALID', `${options.path}: ${replay.error}`);
  const frames = replay.frames.reduce((s, n) => s + n, 0);
  if (frames === 0) throw new StrataError('REPLAY_INVALID', `${options.path}: no frame could be read${replay.problems[0] ? ` (line ${replay.problems[0].line}: ${replay.problems[0].message})` : ''}`);
  async function* lines(): AsyncGenerator<NumberedLine[]> {
    const block: NumberedLine[] = [];
    let n = 0;
    for (const e of (replay as Exclude<typeof replay, { error: string }>).events) {
      block.push({ line: ++n, text: serializeEvent(e) });
      if (block.length >= 4096) yield block.splice(0);
    }
    if (block.length > 0) yield block;
  }
  const player = options.player ?? (replay.karts[0]!.player || replay.karts[0]!.ident);
  const session = await storeSession({
    repo,
    version: build.id,
    player,
    source: { kind: 'supertuxkart-replay', name: basename(options.path) },
    info: { track: replay.track, mode: replay.mode, difficulty: replay.difficulty, laps: replay.laps, kart: replay.karts[0]!.ident, karts: replay.karts.length, min_time_s: replay.minTime, stk_version: replay.stkVersion, replay_version: replay.version, frames },
    lines: lines(),
  });
  return { session, versionRef: { ref: build.ref, via: build.via, ...(build.milestone === undefined ? {} : { milestone: build.milestone }) }, problems: replay.problems };
}

export interface ListPlaytestsOptions {
  repo: Repository;
  /** Only this build's sessions (any version reference). */
  version?: string;
}

export async function listPlaytests(options: ListPlaytestsOptions): Promise<{ sessions: PlaytestSession[]; version?: string }> {
  const { repo } = options;
  const version = options.version === undefined ? undefined : (await resolveVersionRef({ repo, ref: options.version })).id;
  return { sessions: await loadSessions(repo, version), ...(version === undefined ? {} : { version }) };
}

export async function showPlaytest(options: { repo: Repository; session: string }): Promise<PlaytestSession> {
  return (await findSession(options.repo, options.session)).session;
}

export interface HeatmapOptions {
  /** Where to write the PNG. */
  out: string;
  /** A level image to draw over (bytes of any format sharp reads). */
  background?: Buffer;
  /** World bounds the image covers (default: the positions' bounds; give the level image's). */
  bounds?: Bounds;
  /** Longer side, pixels (default 512). */
  size?: number;
  /** Pixels per cell (default 4). */
  cell?: number;
}

export interface HeatmapResult {
  path: string;
  width: number;
  height: number;
  bounds: Bounds;
  positions: number;
  /** Positions outside the bounds (not drawn). */
  outside: number;
  cells: number;
  peak: number;
}

export interface AnalyzePlaytestOptions {
  repo: Repository;
  /** One session (id or prefix)… */
  session?: string;
  /** …or every session of a build (any version reference). */
  version?: string;
  heatmap?: HeatmapOptions;
}

export interface AnalyzePlaytestResult extends AnalysisResult {
  /** The sessions analysed (ids). */
  sessionIds: string[];
  version?: string;
  heatmap?: HeatmapResult;
}

async function sessionsFor(repo: Repository, opts: { session?: string; version?: string }): Promise<{ sessions: { session: PlaytestSession; events: Parameters<typeof sessionEvents>[1] }[]; version?: string }> {
  if ((opts.session === undefined) === (opts.version === undefined)) throw new StrataError('INVALID_ARGUMENT', 'give either a session or a version');
  if (opts.session !== undefined) return { sessions: [await findSession(repo, opts.session)] };
  const build = await resolveVersionRef({ repo, ref: opts.version as string });
  // Oldest first, so per-session figures read in recording order.
  const sessions = (await loadSessionEntries(repo, build.id)).reverse();
  if (sessions.length === 0) throw new StrataError('NO_SESSIONS', `no playtest sessions of ${opts.version} (${build.id.slice(0, 12)})`, { hint: 'record one with `strata game playtest record --version …`', data: { version: build.id } });
  return { sessions, version: build.id };
}

function unionBounds(sessions: PlaytestSession[]): Bounds | null {
  let b: Bounds | null = null;
  for (const s of sessions) {
    const o = s.summary.bounds;
    if (o === null) continue;
    b = b === null ? { ...o } : { minX: Math.min(b.minX, o.minX), minY: Math.min(b.minY, o.minY), maxX: Math.max(b.maxX, o.maxX), maxY: Math.max(b.maxY, o.maxY) };
  }
  return b;
}

/** Feeds sessions' events to an analyzer, one session at a time. */
async function analyzeInto(repo: Repository, analyzer: PlaytestAnalyzer, sessions: { events: Parameters<typeof sessionEvents>[1] }[]): Promise<void> {
  for (const s of sessions) {
    analyzer.beginSession();
    for await (const block of sessionEvents(repo, s.events)) for (const e of block) analyzer.add(e);
    analyzer.endSession();
  }
}

async function writeAtomic(path: string, data: Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new StrataError('IO_ERROR', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Analyses one session or every session of a build; writes the heatmap PNG when asked. */
export async function analyzePlaytest(options: AnalyzePlaytestOptions): Promise<AnalyzePlaytestResult> {
  const { repo } = options;
  const { sessions, version } = await sessionsFor(repo, options);
  let grid: HeatmapGrid | undefined;
  const hm = options.heatmap;
  if (hm !== undefined) {
    const bounds = hm.bounds ?? unionBounds(sessions.map((s) => s.session));
    if (bounds === null) throw new StrataError('INVALID_ARGUMENT', 'no event of these sessions has a position: there is no heatmap to draw');
    if (!(bounds.maxX > bounds.minX || bounds.maxY > bounds.minY) && hm.bounds !== undefined) throw new StrataError('INVALID_ARGUMENT', '--bounds must be minX,minY,maxX,maxY with max > min');
    grid = new HeatmapGrid({ bounds, ...(hm.size === undefined ? {} : { size: hm.size }), ...(hm.cell === undefined ? {} : { cell: hm.cell }) });
  }
  const analyzer = new PlaytestAnalyzer(grid);
  await analyzeInto(repo, analyzer, sessions);
  const result: AnalyzePlaytestResult = { ...analyzer.result(), sessionIds: sessions.map((s) => s.session.id), ...(version === undefined ? {} : { version }) };
  if (grid !== undefined && hm !== undefined) {
    let png: Buffer;
    try {
      png = await renderHeatmapPng(grid, hm.background === undefined ? {} : { background: hm.background });
    } catch (err) {
      if (isStrataError(err)) throw err;
      throw new StrataError('ASSET_UNSUPPORTED', `the background image cannot be read: ${(err as Error).message}`, { cause: err });
    }
    await writeAtomic(hm.out, png);
    result.heatmap = { path: hm.out, width: grid.width, height: grid.height, bounds: grid.bounds, positions: grid.total, outside: grid.outside, cells: grid.filledCells(), peak: grid.peak() };
  }
  return result;
}

export interface ReplayPlaytestOptions {
  repo: Repository;
  session: string;
  /** Pace: 1 real time, 2 twice as fast; 0 as fast as possible. */
  speed?: number;
  /** Start this many ms into the session (events before are skipped). */
  fromMs?: number;
  /** Each event, with its offset from the session's start (ms). */
  onEvent: (event: PlaytestEvent, offsetMs: number) => void | Promise<void>;
  /** Waits (injected so tests need not). Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Monotonic ms (injected). Default: performance.now. */
  now?: () => number;
}

/**
 * Plays a session's events back in stored (time) order, each when its time comes at the given
 * speed, measured from the replay's start so waits do not drift.
 */
export async function replayPlaytest(options: ReplayPlaytestOptions): Promise<{ session: string; events: number; skipped: number; durationMs: number }> {
  const speed = options.speed ?? 1;
  if (!(speed >= 0) || !Number.isFinite(speed)) throw new StrataError('INVALID_ARGUMENT', `--speed must be a non-negative number (0: no waiting), not ${speed}`);
  const from = options.fromMs ?? 0;
  if (!(from >= 0)) throw new StrataError('INVALID_ARGUMENT', '--from must not be negative');
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? (() => performance.now());
  const { session, events } = await findSession(options.repo, options.session);
  const t0 = session.summary.startT ?? 0;
  const started = now();
  let played = 0;
  let skipped = 0;
  for await (const block of sessionEvents(options.repo, events)) {
    for (const e of block) {
      const offset = e.t - t0;
      if (offset < from) {
        skipped++;
        continue;
      }
      if (speed > 0) {
        const due = (offset - from) / speed - (now() - started);
        if (due > 0) await sleep(due);
      }
      await options.onEvent(e, offset);
      played++;
    }
  }
  return { session: session.id, events: played, skipped, durationMs: Math.max(0, session.summary.durationMs - from) };
}

export interface ComparePlaytestsOptions {
  repo: Repository;
  /** The earlier build (any version reference). */
  a: string;
  /** The later build. */
  b: string;
}

/** Compares two builds' sessions: completion rate, session length, deaths per level, fps (see compare.ts for the tests). */
export async function comparePlaytests(options: ComparePlaytestsOptions): Promise<PlaytestComparison> {
  const { repo } = options;
  const sample = async (ref: string): Promise<BuildSample> => {
    const { sessions, version } = await sessionsFor(repo, { version: ref });
    const analyzer = new PlaytestAnalyzer();
    await analyzeInto(repo, analyzer, sessions);
    return { ref, version: version as string, analysis: analyzer.result(), fps: analyzer.fps };
  };
  const a = await sample(options.a);
  const b = await sample(options.b);
  return comparePlaytestBuilds(a, b);
}

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const CSV_COLUMNS = ['t', 'offset_ms', 'type', 'level', 'x', 'y', 'z', 'health', 'fps', 'frame_ms', 'data'] as const;

function csvField(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes a session's events as JSONL (the stored lines) or CSV (a header, then one row per event). */
export async function exportPlaytest(options: { repo: Repository; session: string; format: ExportFormat; write: (text: string) => void | Promise<void> }): Promise<{ session: string; format: ExportFormat; events: number }> {
  const { session, events } = await findSession(options.repo, options.session);
  const t0 = session.summary.startT ?? 0;
  let n = 0;
  if (options.format === 'csv') await options.write(`${CSV_COLUMNS.join(',')}\n`);
  for await (const block of sessionEvents(options.repo, events)) {
    const text =
      options.format === 'jsonl'
        ? block.map((e) => `${serializeEvent(e)}\n`).join('')
        : block.map((e) => `${[e.t, e.t - t0, e.type, e.level, e.x, e.y, e.z, e.health, e.fps, e.frame_ms, e.data].map(csvField).join(',')}\n`).join('');
    n += block.length;
    if (text !== '') await options.write(text);
  }
  return { session: session.id, format: options.format, events: n };
}
