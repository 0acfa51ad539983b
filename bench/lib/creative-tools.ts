/**
 * The programs the creative benchmark runs: the built strata CLI on a temp project (its repository
 * in `<project>/.strata`, named with `--repo` on every call so no STRATA_REPO or parent folder takes
 * part), and ImageMagick 6 or 7 (`compare`, `mogrify`) as the peer when it is installed. A program
 * named `compare` that is not ImageMagick (a stand-in, or another package's) does not count.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { STRATA_BIN } from './context.js';
import { findExecutable, type ProcessRunner, type RunOptions, type RunResult } from './proc.js';

/** A folder of files with a strata repository in it, run through the built CLI. */
export class StrataProject {
  readonly repo: string;
  /** The highest peak RSS of any strata command run on this project (timed or not), bytes. */
  peakRssBytes: number | null = null;

  constructor(
    private readonly runner: ProcessRunner,
    readonly root: string,
  ) {
    this.repo = join(root, '.strata');
  }

  /** `strata <args> --repo <project>/.strata`, from the project folder. */
  async run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.runner.run(process.execPath, [STRATA_BIN, ...args, '--repo', this.repo], { cwd: this.root, ...options });
    if (result.peakRssBytes !== null) this.peakRssBytes = Math.max(this.peakRssBytes ?? 0, result.peakRssBytes);
    return result;
  }

  /** Runs a command with `--json` and parses the last line of its output. */
  async json<T>(args: readonly string[], options: RunOptions = {}): Promise<{ run: RunResult; value: T }> {
    const run = await this.run([...args, '--json'], { ...options, captureStdout: true });
    return { run, value: lastJsonLine<T>(run, args) };
  }

  init(): Promise<RunResult> {
    return this.runner.run(process.execPath, [STRATA_BIN, 'init', this.root], { cwd: this.root });
  }

  /** Records the project folder as a new version; returns its id. */
  async snapshot(message: string): Promise<string> {
    const { value } = await this.json<{ id?: string; message_type?: string }>(['snapshot', '-m', message]);
    if (typeof value.id !== 'string') throw new Error(`strata snapshot -m "${message}" printed no version id`);
    return value.id;
  }
}

/** The last line of a command's stdout, parsed as JSON. */
export function lastJsonLine<T>(run: RunResult, args: readonly string[]): T {
  const lines = run.stdout.toString('utf8').trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`strata ${args.join(' ')} --json printed no JSON line: ${JSON.stringify(last.slice(0, 200))}`);
  }
}

/** ImageMagick's two programs the benchmark compares with, and its version line. */
export interface ImageMagick {
  compare: string;
  mogrify: string;
  version: string;
}

/** The first line of `<program> -version` when it names ImageMagick, else undefined. */
function imageMagickVersion(program: string): string | undefined {
  const r = spawnSync(program, ['-version'], { encoding: 'utf8', timeout: 20_000 });
  const first = `${r.stdout ?? ''}`.split('\n', 1)[0] ?? '';
  return r.status === 0 && /ImageMagick/.test(first) ? first.replace(/^Version:\s*/, '').trim() : undefined;
}

/** ImageMagick when `compare` and `mogrify` are installed and both are ImageMagick; otherwise why not. */
export function findImageMagick(): ImageMagick | { missing: string } {
  const compare = findExecutable('compare');
  const mogrify = findExecutable('mogrify');
  if (compare === undefined || mogrify === undefined) return { missing: `ImageMagick not installed (no ${compare === undefined ? 'compare' : 'mogrify'} on PATH)` };
  const version = imageMagickVersion(compare);
  if (version === undefined) return { missing: `${compare} is not ImageMagick (its -version does not say so)` };
  if (imageMagickVersion(mogrify) === undefined) return { missing: `${mogrify} is not ImageMagick (its -version does not say so)` };
  return { compare, mogrify, version };
}
