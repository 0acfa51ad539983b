/**
 * The porcelain benchmark's output: a table of every tool's figures per case, the ratios strata /
 * peer, the targets with PASS/MISS, and every number in the JSON line. Targets apply only to
 * a full-scale run (`--scale 1`) and only when the peer they compare with ran; otherwise they are n/a.
 */
import { megabytes } from './context.js';
import { MIB } from './data.js';
import type { PorcelainCase, ToolName } from './porcelain-args.js';
import { LARGE_FILE_ROUNDS, SMALL_FILE_ROUNDS, UNCHANGED_ROUNDS, type OpResult, type PorcelainContext } from './porcelain-cases.js';
import { formatTarget, renderGrid, type Report, type Target } from './report.js';

/** Strata's peak RSS limit over every command it runs, MB. */
export const RSS_LIMIT_MB = 250;

function caseLabel(op: PorcelainCase, ctx: PorcelainContext): string {
  switch (op) {
    case 'first-snapshot':
      return 'first snapshot';
    case 'unchanged-snapshot':
      return `snapshot, nothing changed (best of ${UNCHANGED_ROUNDS})`;
    case 'edited-snapshot':
      return 'snapshot after the edits';
    case 'restore-full':
      return 'full restore';
    case 'restore-small':
      return `restore one small file (best of ${SMALL_FILE_ROUNDS})`;
    case 'restore-large':
      return `restore one ${Number(((ctx.data.binaries[0]?.size ?? 0) / MIB).toFixed(2))} MiB file (best of ${LARGE_FILE_ROUNDS})`;
  }
}

const fixed = (value: number | null | undefined, digits: number, unit = ''): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '' : `${value.toFixed(digits)}${unit}`;

const seconds = (value: number | null | undefined): string => fixed(value, value !== null && value !== undefined && value < 10 ? 3 : 2);


function resultOf(ctx: PorcelainContext, op: PorcelainCase, tool: ToolName): OpResult | undefined {
  return ctx.results.find((r) => r.op === op && r.tool === tool);
}

/** Every tool's figures, one row per case and tool. */
export function renderResults(ctx: PorcelainContext): string {
  const header = ['case', 'tool', 'seconds', 'MB/s', 'CPU s', 'peak RSS MB', 'repo MB', 'growth MB', 'note'];
  const rows: string[][] = [];
  for (const op of ctx.options.cases) {
    ctx.results
      .filter((r) => r.op === op)
      .forEach((r, i) => {
        const label = i === 0 ? caseLabel(op, ctx) : '';
        if (r.run === null) {
          rows.push([label, r.tool, 'n/a', '', '', '', '', '', r.error ?? 'not run']);
          return;
        }
        rows.push([
          label,
          r.tool,
          seconds(r.run.seconds),
          fixed(r.bytes / 1e6 / r.run.seconds, 1),
          fixed(r.run.cpuSeconds, 2),
          fixed(megabytes(r.run.peakRssBytes), 0),
          fixed(megabytes(r.repoBytes ?? null), 1),
          fixed(megabytes(r.growthBytes ?? null), 1),
          r.detail ?? '',
        ]);
      });
  }
  return renderGrid(header, rows, [false, false, true, true, true, true, true, true, false]);
}

/** strata's figure over a peer's for one case and one field, or null. */
function ratio(ctx: PorcelainContext, op: PorcelainCase, peer: ToolName, field: 'seconds' | 'growth' | 'repo'): number | null {
  const mine = resultOf(ctx, op, 'strata');
  const theirs = resultOf(ctx, op, peer);
  if (!mine?.run || !theirs?.run) return null;
  const pick = (r: OpResult): number | undefined =>
    field === 'seconds' ? r.run?.seconds : field === 'growth' ? r.growthBytes : r.repoBytes;
  const a = pick(mine);
  const b = pick(theirs);
  return a === undefined || b === undefined || b <= 0 ? null : a / b;
}

interface RatioRow {
  key: string;
  label: string;
  op: PorcelainCase;
  field: 'seconds' | 'growth' | 'repo';
}

