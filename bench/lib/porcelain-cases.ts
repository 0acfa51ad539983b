/**
 * The porcelain benchmark's cases. Each runs one operation with every tool, one tool after the other
 * on the same data folder, and records one result per tool. A case that needs versions first (every
 * case after `first-snapshot`) takes the first snapshot with every tool, untimed, when it has not
 * been taken yet. A peer that fails is reported and left out of later cases; strata failing fails
 * the case. See bench/porcelain.ts for what is timed and how.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './context.js';
import type { PorcelainCase, PorcelainOptions, ToolName } from './porcelain-args.js';
import { applyEdits, checkRestoredTree, sameContent, type DataSet } from './porcelain-data.js';
import type { BenchTool } from './porcelain-tools.js';
import type { RunResult } from './proc.js';
import type { Report } from './report.js';

/** Timed runs per tool of the nothing-changed snapshot, and of the single-file restores. */
export const UNCHANGED_ROUNDS = 3;
export const SMALL_FILE_ROUNDS = 3;
export const LARGE_FILE_ROUNDS = 2;
/**
 * Time after the last write to the data folder before the next snapshot. strata does not remember
 * files whose mtime or ctime is within 2 s of a scan's start (a change in the same tick could go
 * unseen), and git re-hashes index entries as new as the index; waiting puts every tool on its
 * steady-state path, as a snapshot taken some time after the edits would be.
 */
export const SETTLE_MS = 2500;

/** One tool's figures for one case (its best run when the case repeats). */
export interface OpResult {
  op: PorcelainCase;
  tool: ToolName;
  /** Null when the tool could not run the case (see `error`). */
  run: RunResult | null;
  /** Logical bytes the operation covered (for MB/s). */
  bytes: number;
  /** Timed runs; `run` is the fastest. */
  runs: number;
  /** Repository bytes after the operation (snapshots only). */
  repoBytes?: number;
  /** Repository growth during the operation (the after-edit snapshot). */
  growthBytes?: number;
  /** What the tool reported about the run (strata: files read again), for the table. */
  detail?: string;
  error?: string;
}

export interface PorcelainContext {
  options: PorcelainOptions;
  workDir: string;
  report: Report;
  data: DataSet;
  tools: BenchTool[];
  results: OpResult[];
  /** Peers that failed (left out of later cases), with the reason. */
  broken: Map<ToolName, string>;
  /** Whether every tool has its first version, and whether the data set is edited. */
  state: { snapshotted: boolean; edited: boolean };
  /** When the data folder was last written (ms since the epoch). */
  lastWrite: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until SETTLE_MS have passed since the last write to the data folder. */
async function settle(ctx: PorcelainContext): Promise<void> {
  const wait = ctx.lastWrite + SETTLE_MS - Date.now();
  if (wait > 0) await sleep(wait);
}

/** Flushes dirty pages, so the previous command's writeback does not compete with the next one. */
function sync(): void {
  spawnSync('sync');
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] as string;
}

/** The fastest of `rounds` runs of `once` (a sync before each; only the child process is timed). */
async function bestOf(rounds: number, once: (round: number) => Promise<RunResult>): Promise<RunResult> {
  let best: RunResult | undefined;
  for (let round = 1; round <= rounds; round++) {
    sync();
    const run = await once(round);
    if (best === undefined || run.seconds < best.seconds) best = run;
  }
  return best as RunResult;
}

type Measured = Omit<OpResult, 'op' | 'tool'>;

/** The tool's remark on its last snapshot, as a result field. */
function detail(tool: BenchTool): { detail?: string } {
  return tool.lastDetail === undefined ? {} : { detail: tool.lastDetail };
}

/** Cases after which a tool that failed cannot take part any more (its versions are missing or stale). */
const SNAPSHOT_CASES: readonly PorcelainCase[] = ['first-snapshot', 'edited-snapshot'];

/**
 * Runs `body` for each tool and records its result. A tool whose snapshot failed is left out from
 * then on (a peer with a note); strata failing, or left out, fails the case after the peers ran.
 */
