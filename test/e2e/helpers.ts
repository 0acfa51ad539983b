/**
 * Helpers for the end-to-end tests: spawn the built CLI (dist/bin/strata.js) on real files in
 * temporary folders. Build first: `npx tsc -p tsconfig.json`.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, resolved relative to this file (test/e2e -> dist/bin/strata.js). */
export const CLI = fileURLToPath(new URL('../../dist/bin/strata.js', import.meta.url));

if (!existsSync(CLI)) {
  throw new Error(`${CLI} does not exist: build first with \`npx tsc -p tsconfig.json\``);
}

export interface RunOptions {
  cwd?: string;
  /** Extra environment; a value of undefined removes the variable. STRATA_REPO is removed unless given. */
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
}

export interface RunResult {
  code: number;
  stdout: string;
  stdoutBuf: Buffer;
  stderr: string;
}

function childEnv(extra: Record<string, string | undefined> | undefined): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.STRATA_REPO;
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Runs `node dist/bin/strata.js ...args` synchronously. */
export function strata(args: string[], options: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: childEnv(options.env),
    ...(options.input === undefined ? {} : { input: options.input }),
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  const stdoutBuf = r.stdout ?? Buffer.alloc(0);
  return {
    code: r.status ?? (r.signal ? 128 : 1),
    stdout: stdoutBuf.toString('utf8'),
    stdoutBuf,
    stderr: (r.stderr ?? Buffer.alloc(0)).toString('utf8'),
  };
}

/**
 * Runs the CLI asynchronously and collects its output: several of these in a Promise.all run in
 * parallel (each CLI start costs a few hundred milliseconds of CPU).
 */
export function strataP(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? tmpdir(), env: childEnv(options.env) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdoutBuf = Buffer.concat(out);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: stdoutBuf.toString('utf8'), stdoutBuf, stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined); // the CLI may exit before reading stdin
    child.stdin.end(options.input);
  });
}

/** Runs several commands in parallel; resolves to their results in order. */
export function strataAll(commands: Array<string[] | [string[], RunOptions]>): Promise<RunResult[]> {
  return Promise.all(
    commands.map((c) => (Array.isArray(c[0]) ? strataP(c[0] as string[], (c[1] as RunOptions | undefined) ?? {}) : strataP(c as string[]))),
  );
}

/** Runs a command that must succeed (exit 0) and returns its stdout without the final newline. */
export function ok(args: string[], options: RunOptions = {}): string {
  const r = strata(args, options);
  if (r.code !== 0) {
    throw new Error(`strata ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r.stdout.replace(/\n$/, '');
}

/** Runs a command with --json that must succeed and parses its stdout. */
export function okJson<T = any>(args: string[], options: RunOptions = {}): T {
  return JSON.parse(ok([...args, '--json'], options)) as T;
}

/** Starts the CLI asynchronously (for interactive stdin/stdout tests). */
export function strataAsync(args: string[], options: Omit<RunOptions, 'input'> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? tmpdir(), env: childEnv(options.env) });
}

const tempDirs: string[] = [];

/** A fresh temporary folder (real path) under os.tmpdir(); removed by removeTempDirs(). */
export function tempDir(label = 'e2e'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `strata-${label}-`)));
  tempDirs.push(dir);
  return dir;
}

/** Removes every folder tempDir() made (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** True when no folder from `dir` upward holds a `.strata` repository (so discovery finds nothing). */
export function noRepositoryAbove(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.strata', 'config'))) return false;
    if (dirname(d) === d) return true;
  }
}

/** sha256 hex of `"<kind> <size>\0" + body`: an object id as objects-spec.md section 4 defines it. */
export function objectId(kind: string, body: Buffer | string): string {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return createHash('sha256').update(Buffer.from(`${kind} ${b.length}\0`)).update(b).digest('hex');
}

export function blobId(body: Buffer | string): string {
  return objectId('blob', body);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Canonical JSON (objects-spec.md section 5) for the plain values the tests build. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Every regular file under a folder (recursively), as paths relative to it. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const p = rel === '' ? name : `${rel}/${name}`;
      if (statSync(join(dir, p)).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk('');
  return out.sort();
}

/** The ids of the loose objects stored in a repository folder. */
export function storedObjectIds(repo: string): string[] {
  return listFiles(join(repo, 'objects')).map((p) => p.replace('/', ''));
}

/** The path of a loose object's file. */
export function objectPath(repo: string, id: string): string {
  return join(repo, 'objects', id.slice(0, 2), id.slice(2));
}

export const HEX64 = /^[0-9a-f]{64}$/;

/** Writes files (paths relative to `dir`, folders created as needed). */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** `strata snapshot -m <message>` in `dir`; returns the new version's id. */
export function snapshotWithMessage(dir: string, message: string): string {
  const lines = ok(['snapshot', '--json', '-m', message], { cwd: dir }).trim().split('\n');
  return (JSON.parse(lines[lines.length - 1] as string) as { id: string }).id;
}

/** The code of an `error[CODE]: …` line on stderr. */
export function errorCode(stderr: string): string | undefined {
  return /^error\[([A-Z_]+)\]/m.exec(stderr)?.[1];
}
