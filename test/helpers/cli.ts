/**
 * Runs the BUILT strata CLI (dist/bin/strata.js) as a real child process. Tests that use this helper
 * assume `npm test` built the project first (pretest runs tsc), so dist/ exists.
 *
 * - `runCli(args, options)`: synchronous run; returns the exit code, signal, stdout and stderr (as
 *   Buffers and as strings).
 * - `startCli(args, options)`: asynchronous start; returns the child (for kill tests) and a promise of
 *   the same result once the process has exited.
 * - small helpers to read an `error[CODE]: message` line (or a `--json` error object) from stderr.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the built CLI entry point, resolved from this file (test/helpers/ -> dist/bin/). */
export const CLI_PATH = fileURLToPath(new URL('../../dist/bin/strata.js', import.meta.url));

export interface CliOptions {
  /** Working folder of the process (default: the test process's cwd). */
  cwd?: string;
  /**
   * Environment. Default: the test process's environment without STRATA_REPO (so discovery is only
   * what the test sets up), with NO_COLOR=1. Values set to undefined are removed.
   */
  env?: Record<string, string | undefined>;
  /** Replace the environment entirely instead of extending the default one. */
  replaceEnv?: boolean;
  /** Bytes written to stdin (stdin is closed afterwards; without input stdin is empty). */
  input?: string | Buffer;
  /** Kill the process with SIGKILL after this many ms (default 120 s). */
  timeoutMs?: number;
  /** Run through this command, e.g. `['setpriv', …]`: spawns `wrap… node dist/bin/strata.js args…`. */
  wrap?: string[];
}

export interface CliResult {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBuffer: Buffer;
  stderrBuffer: Buffer;
  /** Wall-clock run time in ms. */
  durationMs: number;
  /** The arguments, for messages. */
  args: string[];
}

function buildEnv(options: CliOptions): NodeJS.ProcessEnv {
  const base: Record<string, string | undefined> = options.replaceEnv ? {} : { ...process.env, NO_COLOR: '1' };
  if (!options.replaceEnv) delete base.STRATA_REPO;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base as NodeJS.ProcessEnv;
}

function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`${CLI_PATH} does not exist: build first (npx tsc -p tsconfig.json, or npm test which runs pretest)`);
  }
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: CliOptions = {}): CliResult {
  assertBuilt();
  const started = Date.now();
  const [command, ...prefix] = options.wrap ?? [process.execPath];
  const r = spawnSync(command as string, [...prefix, ...(options.wrap ? [process.execPath] : []), CLI_PATH, ...args], {
    cwd: options.cwd,
    env: buildEnv(options),
    input: options.input ?? '',
    timeout: options.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.error && !r.stdout) throw r.error;
  return toResult(r.status, r.signal, r.stdout ?? Buffer.alloc(0), r.stderr ?? Buffer.alloc(0), started, args);
}

function toResult(
  code: number | null,
  signal: NodeJS.Signals | null,
  stdoutBuffer: Buffer,
  stderrBuffer: Buffer,
  started: number,
  args: string[],
): CliResult {
  return {
    code,
    signal,
    stdout: stdoutBuffer.toString('utf8'),
    stderr: stderrBuffer.toString('utf8'),
    stdoutBuffer,
    stderrBuffer,
    durationMs: Date.now() - started,
    args,
  };
}

export interface RunningCli {
  child: ChildProcess;
  pid: number;
  /** When the process has started (spawn event), ms since the epoch. */
  spawned: Promise<number>;
  /** Resolves when the process has exited and its output is closed. */
  done: Promise<CliResult>;
  kill(signal?: NodeJS.Signals): boolean;
}

/** Starts the CLI without waiting for it. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  assertBuilt();
  const started = Date.now();
  const [command, ...prefix] = options.wrap ?? [process.execPath];
  const child = spawn(command as string, [...prefix, ...(options.wrap ? [process.execPath] : []), CLI_PATH, ...args], {
    cwd: options.cwd,
    env: buildEnv(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const spawned = new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(Date.now()));
    child.once('error', reject);
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve(toResult(code, signal, Buffer.concat(out), Buffer.concat(err), started, args));
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${CLI_PATH}`);
  return { child, pid: child.pid, spawned, done, kill: (signal = 'SIGTERM') => child.kill(signal) };
}

/** Runs the CLI asynchronously and waits for it (convenient for running several at once). */
export function runCliAsync(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** A one-line description of a result for assertion messages. */
export function describeResult(r: CliResult): string {
  return `strata ${r.args.join(' ')} -> code ${r.code}${r.signal ? ` signal ${r.signal}` : ''}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
}

export interface ParsedError {
  code: string;
  message: string;
  hint?: string;
}

/** The first `error[CODE]: message` line of stderr (with the `hint:` line after it), or undefined. */
export function parseErrorLine(stderr: string): ParsedError | undefined {
  const lines = stderr.split('\n');
  const i = lines.findIndex((l) => /^error\[[A-Z_]+\]: /.test(l));
  if (i < 0) return undefined;
  const m = /^error\[([A-Z_]+)\]: (.*)$/.exec(lines[i] as string) as RegExpExecArray;
  const next = lines[i + 1];
  const hint = next !== undefined && next.startsWith('hint: ') ? next.slice('hint: '.length) : undefined;
  return { code: m[1] as string, message: m[2] as string, ...(hint === undefined ? {} : { hint }) };
}

/** Every line of stderr that is a JSON object (the `--json` error and warning lines). */
export function parseJsonLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        const v = JSON.parse(l) as unknown;
        return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    })
    .filter((v): v is Record<string, unknown> => v !== undefined);
}

/** A fresh temporary folder (under the OS temp folder) and a function that removes it. */
export function makeTempDir(prefix = 'strata-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `strata init --repo <repo> ...extra` and throws unless it succeeded. */
export function initRepo(repo: string, extra: string[] = []): void {
  const r = runCli(['init', '--repo', repo, ...extra]);
  if (r.code !== 0) throw new Error(`init failed: ${describeResult(r)}`);
}

/** Runs the CLI with `--repo`, throws unless it exited 0, and returns trimmed stdout. */
export function cliOk(repo: string, args: string[], options: CliOptions = {}): string {
  const r = runCli([...args, '--repo', repo], options);
  if (r.code !== 0) throw new Error(`expected success: ${describeResult(r)}`);
  return r.stdout.trim();
}

/** Like `cliOk`, without blocking the event loop (for tests that run at the same time). */
export async function cliOkAsync(repo: string, args: string[], options: CliOptions = {}): Promise<string> {
  const r = await runCliAsync([...args, '--repo', repo], options);
  if (r.code !== 0) throw new Error(`expected success: ${describeResult(r)}`);
  return r.stdout.trim();
}