async function forEachTool(ctx: PorcelainContext, op: PorcelainCase, body: (tool: BenchTool) => Promise<Measured>): Promise<void> {
  let strataError: string | undefined;
  for (const tool of ctx.tools) {
    const broken = ctx.broken.get(tool.name);
    if (broken !== undefined) {
      ctx.results.push({ op, tool: tool.name, run: null, bytes: 0, runs: 0, error: broken });
      if (tool.name === 'strata') strataError = broken;
      continue;
    }
    try {
      const measured = await body(tool);
      ctx.results.push({ op, tool: tool.name, ...measured });
      if (measured.run !== null) {
        log(`${op}: ${tool.name} ${measured.run.seconds.toFixed(3)} s${measured.runs > 1 ? ` (best of ${measured.runs})` : ''}`);
      }
    } catch (err) {
      const text = message(err);
      ctx.results.push({ op, tool: tool.name, run: null, bytes: 0, runs: 0, error: text });
      log(`${op}: ${tool.name} FAILED: ${text}`);
      if (SNAPSHOT_CASES.includes(op)) ctx.broken.set(tool.name, `its ${op} failed`);
      if (tool.name === 'strata') strataError = text;
      else ctx.report.note(op, `${tool.name} FAILED${SNAPSHOT_CASES.includes(op) ? ' (left out from here on)' : ''}: ${text}`);
    }
  }
  if (strataError !== undefined) throw new Error(`strata: ${strataError}`);
}

/** Every tool: create its repository and record the first version. Timed (as a case) or not (a prerequisite). */
async function firstSnapshots(ctx: PorcelainContext, timed: boolean): Promise<void> {
  await settle(ctx);
  if (!timed) log('first snapshot with every tool (untimed: the selected cases need versions)');
  const record = async (tool: BenchTool): Promise<Measured> => {
    await tool.init();
    sync();
    const run = await tool.snapshot();
    return { run, bytes: ctx.data.bytes, runs: 1, repoBytes: tool.repoBytes(), ...detail(tool) };
  };
  // Taken once either way: a tool that failed it is left out of every later case (which strata fails).
  ctx.state.snapshotted = true;
  if (timed) return forEachTool(ctx, 'first-snapshot', record);
  for (const tool of ctx.tools) {
    try {
      await record(tool);
    } catch (err) {
      ctx.broken.set(tool.name, `its first snapshot (untimed) failed: ${message(err)}`);
      if (tool.name !== 'strata') ctx.report.note('bench', `${tool.name} FAILED its first snapshot (left out): ${message(err)}`);
    }
  }
}

async function ensureSnapshotted(ctx: PorcelainContext): Promise<void> {
  if (!ctx.state.snapshotted) await firstSnapshots(ctx, false);
}

export async function runFirstSnapshot(ctx: PorcelainContext): Promise<void> {
  if (ctx.state.snapshotted) throw new Error('the repositories already hold a version');
  await firstSnapshots(ctx, true);
}

export async function runUnchangedSnapshot(ctx: PorcelainContext): Promise<void> {
  await ensureSnapshotted(ctx);
  await settle(ctx);
  await forEachTool(ctx, 'unchanged-snapshot', async (tool) => {
    const run = await bestOf(UNCHANGED_ROUNDS, () => tool.snapshot());
    return { run, bytes: ctx.data.bytes, runs: UNCHANGED_ROUNDS, repoBytes: tool.repoBytes(), ...detail(tool) };
  });
}

export async function runEditedSnapshot(ctx: PorcelainContext): Promise<void> {
  await ensureSnapshotted(ctx);
  if (ctx.state.edited) throw new Error('the data set is already edited');
  const e = applyEdits(ctx.data);
  ctx.state.edited = true;
  ctx.lastWrite = Date.now();
  ctx.report.note(
    'edited-snapshot',
    `edits: ${e.editedFiles} source files changed, ${e.appendedBytes} bytes appended to ${e.appendedTo}, ` +
      `${e.insertedBytes} bytes inserted at the start of ${e.insertedInto}, ${e.renamed.from} (${e.renamed.files} files) renamed to ${e.renamed.to}`,
  );
  await settle(ctx);
  await forEachTool(ctx, 'edited-snapshot', async (tool) => {
    const before = tool.repoBytes();
    sync();
    const run = await tool.snapshot();
    const after = tool.repoBytes();
    return { run, bytes: ctx.data.bytes, runs: 1, repoBytes: after, growthBytes: after - before, ...detail(tool) };
  });
}

