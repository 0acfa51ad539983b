/** What every case gets: options, the temp folder, the process runner, the report and the CLI. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './args.js';
import type { ProcessRunner, RunOptions, RunResult } from './proc.js';
import type { Report } from './report.js';

/** The built CLI (`dist/bin/strata.js`), relative to this compiled file (`dist/bench/lib/`). */
export const STRATA_BIN = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));

export interface BenchContext {
  options: BenchOptions;
  /** 1 for a full run, 1/8 with `--quick`. */
  scale: number;
  /** The run's temp folder (removed at the end). */
  workDir: string;
  runner: ProcessRunner;
  report: Report;
  /** Shared between cases: the small-file folder and its repositories (see case-write-tree). */
  shared: Map<string, unknown>;
}

/** Runs the built CLI: `node dist/bin/strata.js <args>`. */
export function strata(ctx: Pick<BenchContext, 'runner'>, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return ctx.runner.run(process.execPath, [STRATA_BIN, ...args], options);
}

/** Environment that keeps git away from the user's and the system's configuration. */
export const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

/** A size scaled for `--quick`, rounded to a whole MiB-aligned or positive integer. */
export function scaled(ctx: Pick<BenchContext, 'scale'>, full: number, granularity = 1): number {
  return Math.max(granularity, Math.round((full * ctx.scale) / granularity) * granularity);
}

/** Total bytes of the regular files under `dir` (0 when it does not exist). */
export function folderBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** Megabytes (10^6 bytes) per second. */
export function mbPerSecond(bytes: number, seconds: number): number {
  return bytes / 1e6 / seconds;
}

/** Bytes as megabytes (10^6), or null. */
export function megabytes(bytes: number | null): number | null {
  return bytes === null ? null : bytes / 1e6;
}

/** A progress line on stderr (stdout carries only the table and the JSON line). */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
