/**
 * `strata game playtest <record|serve|list|show|analyze|replay|compare|export|import>`: playtest
 * sessions linked to the exact build they were played on.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { StrataError } from '../../../porcelain/index.js';
import { defineCommand, defineCommandGroup, formatTime, shortId, type CliContext } from '../../../porcelain/cli/index.js';
import type { AnalyzePlaytestResult } from '../ops/playtest.js';
import type { PlaytestSession } from '../ops/playtest-store.js';
import type { DistributionSummary } from '../playtest/histogram.js';
import { playtestServeCommand } from './playtest-serve.js';

const seconds = (ms: number): string => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(2)} h` : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);

/** Exit status when lines of the input were not read (the rest stored), as for feedback import and snapshot. */
const EXIT_PARTIAL = 3;

function problemLines(ctx: CliContext, s: PlaytestSession): void {
  const sum = s.summary;
  for (const p of sum.problems) ctx.warn(`line ${p.line}: ${p.message}`, { line: p.line });
  if (sum.problemCount > sum.problems.length) ctx.warn(`${sum.problemCount - sum.problems.length} more line(s) not read`);
  if (sum.problemCount > 0) ctx.setExitCode(EXIT_PARTIAL);
}

function sessionText(s: PlaytestSession): string[] {
  const sum = s.summary;
  const out = [
    `session  ${s.id}`,
    `version  ${s.version}`,
    ...(s.player === undefined ? [] : [`player   ${s.player}`]),
    `source   ${s.source.kind}${s.source.name === undefined ? '' : ` ${s.source.name}`}${s.interrupted ? ' (interrupted)' : ''}`,
    `stored   ${formatTime(s.time)}`,
    `events   ${sum.events} over ${seconds(sum.durationMs)} (${s.eventsBytes} bytes)`,
    `types    ${Object.entries(sum.types)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ];
  if (sum.bounds !== null) out.push(`area     x ${sum.bounds.minX}..${sum.bounds.maxX}, y ${sum.bounds.minY}..${sum.bounds.maxY}`);
  if (sum.outOfOrder > 0 || sum.late > 0) out.push(`order    ${sum.outOfOrder} event(s) arrived out of order and were sorted${sum.late > 0 ? `; ${sum.late} arrived too late and were kept where they arrived` : ''}`);
  if (sum.problemCount > 0) out.push(`problems ${sum.problemCount} line(s) not read`);
  if (s.info !== undefined) out.push(`info     ${JSON.stringify(s.info)}`);
  return out;
}

const recordCommand = defineCommand({
  command: 'record [file]',
  describe: 'Store a playtest session (JSONL events from a file, or - / nothing for stdin) linked to a build',
  group: 'persona',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'a JSONL file of events; - or nothing: standard input' })
      .version(false)
      .option('version', { alias: 'v', type: 'string', describe: 'the build played: a version id or prefix, tag, branch or milestone', demandOption: true })
      .option('player', { type: 'string', describe: 'who played' })
      .option('reorder-window', { type: 'number', describe: 'events re-sorted by time within this many (default 65536)' }),
  schema: z.object({ file: z.string().optional(), version: z.string().min(1), player: z.string().optional(), reorderWindow: z.number().int().positive().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { recordPlaytest } = await import('../ops/playtest.js');
    // yargs hands a lone `-` over as an empty string.
    const fromStdin = args.file === undefined || args.file === '-' || args.file === '';
    const r = await recordPlaytest({
      repo,
      version: args.version,
      ...(args.player === undefined ? {} : { player: args.player }),
      ...(fromStdin ? { input: process.stdin as AsyncIterable<Uint8Array> } : { path: args.file as string }),
      ...(args.reorderWindow === undefined ? {} : { reorderWindow: args.reorderWindow }),
    });
    problemLines(ctx, r.session);
    if (ctx.json) return ctx.printJson(r);
    const s = r.session.summary;
    if (r.session.alreadyStored) return ctx.print(`already stored as session ${r.session.id} (the same events of the same build and player): nothing added`);
    ctx.print(`stored session ${r.session.id} of ${args.version} (${shortId(r.session.version)}): ${s.events} events over ${seconds(s.durationMs)}${s.problemCount > 0 ? `, ${s.problemCount} line(s) not read` : ''}${s.outOfOrder > 0 ? `, ${s.outOfOrder} out of order (sorted)` : ''}${s.late > 0 ? `, ${s.late} late (kept where they arrived)` : ''}`);
  },
});

const importCommand = defineCommand({
  command: 'import <file>',
  describe: 'Import a recorded session: a SuperTuxKart .replay file (positions per frame, the race as a level)',
  group: 'persona',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'a SuperTuxKart .replay file' })
      .version(false)
      .option('version', { alias: 'v', type: 'string', describe: 'the build played', demandOption: true })
      .option('format', { type: 'string', choices: ['stk-replay'], describe: 'the file format (stk-replay, the default)' })
      .option('player', { type: 'string', describe: 'who played (default: the name in the replay)' }),
  schema: z.object({ file: z.string(), version: z.string().min(1), format: z.literal('stk-replay').optional(), player: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { importPlaytest } = await import('../ops/playtest.js');
    const r = await importPlaytest({ repo, version: args.version, path: args.file, ...(args.player === undefined ? {} : { player: args.player }) });
    for (const p of r.problems) ctx.warn(`line ${p.line}: ${p.message}`, { line: p.line });
    if (r.problems.length > 0) ctx.setExitCode(EXIT_PARTIAL);
    if (ctx.json) return ctx.printJson(r);
    const s = r.session;
    if (s.alreadyStored) return ctx.print(`already stored as session ${s.id}: nothing added`);
    ctx.print(`stored session ${s.id}: ${String(s.info?.['track'])} (${String(s.info?.['mode'])}, ${String(s.info?.['difficulty'])}), ${s.summary.events} events over ${seconds(s.summary.durationMs)}, player ${s.player ?? '?'}`);
  },
});

const listCommand = defineCommand({
  command: 'list',
  describe: 'The stored sessions, newest first',
  group: 'persona',
  builder: (y) => y.version(false).option('version', { alias: 'v', type: 'string', describe: 'only this build\'s sessions' }),
  schema: z.object({ version: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { listPlaytests } = await import('../ops/playtest.js');
    const r = await listPlaytests({ repo, ...(args.version === undefined ? {} : { version: args.version }) });
    if (ctx.json) return ctx.printJson(r);
    if (r.sessions.length === 0) return ctx.print('no playtest sessions');
    for (const s of r.sessions) {
      ctx.print(`${shortId(s.id)}  ${formatTime(s.time)}  version ${shortId(s.version)}  ${String(s.summary.events).padStart(8)} events  ${seconds(s.summary.durationMs).padStart(9)}  ${s.source.kind}${s.source.name === undefined ? '' : ` ${s.source.name}`}${s.player === undefined ? '' : `  player ${s.player}`}${s.interrupted ? '  (interrupted)' : ''}`);
    }
  },
});

const showCommand = defineCommand({
  command: 'show <session>',
  describe: 'One session: build, player, source, events by type, problems',
  group: 'persona',
  builder: (y) => y.positional('session', { type: 'string', describe: 'a session id or unique prefix' }),
  schema: z.object({ session: z.string() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { showPlaytest } = await import('../ops/playtest.js');
    const s = await showPlaytest({ repo, session: args.session });
    if (ctx.json) return ctx.printJson(s);
    ctx.print(sessionText(s).join('\n'));
    for (const p of s.summary.problems.slice(0, 10)) ctx.print(`  line ${p.line}: ${p.message}`);
  },
});

function parseBounds(text: string | undefined): { minX: number; minY: number; maxX: number; maxY: number } | undefined {
  if (text === undefined) return undefined;
  const v = text.split(',').map((s) => Number(s.trim()));
  if (v.length !== 4 || v.some((n) => !Number.isFinite(n)) || !(v[2]! > v[0]!) || !(v[3]! > v[1]!)) throw new StrataError('USAGE', `--bounds: "${text}" is not minX,minY,maxX,maxY with max > min`);
  return { minX: v[0]!, minY: v[1]!, maxX: v[2]!, maxY: v[3]! };
}

function distText(name: string, d: DistributionSummary, unit: string): string[] {
  if (d.samples === 0) return [`${name}: no samples`];
  const peak = Math.max(...d.histogram.map((b) => b.count));
  // Empty bins below the lowest and above the highest sample are left out.
  const first = d.histogram.findIndex((b) => b.count > 0);
  const last = d.histogram.length - 1 - [...d.histogram].reverse().findIndex((b) => b.count > 0);
  return [
    `${name} (${d.samples} samples): min ${d.min} · p5 ${d.p5} · median ${d.p50} · p95 ${d.p95} · max ${d.max} ${unit}`,
    ...d.histogram.slice(first, last + 1).map((b) => `  ${`${b.from}${b.to === null ? '+' : `–${b.to}`}`.padEnd(11)} ${String(b.count).padStart(9)} ${'#'.repeat(peak > 0 ? Math.round((40 * b.count) / peak) : 0)}`),
  ];
}

function analysisText(r: AnalyzePlaytestResult): string[] {
  const out = [
    `${r.sessions} session(s)${r.version === undefined ? '' : ` of version ${shortId(r.version)}`}: ${r.events} events over ${seconds(r.durationMs)}`,
    `events by type: ${Object.entries(r.types)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
    `progression: ${r.funnel.starts} level start(s), ${r.funnel.completes} complete, ${r.funnel.fails} failed${r.funnel.completionRate === null ? '' : ` (completion rate ${(100 * r.funnel.completionRate).toFixed(1)}%)`}`,
  ];
  if (r.funnel.levels.length > 0) {
    out.push(`  ${'level'.padEnd(24)} ${'starts'.padStart(7)} ${'complete'.padStart(9)} ${'failed'.padStart(7)} ${'unfinished'.padStart(11)} ${'deaths'.padStart(7)} ${'deaths/attempt'.padStart(15)}`);
    for (const l of r.funnel.levels) out.push(`  ${l.level.padEnd(24)} ${String(l.starts).padStart(7)} ${String(l.completes).padStart(9)} ${String(l.fails).padStart(7)} ${String(l.unfinished).padStart(11)} ${String(l.deaths).padStart(7)} ${(l.deathsPerAttempt === null ? '-' : l.deathsPerAttempt.toFixed(2)).padStart(15)}`);
  }
  out.push('', ...distText('fps', r.fps, 'fps'), '', ...distText('frame time', r.frameMs, 'ms'));
  out.push('', `positions: ${r.positions}`);
  if (r.heatmap !== undefined) {
    const h = r.heatmap;
    out.push(`heatmap: wrote ${h.path} (${h.width}x${h.height}, x ${h.bounds.minX}..${h.bounds.maxX}, y ${h.bounds.minY}..${h.bounds.maxY}; ${h.cells} cells visited, busiest ${h.peak}${h.outside > 0 ? `, ${h.outside} positions outside the bounds` : ''})`);
  }
  return out;
}

const analyzeCommand = defineCommand({
  command: 'analyze [session]',
  describe: 'Duration, events per type, progression funnel, deaths per level, fps and frame-time histograms, position heatmap (PNG)',
  group: 'persona',
  builder: (y) =>
    y
      .positional('session', { type: 'string', describe: 'a session id or prefix (or give --version)' })
      .version(false)
      .option('version', { alias: 'v', type: 'string', describe: 'every session of this build' })
      .option('o', { alias: 'out', type: 'string', describe: 'write the position heatmap to this PNG file' })
      .option('background', { type: 'string', describe: 'draw the heatmap over this level image (PNG, JPEG, WebP…)' })
      .option('bounds', { type: 'string', describe: 'world area the image covers: minX,minY,maxX,maxY (default: the positions\' bounds)' })
      .option('size', { type: 'number', describe: 'heatmap size in pixels, longer side (default 512)' }),
  schema: z.object({ session: z.string().optional(), version: z.string().optional(), out: z.string().optional(), background: z.string().optional(), bounds: z.string().optional(), size: z.number().int().min(16).max(8192).optional() }),
  run: async (args, ctx) => {
    if ((args.session === undefined) === (args.version === undefined)) throw new StrataError('USAGE', 'give a session or --version, not both');
    if (args.out === undefined && (args.background !== undefined || args.bounds !== undefined || args.size !== undefined)) throw new StrataError('USAGE', '--background, --bounds and --size need -o <heatmap.png>');
    const bounds = parseBounds(args.bounds);
    let background: Buffer | undefined;
    if (args.background !== undefined) {
      try {
        background = await readFile(args.background);
      } catch (err) {
        throw new StrataError('FILE_NOT_FOUND', `cannot read ${args.background}: ${(err as Error).message}`, { cause: err });
      }
    }
    const repo = await ctx.openRepo();
    const { analyzePlaytest } = await import('../ops/playtest.js');
    const r = await analyzePlaytest({
      repo,
      ...(args.session === undefined ? {} : { session: args.session }),
      ...(args.version === undefined ? {} : { version: args.version }),
      ...(args.out === undefined ? {} : { heatmap: { out: args.out, ...(background === undefined ? {} : { background }), ...(bounds === undefined ? {} : { bounds }), ...(args.size === undefined ? {} : { size: args.size }) } }),
    });
    if (ctx.json) return ctx.printJson(r);
    ctx.print(analysisText(r).join('\n'));
  },
});

function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|min)?$/.exec(text.trim());
  if (!m) throw new StrataError('USAGE', `--from: "${text}" is not a time into the session (e.g. 90s, 1.5m, 2500ms; seconds without a unit)`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' || m[2] === 'min' ? n * 60_000 : n * 1000;
}

