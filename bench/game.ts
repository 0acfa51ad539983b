/**
 * Benchmark of the game persona's commands (`strata game …`): `npm run bench:game` (after
 * `npm run build`).
 *
 *   node dist/bench/game.js [--quick] [--only <case>,...] [--keep]
 *
 * Cases (`--only`):
 * - platforms-history: a platforms project (strata-platforms.json; config/base.json, a YAML console
 *   layer, a TOML Switch layer, an INI PC layer; 300 asset files that never change) in 1,000 versions
 *   on `main`, built through the plumbing library (bench/lib/game-history-project.ts; untimed, a few
 *   seconds, instead of ~190 s of `strata snapshot`). The Switch's `graphics.fps` changes every 10
 *   versions; other layer files of the Switch's stack change every 3rd, 5th and 7th version (so many
 *   versions must be evaluated again without the key changing), the PC layer every 4th, and a notes
 *   file in every version. Timed: `strata game platforms history switch graphics.fps --json` (best of
 *   3). Checked, each run: every version walked; exactly the planted changes (100 at full size: the
 *   first value and 99 changes), newest first, each with its version id, value, value before and
 *   `config/switch.toml` line 4 as its origin. Target (issue 6): under 3 s at full size.
 * - playtest-analyze, playtest-load: see bench/lib/game-playtest.ts (analyze of a 1,000,000-event
 *   session, target under 10 s; the playtest server under 20 clients × 250 events/s for 60 s, target
 *   none lost).
 * - feedback-import: see bench/lib/game-feedback.ts (import of 100,000 CSV feedback rows linked through a
 *   build map, target under 10 s; the re-import and a report timed too).
 * `--quick`: 100 versions (10 changes); smaller playtest load; the targets then read n/a.
 *
 * What is timed, and how: the built CLI (`node dist/bin/strata.js --repo <project>/.strata …`) as a
 * child process, from spawn to exit, start-up included (about 0.1-0.2 s), with CPU time and peak RSS
 * from GNU time (bench/lib/proc.ts). `sync` runs before every timed command; the repository was just
 * written, so it is in the page cache. Output: a table of the timed commands, the target with
 * PASS/MISS, the notes, and one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, megabytes, STRATA_BIN } from './lib/context.js';
import { addFeedbackMetrics, feedbackImport, feedbackTargets, FEEDBACK_CASES, type FeedbackBenchContext } from './lib/game-feedback.js';
import { buildHistoryProject, type HistoryProject } from './lib/game-history-project.js';
import { addPlaytestMetrics, playtestAnalyze, playtestLoad, playtestTargets, PLAYTEST_CASES, type PlaytestBenchContext } from './lib/game-playtest.js';
import { renderTargets, type TargetRow } from './lib/porcelain-report.js';
import { fastest, ProcessRunner, type RunResult } from './lib/proc.js';
import { Report, renderGrid, renderJson } from './lib/report.js';
import { cleanupOnExit, noteLoad, parseOrExit, renderNotes, runCases, runContext } from './lib/session.js';

const GAME_CASES = ['platforms-history', ...PLAYTEST_CASES, ...FEEDBACK_CASES] as const;
type GameCase = (typeof GAME_CASES)[number];

interface GameOptions {
  quick: boolean;
  cases: GameCase[];
  keep: boolean;
}

interface GameSizes {
  /** Versions on `main`. */
  versions: number;
  /** The timed key changes every this many versions. */
  fpsEvery: number;
  /** Files that never change. */
  otherFiles: number;
}

const FULL_SIZES: GameSizes = { versions: 1000, fpsEvery: 10, otherFiles: 300 };
const QUICK_SIZES: GameSizes = { versions: 100, fpsEvery: 10, otherFiles: 300 };
const HISTORY_LIMIT_S = 3;
const HISTORY_RUNS = 3;

const USAGE = `usage: node dist/bench/game.js [--quick] [--only <case>[,<case>...]] [--keep]
  --quick  ${QUICK_SIZES.versions} versions instead of ${FULL_SIZES.versions}; targets do not apply
  --only   run these cases
  --keep   keep the temp folder
cases: ${GAME_CASES.join(', ')}`;