/** Notes (once per case) that strata cannot restore yet; its restore results are n/a, not failures. */
function restoreUnavailable(ctx: PorcelainContext, op: PorcelainCase, tool: BenchTool): Measured | undefined {
  if (tool.restoreUnavailable === undefined) return undefined;
  ctx.report.note(op, `${tool.name}: ${tool.restoreUnavailable}`);
  return { run: null, bytes: 0, runs: 0, error: tool.restoreUnavailable };
}

export async function runRestoreFull(ctx: PorcelainContext): Promise<void> {
  await ensureSnapshotted(ctx);
  await forEachTool(ctx, 'restore-full', async (tool) => {
    const unavailable = restoreUnavailable(ctx, 'restore-full', tool);
    if (unavailable) return unavailable;
    const target = join(ctx.workDir, `restore-full-${tool.name}`);
    sync();
    const run = await tool.restoreAll(target);
    const problem = checkRestoredTree(ctx.data, target);
    if (problem !== undefined) throw new Error(`the restored folder is wrong: ${problem}`);
    return { run, bytes: ctx.data.bytes, runs: 1 };
  });
}

/** The one regular file under `target` (or `target` itself when it is a file). */
function restoredFile(target: string): string {
  if (statSync(target).isFile()) return target;
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(path);
    }
  };
  walk(target);
  if (found.length !== 1) throw new Error(`expected one restored file under ${target}, found ${found.length}`);
  return found[0] as string;
}

/** Restores one file `rounds` times (after an untimed warm-up when `warmUp`), each into a new folder, and checks each copy. */
async function restoreOneFile(ctx: PorcelainContext, op: PorcelainCase, path: string, rounds: number, warmUp: boolean, removeAfter: boolean): Promise<void> {
  await ensureSnapshotted(ctx);
  const bytes = statSync(join(ctx.data.root, path)).size;
  await forEachTool(ctx, op, async (tool) => {
    const unavailable = restoreUnavailable(ctx, op, tool);
    if (unavailable) return unavailable;
    const once = async (label: string): Promise<RunResult> => {
      const target = join(ctx.workDir, `${op}-${tool.name}-${label}`);
      if (existsSync(target)) throw new Error(`${target} exists`);
      const run = await tool.restoreFile(path, target);
      if (!sameContent(join(ctx.data.root, path), restoredFile(target))) throw new Error(`the restored ${path} differs from the original`);
      // One large file is cheap to delete (unlike thousands of small ones) and saves the disk space.
      if (removeAfter) rmSync(target, { recursive: true, force: true });
      return run;
    };
    if (warmUp) await once('warm-up');
    const run = await bestOf(rounds, (round) => once(String(round)));
    return { run, bytes, runs: rounds };
  });
}

export function runRestoreSmall(ctx: PorcelainContext): Promise<void> {
  return restoreOneFile(ctx, 'restore-small', ctx.data.smallFile, SMALL_FILE_ROUNDS, true, false);
}

export function runRestoreLarge(ctx: PorcelainContext): Promise<void> {
  return restoreOneFile(ctx, 'restore-large', ctx.data.largeFile, LARGE_FILE_ROUNDS, false, true);
}

export const CASE_RUNNERS: Record<PorcelainCase, (ctx: PorcelainContext) => Promise<void>> = {
  'first-snapshot': runFirstSnapshot,
  'unchanged-snapshot': runUnchangedSnapshot,
  'edited-snapshot': runEditedSnapshot,
  'restore-full': runRestoreFull,
  'restore-small': runRestoreSmall,
  'restore-large': runRestoreLarge,
};