const RATIO_ROWS: RatioRow[] = [
  { key: 'first_s', label: 'first snapshot, time', op: 'first-snapshot', field: 'seconds' },
  { key: 'first_repo', label: 'repository size after it', op: 'first-snapshot', field: 'repo' },
  { key: 'unchanged_s', label: 'snapshot, nothing changed, time', op: 'unchanged-snapshot', field: 'seconds' },
  { key: 'edited_s', label: 'snapshot after the edits, time', op: 'edited-snapshot', field: 'seconds' },
  { key: 'edited_growth', label: 'repository growth by it', op: 'edited-snapshot', field: 'growth' },
  { key: 'restore_full_s', label: 'full restore, time', op: 'restore-full', field: 'seconds' },
  { key: 'restore_small_s', label: 'one small file, time', op: 'restore-small', field: 'seconds' },
  { key: 'restore_large_s', label: 'one large file, time', op: 'restore-large', field: 'seconds' },
];

function peersOf(ctx: PorcelainContext): ToolName[] {
  return ctx.tools.map((t) => t.name).filter((name) => name !== 'strata');
}

/** strata / peer for each case that ran (below 1: strata is faster or smaller). */
export function renderRatios(ctx: PorcelainContext): string {
  const peers = peersOf(ctx);
  if (peers.length === 0) return '';
  const rows = RATIO_ROWS.filter((r) => ctx.options.cases.includes(r.op)).map((r) => [
    r.label,
    ...peers.map((peer) => {
      const value = ratio(ctx, r.op, peer, r.field);
      return value === null ? 'n/a' : `${value.toFixed(2)}x`;
    }),
  ]);
  return renderGrid(['strata / peer (below 1: strata faster or smaller)', ...peers.map((p) => `/ ${p}`)], rows, [false, ...peers.map(() => true)]);
}

/** One of the targets, evaluated. */
export interface TargetRow {
  key: string;
  label: string;
  value: number | null;
  unit: string;
  digits: number;
  target: Target;
  /** Why the target does not apply (then the status is n/a), or undefined. */
  notApplicable?: string;
}

interface TargetSpec {
  key: string;
  label: string;
  op: PorcelainCase;
  /** The peer a ratio compares with; none for an absolute limit. */
  peer?: ToolName;
  field: 'seconds' | 'growth';
  unit: string;
  digits: number;
  target: Target;
}

const TARGETS: TargetSpec[] = [
  { key: 'first_over_restic', label: 'first snapshot: strata / restic backup', op: 'first-snapshot', peer: 'restic', field: 'seconds', unit: 'x', digits: 2, target: { comparison: 'atMost', limit: 0.8 } },
  { key: 'first_over_git', label: 'first snapshot: strata / git add -A && commit', op: 'first-snapshot', peer: 'git', field: 'seconds', unit: 'x', digits: 2, target: { comparison: 'atMost', limit: 0.3 } },
  { key: 'unchanged_s', label: 'snapshot with nothing changed, wall', op: 'unchanged-snapshot', field: 'seconds', unit: 's', digits: 3, target: { comparison: 'atMost', limit: 0.5 } },
  { key: 'edited_over_restic', label: 'snapshot after the edits: strata / restic', op: 'edited-snapshot', peer: 'restic', field: 'seconds', unit: 'x', digits: 2, target: { comparison: 'atMost', limit: 1 } },
  { key: 'growth_over_restic', label: 'repository growth by it: strata / restic', op: 'edited-snapshot', peer: 'restic', field: 'growth', unit: 'x', digits: 2, target: { comparison: 'atMost', limit: 1.2 } },
  { key: 'restore_full_over_restic', label: 'full restore: strata / restic', op: 'restore-full', peer: 'restic', field: 'seconds', unit: 'x', digits: 2, target: { comparison: 'atMost', limit: 0.8 } },
  { key: 'restore_small_s', label: 'restore one small file, wall', op: 'restore-small', field: 'seconds', unit: 's', digits: 3, target: { comparison: 'below', limit: 0.2 } },
  { key: 'restore_large_s', label: 'restore one 200 MiB file, wall', op: 'restore-large', field: 'seconds', unit: 's', digits: 3, target: { comparison: 'below', limit: 1 } },
];

