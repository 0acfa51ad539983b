/**
 * The feedback case of `bench/game.ts`:
 * - feedback-import: a project of 5 builds (5 snapshots, tagged build-1 … build-5) with a build map in
 *   strata-feedback.json, and a deterministic CSV of 100,000 feedback rows (--quick: 10,000; ~10 MB):
 *   quoted texts with commas and doubled quotes, ratings, platforms, build strings, player ids and email
 *   addresses (a personal column, dropped), times; every 1,000th row names a build the map does not know
 *   (unlinked), and 10 rows are malformed (a rating that is not a number, too few fields). Timed: `strata game feedback import feedback.csv --json`
 *   (the first import, one run: a second run is a re-import, which is timed too), then `strata game
 *   feedback report --json`. Checked: rows, new, unlinked and malformed counts as planted; the re-import
 *   adds nothing; the report has the 5 builds with their item counts. Target (issue 7): the import
 *   under 10 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRATA_BIN } from './context.js';
import type { ProcessRunner, RunResult } from './proc.js';
import type { TargetRow } from './porcelain-report.js';
import type { Report } from './report.js';
import { LineFile } from './line-file.js';

export const FEEDBACK_CASES = ['feedback-import'] as const;
export const FEEDBACK_IMPORT_LIMIT_S = 10;
const BUILDS = 5;
const MALFORMED = 10;

export interface FeedbackBenchResult {
  caseName: string;
  key: string;
  label: string;
  run: RunResult | null;
  runs: number;
  detail?: string;
  error?: string;
}

export interface FeedbackBenchContext {
  options: { quick: boolean; cases: readonly string[] };
  workDir: string;
  runner: ProcessRunner;
  report: Report;
  results: FeedbackBenchResult[];
  feedback?: { rows: number; added: number; unlinked: number; malformed: number; present: number; items: number };
}

function cli(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [STRATA_BIN, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`strata ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const PHRASES = ['the game crashes after the boss', 'love the art style', 'frame rate drops in the forest', 'please add a photo mode', 'controller "drift" on the left stick', 'the boss is too hard, honestly', 'music is great', 'stuck behind a wall', 'menu text too small', 'not fun, sorry'];

/** The planted CSV: `rows` rows (MALFORMED of them malformed), every 1,000th with an unknown build. */
async function writeFeedbackCsv(path: string, rows: number): Promise<{ unlinked: number; good: number }> {
  const out = new LineFile(path);
  await out.push('text,rating,platform,build,player,email,time');
  let unlinked = 0;
  const malformedEvery = Math.floor(rows / MALFORMED);
  for (let i = 0; i < rows; i++) {
    let line: string;
    // Malformed, one line each: a rating that is not a number, or too few fields.
    if (i % malformedEvery === malformedEvery - 1) line = i % 2 === 0 ? `"bad rating ${i}",five stars,pc,1.0.100,player-1,,2026-01-01T00:00:00Z` : `too few fields ${i},3,pc`;
    else {
      const text = `${PHRASES[i % PHRASES.length] as string}, report ${i}`.replace(/"/g, '""');
      const unknown = i % 1000 === 500;
      if (unknown) unlinked++;
      const build = unknown ? '9.9.9-dev' : `1.0.${100 + (i % BUILDS)}`;
      const t = Date.UTC(2026, 0, 1) + i * 60_000;
      line = `"${text}",${1 + (i % 5)},${['pc', 'switch', 'ps5'][i % 3] as string},${build},player-${i % 9973},p${i}@example.org,${new Date(t).toISOString()}`;
    }
    await out.push(line);
  }
  await out.close();
  return { unlinked, good: rows - MALFORMED };
}

interface ImportJson {
  rows: number;
  added: number;
  present: number;
  unlinkedCount: number;
  malformedCount: number;
}

export async function feedbackImport(ctx: FeedbackBenchContext): Promise<void> {
  const rows = ctx.options.quick ? 10_000 : 100_000;
  const dir = join(ctx.workDir, 'feedback');
  mkdirSync(dir, { recursive: true });
  cli(['init'], dir);
  const builds: Record<string, string> = {};
  for (let b = 0; b < BUILDS; b++) {
    writeFileSync(join(dir, 'game.txt'), `build ${b}\n`);
    cli(['snapshot', '-m', `build ${b + 1}`], dir);
    cli(['tag', `build-${b + 1}`], dir);
    builds[`1.0.${100 + b}`] = `build-${b + 1}`;
  }
  writeFileSync(join(dir, 'strata-feedback.json'), JSON.stringify({ builds }));
  const csv = join(ctx.workDir, 'feedback.csv');
  const planted = await writeFeedbackCsv(csv, rows);
  ctx.report.note('feedback-import', `${rows.toLocaleString('en-US')} CSV rows (${MALFORMED} malformed, ${planted.unlinked} with a build the map does not know) over ${BUILDS} builds linked through strata-feedback.json`);
  const repo = join(dir, '.strata');
  const label = `feedback import of ${rows.toLocaleString('en-US')} CSV rows`;
  const run = async (args: string[]): Promise<RunResult> => {
    spawnSync('sync');
    return ctx.runner.run(process.execPath, [STRATA_BIN, '--repo', repo, ...args], { captureStdout: true, check: false });
  };
  try {
    const first = await run(['game', 'feedback', 'import', csv, '--json']);
    if (first.exitCode !== 3) throw new Error(`import exited ${first.exitCode} (3 expected: malformed rows): ${first.stderr.slice(0, 500)}`);
    const r = JSON.parse(first.stdout.toString('utf8')) as ImportJson;
    if (r.rows !== rows || r.added !== planted.good || r.unlinkedCount !== planted.unlinked || r.malformedCount !== MALFORMED) {
      throw new Error(`import answered rows ${r.rows}, new ${r.added}, unlinked ${r.unlinkedCount}, malformed ${r.malformedCount}; planted ${rows}, ${planted.good}, ${planted.unlinked}, ${MALFORMED}`);
    }
    ctx.results.push({ caseName: 'feedback-import', key: 'feedback_import', label, run: first, runs: 1, detail: `${r.added} new, ${r.unlinkedCount} unlinked, ${r.malformedCount} malformed, as planted` });
    const again = await run(['game', 'feedback', 'import', csv, '--json']);
    const a = JSON.parse(again.stdout.toString('utf8')) as ImportJson;
    if (a.added !== 0 || a.present !== planted.good) throw new Error(`re-import added ${a.added}, found ${a.present} present (${planted.good} expected)`);
    ctx.results.push({ caseName: 'feedback-import', key: 'feedback_reimport', label: `feedback re-import of the same ${rows.toLocaleString('en-US')} rows`, run: again, runs: 1, detail: `${a.present} already present, nothing added` });
    const rep = await run(['game', 'feedback', 'report', '--json']);
    if (rep.exitCode !== 0) throw new Error(`report exited ${rep.exitCode}: ${rep.stderr.slice(0, 500)}`);
    const report = JSON.parse(rep.stdout.toString('utf8')) as { groups: Array<{ items: number }>; ungrouped: number };
    const items = report.groups.reduce((n, g) => n + g.items, 0);
    if (report.groups.length !== BUILDS || items + report.ungrouped !== planted.good) throw new Error(`report: ${report.groups.length} builds, ${items} items + ${report.ungrouped} ungrouped`);
    ctx.results.push({ caseName: 'feedback-import', key: 'feedback_report', label: `feedback report --by version over ${planted.good.toLocaleString('en-US')} items`, run: rep, runs: 1, detail: `${BUILDS} builds, ${items} linked items` });
    ctx.feedback = { rows, added: r.added, unlinked: r.unlinkedCount, malformed: r.malformedCount, present: a.present, items };
  } catch (err) {
    if (!ctx.results.some((x) => x.key === 'feedback_import')) ctx.results.push({ caseName: 'feedback-import', key: 'feedback_import', label, run: null, runs: 0, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

/** The target of the feedback case. */
export function feedbackTargets(ctx: FeedbackBenchContext): TargetRow[] {
  const r = ctx.results.find((x) => x.key === 'feedback_import');
  const row: TargetRow = { key: 'feedback_import_100k_s', label: 'feedback import of 100,000 CSV rows, wall', value: r?.run?.seconds ?? null, unit: 's', digits: 2, target: { comparison: 'below', limit: FEEDBACK_IMPORT_LIMIT_S } };
  const why = !ctx.options.cases.includes('feedback-import') ? 'case not run' : ctx.options.quick ? '--quick: targets apply to a full run' : r?.run ? undefined : `strata: ${r?.error ?? 'no result'}`;
  return [why === undefined ? row : { ...row, notApplicable: why }];
}

/** Adds the feedback case's counts to the report. */
export function addFeedbackMetrics(report: Report, ctx: FeedbackBenchContext): void {
  const f = ctx.feedback;
  if (f === undefined) return;
  const add = report.forCase('feedback-import');
  add('rows', 'CSV rows', f.rows, '', 0);
  add('added', 'items stored', f.added, '', 0);
  add('unlinked', 'items stored unlinked', f.unlinked, '', 0);
  add('malformed', 'malformed rows reported', f.malformed, '', 0);
  add('present', 're-import: items already present', f.present, '', 0);
}