const replayCommand = defineCommand({
  command: 'replay <session>',
  describe: 'Print the events in time order at their pace (--speed 2: twice as fast, 0: at once)',
  group: 'persona',
  builder: (y) =>
    y
      .positional('session', { type: 'string', describe: 'a session id or prefix' })
      .option('speed', { type: 'number', describe: 'pace multiplier (default 1: real time; 0: no waiting)' })
      .option('from', { type: 'string', describe: 'start this far into the session (90s, 1.5m, 2500ms)' }),
  schema: z.object({ session: z.string(), speed: z.number().min(0).optional(), from: z.string().optional() }),
  run: async (args, ctx) => {
    const fromMs = parseDuration(args.from);
    const repo = await ctx.openRepo();
    const { replayPlaytest } = await import('../ops/playtest.js');
    const { serializeEvent } = await import('../playtest/events.js');
    const r = await replayPlaytest({
      repo,
      session: args.session,
      ...(args.speed === undefined ? {} : { speed: args.speed }),
      ...(fromMs === undefined ? {} : { fromMs }),
      onEvent: (e, offset) => {
        if (ctx.json) ctx.stdout.write(`${serializeEvent(e)}\n`);
        else ctx.stdout.write(`${(offset / 1000).toFixed(3).padStart(10)}s  ${e.type}${e.level === undefined ? '' : ` level=${e.level}`}${e.x === undefined ? '' : ` pos=(${e.x}, ${e.y}${e.z === undefined ? '' : `, ${e.z}`})`}${e.health === undefined ? '' : ` health=${e.health}`}${e.fps === undefined ? '' : ` fps=${e.fps}`}${e.data === undefined ? '' : ` ${JSON.stringify(e.data)}`}\n`);
      },
    });
    if (!ctx.json) ctx.stderr.write(`replayed ${r.events} events${r.skipped > 0 ? ` (${r.skipped} before --from skipped)` : ''}\n`);
  },
});

