/**
 * Child processes with wall-clock time, peak RSS and CPU time. Peak RSS and CPU time come from GNU
 * `/usr/bin/time -f "%M %U %S"` when it works; otherwise from a `--require` preload (written into the
 * temp folder at run time) that records `process.resourceUsage()` when a node child exits. Non-node
 * children get no figures in that fallback. CPU time is less sensitive than wall time to other
 * processes competing for the cores.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunOptions {
  cwd?: string;
  /** Added to the benchmark's own environment. */
  env?: Record<string, string>;
  /** Written to the child's stdin, which is then closed. Without it stdin is empty. */
  input?: Buffer | string;
  /** Keep stdout (otherwise only its length is counted). */
  captureStdout?: boolean;
  /** Throw when the child exits with a non-zero code (default true). */
  check?: boolean;
}

export interface RunResult {
  /** Wall-clock seconds from spawn to the end of the child's output. */
  seconds: number;
  /** Peak resident set size of the child in bytes; null when it could not be measured. */
  peakRssBytes: number | null;
  /** User plus system CPU seconds of the child (and its waited-for children); null when unknown. */
  cpuSeconds: number | null;
  exitCode: number;
  stdoutBytes: number;
  /** The child's stdout when `captureStdout` was set, otherwise empty. */
  stdout: Buffer;
  stderr: string;
}

export type RssMethod = 'gnu-time' | 'node-preload';

const GNU_TIME = '/usr/bin/time';
/** Both methods write one line: peak RSS in KiB, user CPU seconds, system CPU seconds. */
const USAGE_FORMAT = '%M %U %S';
const USAGE_LINE = /^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;
const PRELOAD_SOURCE = `'use strict';
const { writeFileSync } = require('node:fs');
const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    try { writeFileSync(target, u.maxRSS + ' ' + u.userCPUTime / 1e6 + ' ' + u.systemCPUTime / 1e6 + '\\n'); } catch { /* best effort */ }
  });
}
`;

interface Usage {
  peakRssBytes: number | null;
  cpuSeconds: number | null;
}

/** Reads and removes a usage file; its last line is `<KiB> <user s> <system s>`. */
function readUsage(file: string): Usage {
  if (!existsSync(file)) return { peakRssBytes: null, cpuSeconds: null };
  const last = readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(file, { force: true });
  const m = USAGE_LINE.exec(last.trim());
  if (!m) return { peakRssBytes: null, cpuSeconds: null };
  return { peakRssBytes: Number(m[1]) * 1024, cpuSeconds: Number(m[2]) + Number(m[3]) };
}

/** True when `/usr/bin/time -f FORMAT -o FILE true` works and writes the expected line (GNU time). */
function gnuTimeWorks(probeFile: string): boolean {
  if (!existsSync(GNU_TIME)) return false;
  const r = spawnSync(GNU_TIME, ['-f', USAGE_FORMAT, '-o', probeFile, 'true'], { stdio: 'ignore' });
  return r.status === 0 && readUsage(probeFile).peakRssBytes !== null;
}

/** Runs child processes and measures them; create one per benchmark run. */
export class ProcessRunner {
  readonly rssMethod: RssMethod;
  private readonly preloadPath: string;
  private counter = 0;

  constructor(private readonly workDir: string) {
    this.preloadPath = join(workDir, 'rss-preload.cjs');
    // STRATA_BENCH_RSS=preload forces the fallback (to test it where GNU time exists).
    const forcePreload = process.env.STRATA_BENCH_RSS === 'preload';
    this.rssMethod = !forcePreload && gnuTimeWorks(join(workDir, 'time-probe.txt')) ? 'gnu-time' : 'node-preload';
    if (this.rssMethod === 'node-preload') writeFileSync(this.preloadPath, PRELOAD_SOURCE);
  }

  /** Runs `command args` to completion. */
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const usageFile = join(this.workDir, `rss-${process.pid}-${this.counter++}.txt`);
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    let file = command;
    let argv = [...args];
    if (this.rssMethod === 'gnu-time') {
      file = GNU_TIME;
      argv = ['-f', USAGE_FORMAT, '-o', usageFile, command, ...args];
    } else {
      env.BENCH_RSS_FILE = usageFile;
      env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${this.preloadPath}`.trim();
    }
    return this.spawnTimed(file, argv, env, options).then((result) => {
      const usage = readUsage(usageFile);
      if ((options.check ?? true) && result.exitCode !== 0) {
        throw new Error(`${command} ${args.join(' ')} exited with ${result.exitCode}: ${result.stderr.slice(0, 2000)}`);
      }
      return { ...result, ...usage };
    });
  }

  private spawnTimed(file: string, argv: string[], env: NodeJS.ProcessEnv, options: RunOptions): Promise<Omit<RunResult, keyof Usage>> {
    return new Promise((resolve, reject) => {
      const stdoutChunks: Buffer[] = [];
      const stderrChunks: Buffer[] = [];
      let stdoutBytes = 0;
      const start = process.hrtime.bigint();
      const child = spawn(file, argv, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
      child.on('error', reject);
      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (options.captureStdout) stdoutChunks.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => stderrChunks.push(chunk));
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
      child.on('close', (code, signal) => {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        resolve({
          seconds,
          exitCode: code ?? (signal ? 128 : 1),
          stdoutBytes,
          stdout: Buffer.concat(stdoutChunks),
          stderr: Buffer.concat(stderrChunks).toString('utf8'),
        });
      });
    });
  }
}

/** The absolute path of `name` on PATH, or undefined when it is not installed. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  return undefined;
}

/** The better of several runs: lowest wall time. */
export function fastest(results: readonly RunResult[]): RunResult {
  return results.reduce((best, r) => (r.seconds < best.seconds ? r : best));
}
