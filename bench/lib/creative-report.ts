/**
 * The creative benchmark's output: a table of every timed command (strata and ImageMagick), the
 * ratios strata / ImageMagick, the targets with PASS/MISS, and every number in the JSON line.
 * Targets apply only to a full run (not `--quick`), and the thumbnail targets only to real images.
 * Time targets judge the fastest run; the memory target judges the highest peak RSS of all runs.
 */
import { megabytes } from './context.js';
import type { CreativeCase } from './creative-args.js';
import type { CreativeContext, CreativeResult } from './creative-cases.js';
import type { TargetRow } from './porcelain-report.js';
import { renderGrid, type Report, type Target } from './report.js';

const fixed = (value: number | null | undefined, digits: number): string => (value === null || value === undefined || !Number.isFinite(value) ? '' : value.toFixed(digits));
const secondsText = (value: number): string => value.toFixed(value < 10 ? 3 : 2);


function resultOf(ctx: CreativeContext, caseName: CreativeCase, key: string): CreativeResult | undefined {
  return ctx.results.find((r) => r.caseName === caseName && r.key === key);
}

/** Every timed command, one row each, grouped by case. */
export function renderResults(ctx: CreativeContext): string {
  const header = ['case', 'command', 'tool', 'seconds', 'CPU s', 'peak RSS MB', 'runs', 'note'];
  const rows: string[][] = [];
  for (const caseName of ctx.options.cases) {
    ctx.results
      .filter((r) => r.caseName === caseName)
      .forEach((r, i) => {
        const label = i === 0 ? caseName : '';
        if (r.run === null) rows.push([label, r.label, r.tool, 'n/a', '', '', '', `FAILED: ${r.error ?? 'not run'}`]);
        else rows.push([label, r.label, r.tool, secondsText(r.run.seconds), fixed(r.run.cpuSeconds, 2), fixed(megabytes(r.run.peakRssBytes), 0), r.runs > 1 ? `best of ${r.runs}` : '1', r.detail ?? '']);
      });
  }
  return renderGrid(header, rows, [false, false, false, true, true, true, false, false]);
}

interface RatioSpec {
  key: string;
  label: string;
  caseName: CreativeCase;
  strata: string;
  peer: string;
}

const RATIOS: RatioSpec[] = [
  { key: 'diff_figures_over_compare', label: 'image diff, figures only / compare', caseName: 'image-diff', strata: 'figures', peer: 'compare' },
  { key: 'diff_pictures_over_compare', label: 'image diff with 4 pictures / compare', caseName: 'image-diff', strata: 'pictures', peer: 'compare' },
  { key: 'thumbs_first_over_mogrify', label: 'thumbnails, first run / mogrify', caseName: 'thumbnails', strata: 'first', peer: 'mogrify' },
  { key: 'thumbs_second_over_mogrify', label: 'thumbnails, second run (reused) / mogrify', caseName: 'thumbnails', strata: 'second', peer: 'mogrify' },
];

function ratio(ctx: CreativeContext, spec: RatioSpec): number | null {
  const mine = resultOf(ctx, spec.caseName, spec.strata)?.run;
  const theirs = resultOf(ctx, spec.caseName, spec.peer)?.run;
  return mine && theirs && theirs.seconds > 0 ? mine.seconds / theirs.seconds : null;
}

/** strata / ImageMagick wall time for each comparison whose case ran. */
export function renderRatios(ctx: CreativeContext): string {
  const rows = RATIOS.filter((r) => ctx.options.cases.includes(r.caseName)).map((r) => {
    const value = ratio(ctx, r);
    const why = value !== null ? '' : ctx.magick === undefined ? ' (no ImageMagick)' : ' (a run failed)';
    return [r.label, value === null ? `n/a${why}` : `${value.toFixed(2)}x`];
  });
  if (rows.length === 0) return '';
  return renderGrid(['strata / ImageMagick, wall time (below 1: strata faster)', 'ratio'], rows, [false, true]);
}

interface TargetSpec {
  key: string;
  label: string;
  caseName: CreativeCase;
  result: string;
  target: Target;
  /** Whether the target needs real images (the thumbnail targets). */
  realImages?: boolean;
  /** What is judged: wall seconds of the fastest run (default), or the highest peak RSS of all runs, MB. */
  measure?: 'seconds' | 'peakRssMb';
}