function evaluate(ctx: PorcelainContext, spec: TargetSpec): TargetRow {
  const row = { key: spec.key, label: spec.label, unit: spec.unit, digits: spec.digits, target: spec.target };
  const mine = resultOf(ctx, spec.op, 'strata');
  let value: number | null = null;
  let why: string | undefined;
  if (!ctx.options.cases.includes(spec.op)) why = 'case not run';
  else if (!mine?.run) why = `strata: ${mine?.error ?? 'no result'}`;
  else if (spec.peer === undefined) value = mine.run.seconds;
  else {
    value = ratio(ctx, spec.op, spec.peer, spec.field);
    if (value === null) {
      const peer = resultOf(ctx, spec.op, spec.peer);
      why = peer === undefined ? `${spec.peer} not run` : `${spec.peer}: ${peer.error ?? 'no figure'}`;
    }
  }
  if (why === undefined && ctx.options.scale !== 1) why = `--scale ${ctx.options.scale}: targets apply at 1`;
  return { ...row, value, ...(why === undefined ? {} : { notApplicable: why }) };
}

/** The targets, each evaluated or n/a. */
export function evaluateTargets(ctx: PorcelainContext): TargetRow[] {
  const rows = TARGETS.map((spec) => evaluate(ctx, spec));
  const strata = ctx.tools.find((t) => t.name === 'strata');
  const rss = megabytes(strata?.peakRssBytes ?? null);
  rows.push({
    key: 'strata_peak_rss_mb',
    label: 'strata peak RSS, every command of the run',
    value: rss,
    unit: 'MB',
    digits: 0,
    target: { comparison: 'below', limit: RSS_LIMIT_MB },
    ...(rss === null ? { notApplicable: 'not measured' } : ctx.options.scale !== 1 ? { notApplicable: `--scale ${ctx.options.scale}: targets apply at 1` } : {}),
  });
  return rows;
}

export function targetStatus(row: TargetRow): 'PASS' | 'MISS' | 'n/a' {
  if (row.notApplicable !== undefined || row.value === null) return 'n/a';
  const { comparison, limit } = row.target;
  const ok = comparison === 'atLeast' ? row.value >= limit : comparison === 'atMost' ? row.value <= limit : row.value < limit;
  return ok ? 'PASS' : 'MISS';
}

export function renderTargets(rows: TargetRow[]): string {
  const cells = rows.map((r) => [
    r.label,
    r.value === null ? 'n/a' : `${r.value.toFixed(r.digits)} ${r.unit}`,
    formatTarget(r.target, r.unit),
    targetStatus(r) + (r.notApplicable ? ` (${r.notApplicable})` : ''),
  ]);
  return renderGrid(['target', 'value', 'limit', 'status'], cells, [false, true, false, false]);
}

/** Every figure into `report` (for the JSON line): per case and tool, the ratios, and the targets that apply. */
export function addMetrics(report: Report, ctx: PorcelainContext, targets: TargetRow[]): void {
  for (const r of ctx.results) {
    const add = report.forCase(r.op);
    const run = r.run;
    add(`${r.tool}_s`, `${r.tool} wall time`, run?.seconds ?? null, 's', 3);
    add(`${r.tool}_cpu_s`, `${r.tool} CPU time`, run?.cpuSeconds ?? null, 's', 2);
    add(`${r.tool}_mb_s`, `${r.tool} MB/s`, run ? r.bytes / 1e6 / run.seconds : null, 'MB/s', 1);
    add(`${r.tool}_peak_rss_mb`, `${r.tool} peak RSS`, megabytes(run?.peakRssBytes ?? null), 'MB', 0);
    if (r.repoBytes !== undefined) add(`${r.tool}_repo_mb`, `${r.tool} repository`, megabytes(r.repoBytes), 'MB', 1);
    if (r.growthBytes !== undefined) add(`${r.tool}_growth_mb`, `${r.tool} repository growth`, megabytes(r.growthBytes), 'MB', 1);
  }
  for (const peer of peersOf(ctx)) {
    for (const row of RATIO_ROWS.filter((x) => ctx.options.cases.includes(x.op))) {
      report.forCase('ratio')(`${row.key}_over_${peer}`, `${row.label}, strata / ${peer}`, ratio(ctx, row.op, peer, row.field), 'x', 2);
    }
  }
  for (const tool of ctx.tools) report.forCase('peak_rss')(`${tool.name}_mb`, `${tool.name} peak RSS, every command`, megabytes(tool.peakRssBytes), 'MB', 0);
  const add = report.forCase('targets');
  for (const t of targets) add(t.key, t.label, t.value, t.unit, t.digits, t.notApplicable === undefined ? t.target : undefined);
}