function parseGameArgs(argv: readonly string[]): GameOptions {
  let quick = false;
  let keep = false;
  const only = new Set<GameCase>();
  const parseCases = (value: string | undefined): void => {
    if (value === undefined || value === '' || value.startsWith('--')) throw new Error(`--only needs a value\n${USAGE}`);
    for (const raw of value.split(',')) {
      const name = raw.trim();
      if (!(GAME_CASES as readonly string[]).includes(name)) throw new Error(`--only: unknown case "${name}"\n${USAGE}`);
      only.add(name as GameCase);
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const [name, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (name === '--quick' && inline === undefined) quick = true;
    else if (name === '--keep' && inline === undefined) keep = true;
    else if (name === '--only') parseCases(inline !== undefined ? inline : argv[++i]);
    else if (name === '--help' || name === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return { quick, cases: only.size === 0 ? [...GAME_CASES] : GAME_CASES.filter((c) => only.has(c)), keep };
}

interface GameResult {
  caseName: GameCase;
  key: string;
  label: string;
  run: RunResult | null;
  runs: number;
  peakRssMaxBytes?: number | null;
  detail?: string;
  error?: string;
}

interface GameContext {
  options: GameOptions;
  sizes: GameSizes;
  workDir: string;
  runner: ProcessRunner;
  report: Report;
  results: GameResult[];
  /** Seconds to build the history through the library (untimed setup). */
  buildSeconds?: number;
  /** Changes the history reported, and the versions it walked and evaluated (last run). */
  found?: { changes: number; versions: number; evaluated: number };
  planted?: number;
  feedback?: FeedbackBenchContext['feedback'];
  playtest?: PlaytestBenchContext['playtest'];
}

interface HistoryJson {
  platform: string;
  key: string;
  versions: number;
  evaluated: number;
  entries: Array<{ state: string; version: string; value?: unknown; before?: unknown; file?: string; line?: number; changedFiles: string[] }>;
}

/** Throws unless `out` is exactly the planted history, newest first. */
function checkHistory(out: HistoryJson, project: HistoryProject): void {
  const want = [...project.changes].reverse();
  if (out.platform !== project.platform || out.key !== project.key) throw new Error(`history answered for ${out.platform} ${out.key}, not ${project.platform} ${project.key}`);
  if (out.versions !== project.versions.length) throw new Error(`history walked ${out.versions} versions, not ${project.versions.length}`);
  if (out.entries.length !== want.length) throw new Error(`history found ${out.entries.length} changes, ${want.length} were planted`);
  out.entries.forEach((e, n) => {
    const w = want[n] as (typeof want)[number];
    const problem =
      e.version !== w.version ? `version ${e.version.slice(0, 12)}, expected ${w.version.slice(0, 12)} (build ${w.index})`
      : e.state !== 'set' || e.value !== w.value ? `value ${JSON.stringify(e.value)} (${e.state}), expected ${w.value}`
      : e.before !== w.before ? `value before ${JSON.stringify(e.before)}, expected ${JSON.stringify(w.before)}`
      : e.file !== project.file || e.line !== project.line ? `origin ${e.file}:${e.line}, expected ${project.file}:${project.line}`
      : !e.changedFiles.includes(project.file) ? `changed files ${e.changedFiles.join(', ')} lack ${project.file}`
      : undefined;
    if (problem !== undefined) throw new Error(`history entry ${n} (newest first): ${problem}`);
  });
}

async function platformsHistory(ctx: GameContext): Promise<void> {
  const { sizes, runner, report } = ctx;
  const dir = join(ctx.workDir, 'history');
  mkdirSync(dir);
  const start = process.hrtime.bigint();
  const project = await buildHistoryProject({ dir, versions: sizes.versions, fpsEvery: sizes.fpsEvery, otherFiles: sizes.otherFiles });
  ctx.buildSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  ctx.planted = project.changes.length;
  report.note('platforms-history', `${sizes.versions} versions of ${project.files} files written through the plumbing library in ${ctx.buildSeconds.toFixed(1)} s (untimed); ${project.key} of ${project.platform} changes every ${sizes.fpsEvery} versions: ${project.changes.length} changes planted (the first value included)`);
  const label = `history ${project.platform} ${project.key}, ${sizes.versions} versions`;
  const runs: RunResult[] = [];
  try {
    for (let i = 0; i < HISTORY_RUNS; i++) {
      spawnSync('sync');
      const r = await runner.run(process.execPath, [STRATA_BIN, '--repo', project.repoRoot, 'game', 'platforms', 'history', project.platform, project.key, '--json'], { captureStdout: true });
      const out = JSON.parse(r.stdout.toString('utf8')) as HistoryJson;
      checkHistory(out, project);
      ctx.found = { changes: out.entries.length, versions: out.versions, evaluated: out.evaluated };
      runs.push(r);
    }
  } catch (err) {
    ctx.results.push({ caseName: 'platforms-history', key: 'history', label, run: null, runs: runs.length, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  const peaks = runs.map((r) => r.peakRssBytes).filter((v): v is number => v !== null);
  const found = ctx.found as NonNullable<GameContext['found']>;
  ctx.results.push({
    caseName: 'platforms-history',
    key: 'history',
    label,
    run: fastest(runs),
    runs: runs.length,
    peakRssMaxBytes: peaks.length === 0 ? null : Math.max(...peaks),
    detail: `${found.changes} changes, as planted; ${found.evaluated} of ${found.versions} versions evaluated`,
  });
}

const CASE_RUNNERS: Record<GameCase, (ctx: GameContext) => Promise<void>> = { 'platforms-history': platformsHistory, 'playtest-analyze': playtestAnalyze, 'playtest-load': playtestLoad, 'feedback-import': feedbackImport };

const fixed = (value: number | null | undefined, digits: number): string => (value === null || value === undefined || !Number.isFinite(value) ? '' : value.toFixed(digits));

function renderResults(ctx: GameContext): string {
  const header = ['case', 'command', 'seconds', 'CPU s', 'peak RSS MB', 'runs', 'note'];
  const rows = ctx.results.map((r) =>
    r.run === null
      ? [r.caseName, r.label, 'n/a', '', '', '', `FAILED: ${r.error ?? 'not run'}`]
      : [r.caseName, r.label, r.run.seconds.toFixed(3), fixed(r.run.cpuSeconds, 2), fixed(megabytes(r.run.peakRssBytes), 0), r.runs > 1 ? `best of ${r.runs}` : '1', r.detail ?? ''],
  );
  return renderGrid(header, rows, [false, false, true, true, true, false, false]);
}

function evaluateTargets(ctx: GameContext): TargetRow[] {
  const r = ctx.results.find((x) => x.key === 'history');
  let why: string | undefined;
  if (!ctx.options.cases.includes('platforms-history')) why = 'case not run';
  else if (!r?.run) why = `strata: ${r?.error ?? 'no result'}`;
  else if (ctx.options.quick) why = '--quick: targets apply to a full run';
  const row: TargetRow = { key: 'history_1000_s', label: `history of a key across ${FULL_SIZES.versions.toLocaleString('en-US')} versions, wall`, value: r?.run?.seconds ?? null, unit: 's', digits: 3, target: { comparison: 'below', limit: HISTORY_LIMIT_S } };
  return [why === undefined ? row : { ...row, notApplicable: why }, ...playtestTargets(ctx), ...feedbackTargets(ctx)];
}

function addMetrics(report: Report, ctx: GameContext, targets: TargetRow[]): void {
  for (const r of ctx.results) {
    const add = report.forCase(r.caseName);
    add(`strata_${r.key}_s`, `${r.label}: wall time`, r.run?.seconds ?? null, 's', 3);
    add(`strata_${r.key}_cpu_s`, `${r.label}: CPU time`, r.run?.cpuSeconds ?? null, 's', 2);
    add(`strata_${r.key}_peak_rss_mb`, `${r.label}: peak RSS`, megabytes(r.run?.peakRssBytes ?? null), 'MB', 0);
    add(`strata_${r.key}_peak_rss_max_mb`, `${r.label}: highest peak RSS of its runs`, megabytes(r.peakRssMaxBytes ?? null), 'MB', 0);
  }
  if (ctx.found) {
    const add = report.forCase('platforms-history');
    add('changes', 'changes reported', ctx.found.changes, '', 0);
    add('evaluated', 'versions evaluated', ctx.found.evaluated, '', 0);
  }
  addPlaytestMetrics(report, ctx);
  addFeedbackMetrics(report, ctx);
  if (ctx.buildSeconds !== undefined) report.forCase('platforms-history')('build_s', 'history built through the library', ctx.buildSeconds, 's', 2);
  const add = report.forCase('targets');
  for (const t of targets) add(t.key, t.label, t.value, t.unit, t.digits, t.notApplicable === undefined ? t.target : undefined);
}

async function main(): Promise<void> {
  const options = parseOrExit(() => parseGameArgs(process.argv.slice(2)));
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const workDir = mkdtempSync(join(tmpdir(), 'strata-bench-game-'));
  cleanupOnExit(workDir, options.keep);
  const runner = new ProcessRunner(workDir);
  const report = new Report();
  log(`temp folder ${workDir}; peak RSS via ${runner.rssMethod}; ${options.quick ? 'quick' : 'full'} run; cases: ${options.cases.join(', ')}`);
  const loadStart = loadavg()[0] ?? 0;
  noteLoad(report, 'at the start', loadStart);
  const ctx: GameContext = { options, sizes, workDir, runner, report, results: [] };

  const start = process.hrtime.bigint();
  const failures = await runCases(options.cases, CASE_RUNNERS, ctx, log);
  const totalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const loadEnd = loadavg()[0] ?? 0;
  noteLoad(report, 'at the end', loadEnd);
  if (options.keep) report.note('bench', `temp folder kept: ${workDir}`);

  const targets = evaluateTargets(ctx);
  process.stdout.write(`\nstrata game benchmark, ${options.quick ? '--quick' : 'full'} run, ${totalSeconds.toFixed(0)} s\n\n`);
  process.stdout.write(`${renderResults(ctx)}\n\n`);
  process.stdout.write(`${renderTargets(targets)}\n\n`);
  process.stdout.write(renderNotes(report));
  addMetrics(report, ctx, targets);
  const context = {
    quick: options.quick,
    targetsApply: !options.quick,
    versions: sizes.versions,
    fpsEvery: sizes.fpsEvery,
    otherFiles: sizes.otherFiles,
    planted: ctx.planted ?? 0,
    ...runContext(runner.rssMethod, { totalSeconds, loadStart, loadEnd, failures }),
  };
  process.stdout.write(`${renderJson(report, context, 'game')}\n`);
  if (failures > 0) process.exitCode = 1;
}

await main();