const TARGETS: TargetSpec[] = [
  { key: 'diff_4096_s', label: 'visual diff of two 4096 x 4096 PNGs (figures), wall', caseName: 'image-diff', result: 'figures', target: { comparison: 'below', limit: 2 } },
  { key: 'thumbs_first_s', label: 'thumbnails for 200 real images, first run, wall', caseName: 'thumbnails', result: 'first', target: { comparison: 'below', limit: 20 }, realImages: true },
  { key: 'thumbs_second_s', label: 'thumbnails for 200 real images, second run, wall', caseName: 'thumbnails', result: 'second', target: { comparison: 'below', limit: 1 }, realImages: true },
  { key: 'refs_folder_s', label: 'refs of 10,000 files, working folder, wall', caseName: 'refs', result: 'folder', target: { comparison: 'below', limit: 5 } },
  { key: 'refs_first_s', label: 'refs of 10,000 files, first run on a version (graph computed), wall', caseName: 'refs', result: 'first', target: { comparison: 'below', limit: 5 } },
  { key: 'psd_elements_rss_mb', label: 'elements of a ~200 MB PSD, peak RSS (highest run)', caseName: 'elements-psd', result: 'elements', target: { comparison: 'below', limit: 300 }, measure: 'peakRssMb' },
];

/** The targets, each evaluated or n/a (with why). */
export function evaluateTargets(ctx: CreativeContext): TargetRow[] {
  return TARGETS.map((spec) => {
    const r = resultOf(ctx, spec.caseName, spec.result);
    let why: string | undefined;
    if (!ctx.options.cases.includes(spec.caseName)) why = 'case not run';
    else if (!r?.run) why = `strata: ${r?.error ?? 'no result'}`;
    else if (ctx.options.quick) why = '--quick: targets apply to a full run';
    else if (spec.realImages && ctx.realImages === false) why = 'generated images, not real ones';
    if (spec.measure === 'peakRssMb') {
      const value = megabytes(r?.peakRssMaxBytes ?? r?.run?.peakRssBytes ?? null);
      if (why === undefined && value === null) why = 'peak RSS not measured';
      return { key: spec.key, label: spec.label, value, unit: 'MB', digits: 0, target: spec.target, ...(why === undefined ? {} : { notApplicable: why }) };
    }
    return { key: spec.key, label: spec.label, value: r?.run?.seconds ?? null, unit: 's', digits: 3, target: spec.target, ...(why === undefined ? {} : { notApplicable: why }) };
  });
}

/** strata's highest peak RSS over every command it ran (timed or not), bytes, or null. */
export function strataPeakRss(ctx: CreativeContext): number | null {
  const values = ctx.projects.map((p) => p.peakRssBytes).filter((v): v is number => v !== null);
  return values.length === 0 ? null : Math.max(...values);
}

/** Every figure into `report` (for the JSON line): per command, the ratios, peak RSS and the targets that apply. */
export function addMetrics(report: Report, ctx: CreativeContext, targets: TargetRow[]): void {
  for (const r of ctx.results) {
    const add = report.forCase(r.caseName);
    const prefix = r.tool === 'strata' ? `strata_${r.key}` : r.key;
    add(`${prefix}_s`, `${r.label}: wall time`, r.run?.seconds ?? null, 's', 3);
    add(`${prefix}_cpu_s`, `${r.label}: CPU time`, r.run?.cpuSeconds ?? null, 's', 2);
    add(`${prefix}_peak_rss_mb`, `${r.label}: peak RSS`, megabytes(r.run?.peakRssBytes ?? null), 'MB', 0);
    if (r.runs > 1) add(`${prefix}_peak_rss_max_mb`, `${r.label}: highest peak RSS of its runs`, megabytes(r.peakRssMaxBytes ?? null), 'MB', 0);
  }
  for (const spec of RATIOS.filter((r) => ctx.options.cases.includes(r.caseName))) report.forCase('ratio')(spec.key, spec.label, ratio(ctx, spec), 'x', 2);
  report.forCase('peak_rss')('strata_mb', 'strata peak RSS, every command', megabytes(strataPeakRss(ctx)), 'MB', 0);
  const add = report.forCase('targets');
  for (const t of targets) add(t.key, t.label, t.value, t.unit, t.digits, t.notApplicable === undefined ? t.target : undefined);
}