const compareCommand = defineCommand({
  command: 'compare <a> <b>',
  describe: 'Metric deltas between two builds\' sessions, each with sample sizes and a significance test',
  group: 'persona',
  builder: (y) => y.positional('a', { type: 'string', describe: 'the earlier build' }).positional('b', { type: 'string', describe: 'the later build' }),
  schema: z.object({ a: z.string(), b: z.string() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { comparePlaytests } = await import('../ops/playtest.js');
    const r = await comparePlaytests({ repo, a: args.a, b: args.b });
    if (ctx.json) return ctx.printJson(r);
    const fmt = (v: number | null): string => (v === null ? '-' : String(v));
    const fmtP = (p: number | null): string => (p === null ? '-' : p < 1e-6 ? '<1e-6' : String(p));
    ctx.print(`A: ${r.a.ref} (${shortId(r.a.version)}), ${r.a.sessions} session(s), ${r.a.events} events`);
    ctx.print(`B: ${r.b.ref} (${shortId(r.b.version)}), ${r.b.sessions} session(s), ${r.b.events} events`);
    ctx.print('');
    ctx.print(`${'metric'.padEnd(34)} ${'A'.padStart(10)} ${'B'.padStart(10)} ${'B − A'.padStart(10)} ${'n A'.padStart(8)} ${'n B'.padStart(8)}  ${'p'.padStart(9)}  test`);
    for (const m of r.metrics) {
      const name = m.level === undefined ? m.metric : `${m.metric} [${m.level}]`;
      ctx.print(`${name.padEnd(34)} ${fmt(m.a).padStart(10)} ${fmt(m.b).padStart(10)} ${fmt(m.delta).padStart(10)} ${String(m.nA).padStart(8)} ${String(m.nB).padStart(8)}  ${fmtP(m.p).padStart(9)}${m.significant ? '*' : ' '} ${m.test}`);
    }
    ctx.print('');
    ctx.print(`* significant at p < ${r.alpha} (two-sided). Session length in ms.`);
  },
});

const exportCommand = defineCommand({
  command: 'export <session>',
  describe: 'Write a session\'s events as JSONL or CSV (stdout, or -o)',
  group: 'persona',
  builder: (y) =>
    y
      .positional('session', { type: 'string', describe: 'a session id or prefix' })
      .option('format', { type: 'string', choices: ['jsonl', 'csv'], describe: 'jsonl (default) or csv' })
      .option('o', { alias: 'out', type: 'string', describe: 'write to this file' }),
  schema: z.object({ session: z.string(), format: z.enum(['jsonl', 'csv']).optional(), out: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { exportPlaytest } = await import('../ops/playtest.js');
    const file = args.out === undefined ? undefined : createWriteStream(args.out);
    const target: NodeJS.WritableStream = file ?? ctx.stdout;
    const write = (text: string): Promise<void> | void => {
      if (target.write(text)) return;
      return new Promise((r) => target.once('drain', () => r()));
    };
    const r = await exportPlaytest({ repo, session: args.session, format: args.format ?? 'jsonl', write });
    if (file !== undefined) {
      await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(new StrataError('IO_ERROR', `cannot write ${args.out}: ${err.message}`)) : resolve())));
      if (ctx.json) ctx.printJson({ ...r, out: args.out });
      else ctx.print(`wrote ${r.events} events of ${shortId(r.session)} to ${args.out} (${r.format})`);
    }
  },
});

export const playtestSubcommands = [recordCommand, playtestServeCommand, listCommand, showCommand, analyzeCommand, replayCommand, compareCommand, exportCommand, importCommand];

export const gamePlaytestCommand = defineCommandGroup({ name: 'playtest', parent: 'strata game', describe: 'Playtest sessions linked to builds: record, serve (HTTP), list, show, analyze (funnel, fps, heatmap), replay, compare two builds, export, import (SuperTuxKart replays)', group: 'persona', subcommands: playtestSubcommands });
