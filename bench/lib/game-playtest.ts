/**
 * The playtest cases of `bench/game.ts`:
 * - playtest-analyze: a deterministic session of 1,000,000 events (levels, deaths, fps frames,
 *   positions; ~75 MB of JSONL) written to a file, stored with `strata game playtest record` (timed),
 *   then `strata game playtest analyze <session> -o heatmap.png --json` (timed, best of 3), its answer
 *   checked against the planted counts. Target (issue 7): under 10 s. --quick: 100,000 events, 1 run.
 * - playtest-load: `strata game playtest serve` as a child process on loopback; the load generator
 *   (game-playtest-load.ts) runs 20 clients sending 5,000 events per second together for 60 s
 *   (--quick: 4 clients, 800 per second, 2 s), then ends their sessions and stops the server with
 *   SIGTERM. Checked: every acknowledged event is in the stored sessions (export of each). Reported:
 *   events sent, acknowledged, stored, lost, duplicated; the acknowledgement latency percentiles; the
 *   server's peak RSS (VmHWM from /proc before it stops). Target: none lost, at the full rate.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRATA_BIN } from './context.js';
import { checkStored, runLoad } from './game-playtest-load.js';
import type { ProcessRunner, RunResult } from './proc.js';
import { fastest } from './proc.js';
import type { Report } from './report.js';
import type { TargetRow } from './porcelain-report.js';
import { LineFile } from './line-file.js';

export const PLAYTEST_CASES = ['playtest-analyze', 'playtest-load'] as const;
export const ANALYZE_LIMIT_S = 10;
export const LOAD_RATE = 5000;

export interface PlaytestBenchResult {
  caseName: string;
  key: string;
  label: string;
  run: RunResult | null;
  runs: number;
  peakRssMaxBytes?: number | null;
  detail?: string;
  error?: string;
}

export interface PlaytestBenchContext {
  options: { quick: boolean; cases: readonly string[] };
  workDir: string;
  runner: ProcessRunner;
  report: Report;
  results: PlaytestBenchResult[];
  playtest?: {
    analyzeEvents?: number;
    load?: { clients: number; rate: number; seconds: number; sent: number; acked: number; stored: number; lost: number; duplicates: number; failures: number; p50: number; p95: number; p99: number; max: number; serverPeakRssMb: number | null; ackedPerSecond: number };
  };
}

function cli(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [STRATA_BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`strata ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function project(dir: string): void {
  mkdirSync(dir, { recursive: true });
  cli(['init'], dir);
  spawnSync('sh', ['-c', 'echo build > game.txt'], { cwd: dir });
  cli(['snapshot', '-m', 'build'], dir);
  cli(['tag', 'build-1'], dir);
}

/** The planted session: per 1,000 events one level attempt (start, 3 deaths, complete or fail every other), 500 frames with fps, the rest positions. */
async function writeSession(path: string, events: number): Promise<{ starts: number; completes: number; deaths: number; frames: number; positions: number }> {
  const out = new LineFile(path);
  const counts = { starts: 0, completes: 0, deaths: 0, frames: 0, positions: 0 };
  for (let i = 0; i < events; i++) {
    const k = i % 1000;
    const attempt = Math.floor(i / 1000);
    const t = i * 16;
    let line: string;
    if (k === 0) {
      line = `{"t":${t},"type":"level_start","level":"level-${attempt % 8}"}`;
      counts.starts++;
    } else if (k === 999) {
      line = `{"t":${t},"type":"${attempt % 2 === 0 ? 'level_complete' : 'level_fail'}"}`;
      if (attempt % 2 === 0) counts.completes++;
    } else if (k === 250 || k === 500 || k === 750) {
      line = `{"t":${t},"type":"death","x":${(i * 7) % 400},"y":${(i * 3) % 300},"data":{"cause":"fall"}}`;
      counts.deaths++;
    } else if (k % 2 === 1) {
      line = `{"t":${t},"type":"frame","fps":${(40 + ((i * 37) % 300) / 10).toFixed(1)},"frame_ms":${(12 + ((i * 13) % 200) / 10).toFixed(1)}}`;
      counts.frames++;
    } else {
      line = `{"t":${t},"type":"position","x":${((i * 7919) % 4000) / 10},"y":${((i * 104729) % 3000) / 10},"z":0,"health":${100 - (k % 100)}}`;
      counts.positions++;
    }
    await out.push(line);
  }
  await out.close();
  return counts;
}

interface AnalyzeJson {
  events: number;
  funnel: { starts: number; completes: number };
  deaths: number;
  fps: { samples: number };
  positions: number;
  heatmap?: { positions: number; outside: number };
}

export async function playtestAnalyze(ctx: PlaytestBenchContext): Promise<void> {
  const events = ctx.options.quick ? 100_000 : 1_000_000;
  const dir = join(ctx.workDir, 'playtest-analyze');
  project(dir);
  const file = join(dir, 'session.jsonl');
  const planted = await writeSession(file, events);
  const size = readFileSync(file).length;
  ctx.report.note('playtest-analyze', `a session of ${events.toLocaleString('en-US')} events (${(size / 1e6).toFixed(1)} MB of JSONL): ${planted.starts} level starts, ${planted.completes} completions, ${planted.deaths} deaths, ${planted.frames} frames with fps, ${planted.positions} positions`);
  ctx.playtest = { ...ctx.playtest, analyzeEvents: events };
  const recordLabel = `playtest record, ${events.toLocaleString('en-US')} events`;
  let id: string;
  try {
    const rec = await ctx.runner.run(process.execPath, [STRATA_BIN, 'game', 'playtest', 'record', '--version', 'build-1', file, '--json'], { cwd: dir, captureStdout: true });
    const out = JSON.parse(rec.stdout.toString('utf8')) as { session: { id: string; summary: { events: number; problemCount: number } } };
    if (out.session.summary.events !== events || out.session.summary.problemCount !== 0) throw new Error(`record stored ${out.session.summary.events} events with ${out.session.summary.problemCount} problems`);
    id = out.session.id;
    ctx.results.push({ caseName: 'playtest-analyze', key: 'playtest_record', label: recordLabel, run: rec, runs: 1, detail: `${(size / 1e6 / rec.seconds).toFixed(1)} MB/s of JSONL` });
  } catch (err) {
    ctx.results.push({ caseName: 'playtest-analyze', key: 'playtest_record', label: recordLabel, run: null, runs: 0, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  const label = `playtest analyze + heatmap, ${events.toLocaleString('en-US')} events`;
  const runs: RunResult[] = [];
  try {
    for (let i = 0; i < (ctx.options.quick ? 1 : 3); i++) {
      spawnSync('sync');
      const r = await ctx.runner.run(process.execPath, [STRATA_BIN, 'game', 'playtest', 'analyze', id, '-o', join(dir, 'heatmap.png'), '--json'], { cwd: dir, captureStdout: true });
      const a = JSON.parse(r.stdout.toString('utf8')) as AnalyzeJson;
      const problem =
        a.events !== events ? `${a.events} events`
        : a.funnel.starts !== planted.starts || a.funnel.completes !== planted.completes ? `funnel ${a.funnel.starts}/${a.funnel.completes}`
        : a.deaths !== planted.deaths ? `${a.deaths} deaths`
        : a.fps.samples !== planted.frames ? `${a.fps.samples} fps samples`
        : a.positions !== planted.positions + planted.deaths || a.heatmap?.outside !== 0 ? `${a.positions} positions`
        : undefined;
      if (problem !== undefined) throw new Error(`analyze answered ${problem}, not what was planted`);
      runs.push(r);
    }
  } catch (err) {
    ctx.results.push({ caseName: 'playtest-analyze', key: 'playtest_analyze', label, run: null, runs: runs.length, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  const peaks = runs.map((r) => r.peakRssBytes).filter((v): v is number => v !== null);
  ctx.results.push({ caseName: 'playtest-analyze', key: 'playtest_analyze', label, run: fastest(runs), runs: runs.length, peakRssMaxBytes: peaks.length === 0 ? null : Math.max(...peaks), detail: 'funnel, deaths, fps and positions as planted' });
}

function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export async function playtestLoad(ctx: PlaytestBenchContext): Promise<void> {
  const quick = ctx.options.quick;
  const clients = quick ? 4 : 20;
  const rate = quick ? 800 : LOAD_RATE;
  const durationMs = quick ? 2000 : 60_000;
  const dir = join(ctx.workDir, 'playtest-load');
  project(dir);
  const label = `playtest serve, ${clients} clients × ${rate / clients}/s for ${durationMs / 1000} s`;
  const child = spawn(process.execPath, [STRATA_BIN, 'game', 'playtest', 'serve', '--port', '0', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        const m = /"message_type":"listening","url":"([^"]+)"/.exec(buf);
        if (m) resolve(m[1] as string);
      });
      void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const load = await runLoad({ url, version: 'build-1', clients, rate, durationMs, batchMs: 100 });
    const serverPeak = peakRssMb(child.pid);
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`serve exited ${code} after SIGTERM: ${stderr}`);
    const list = JSON.parse(cli(['game', 'playtest', 'list', '--json'], dir)) as { sessions: { id: string; client?: string }[] };
    const stored = new Map<string, string[]>();
    for (const s of list.sessions) if (s.client !== undefined) stored.set(s.client, cli(['game', 'playtest', 'export', s.id], dir).split('\n'));
    const check = checkStored(load.clients, stored);
    const ackedPerSecond = load.acked / (durationMs / 1000);
    ctx.playtest = {
      ...ctx.playtest,
      load: { clients, rate, seconds: load.seconds, sent: load.sent, acked: load.acked, stored: check.stored, lost: check.lost, duplicates: check.duplicates, failures: load.failures, ...load.latency, serverPeakRssMb: serverPeak, ackedPerSecond },
    };
    ctx.report.note('playtest-load', `${load.sent} events sent, ${load.acked} acknowledged (${ackedPerSecond.toFixed(0)}/s), ${check.stored} stored, ${check.lost} lost${check.lostExamples.length > 0 ? ` (${check.lostExamples.join(', ')})` : ''}, ${check.duplicates} stored twice, ${load.failures} failed requests; ${load.latency.requests} batches answered in p50 ${load.latency.p50} ms, p95 ${load.latency.p95} ms, p99 ${load.latency.p99} ms, max ${load.latency.max} ms; server peak RSS ${serverPeak === null ? 'n/a' : `${serverPeak.toFixed(0)} MB`}`);
    ctx.report.note('playtest-load', label);
    if (check.lost > 0) throw new Error(`${check.lost} acknowledged events were not stored`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The targets of the playtest cases. */
export function playtestTargets(ctx: PlaytestBenchContext): TargetRow[] {
  const rows: TargetRow[] = [];
  const why = (c: string): string | undefined => (!ctx.options.cases.includes(c) ? 'case not run' : ctx.options.quick ? '--quick: targets apply to a full run' : undefined);
  const analyze = ctx.results.find((r) => r.key === 'playtest_analyze');
  const a: TargetRow = { key: 'playtest_analyze_1m_s', label: 'playtest analyze of 1,000,000 events, wall', value: analyze?.run?.seconds ?? null, unit: 's', digits: 2, target: { comparison: 'below', limit: ANALYZE_LIMIT_S } };
  const wa = why('playtest-analyze') ?? (analyze?.run ? undefined : `strata: ${analyze?.error ?? 'no result'}`);
  rows.push(wa === undefined ? a : { ...a, notApplicable: wa });
  const load = ctx.playtest?.load;
  const wl = why('playtest-load') ?? (load ? undefined : 'no result');
  const lost: TargetRow = { key: 'playtest_load_lost', label: 'acknowledged events lost (20 clients, 5,000/s, 60 s)', value: load?.lost ?? null, unit: '', digits: 0, target: { comparison: 'atMost', limit: 0 } };
  const acked: TargetRow = { key: 'playtest_load_acked_per_s', label: 'events acknowledged per second', value: load?.ackedPerSecond ?? null, unit: '/s', digits: 0, target: { comparison: 'atLeast', limit: LOAD_RATE * 0.99 } };
  rows.push(wl === undefined ? lost : { ...lost, notApplicable: wl }, wl === undefined ? acked : { ...acked, notApplicable: wl });
  return rows;
}

/** Adds the load case's figures to the report. */
export function addPlaytestMetrics(report: Report, ctx: PlaytestBenchContext): void {
  const load = ctx.playtest?.load;
  if (load === undefined) return;
  const add = report.forCase('playtest-load');
  add('sent', 'events sent', load.sent, '', 0);
  add('acked', 'events acknowledged', load.acked, '', 0);
  add('stored', 'acknowledged events stored', load.stored, '', 0);
  add('lost', 'acknowledged events lost', load.lost, '', 0);
  add('duplicates', 'events stored twice', load.duplicates, '', 0);
  add('failures', 'failed requests', load.failures, '', 0);
  add('latency_p50_ms', 'batch acknowledgement, median', load.p50, 'ms', 1);
  add('latency_p95_ms', 'batch acknowledgement, p95', load.p95, 'ms', 1);
  add('latency_p99_ms', 'batch acknowledgement, p99', load.p99, 'ms', 1);
  add('latency_max_ms', 'batch acknowledgement, max', load.max, 'ms', 1);
  add('server_peak_rss_mb', 'server peak RSS', load.serverPeakRssMb, 'MB', 0);
  add('acked_per_s', 'events acknowledged per second', load.ackedPerSecond, '/s', 0);
}
