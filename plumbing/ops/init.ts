import { join, resolve } from 'node:path';
import { StrataError } from '../errors/index.js';
import { FastCdcConfig, defaultConfig, type RepoConfig } from '../format/repo-config.js';
import { createRepository, REPO_DIR_NAME } from '../store/repository.js';
import type { Clock } from '../store/clock.js';

export interface InitOptions {
  /** The repository folder itself (`--repo`): it becomes the repository. */
  repo?: string | undefined;
  /** A project folder: the repository is `<dir>/.strata`. Default: the current folder. */
  dir?: string | undefined;
  cwd?: string;
  minChunk?: number | undefined;
  avgChunk?: number | undefined;
  maxChunk?: number | undefined;
  normalization?: number | undefined;
  compressionLevel?: number | undefined;
  clock?: Clock;
}

export interface InitResult {
  root: string;
  config: RepoConfig;
}

/** Builds and validates a config from init's options (defaults: 64 KiB / 1 MiB / 4 MiB, level 1). */
export function configFromOptions(options: Omit<InitOptions, 'repo' | 'dir' | 'cwd' | 'clock'>): RepoConfig {
  const config = defaultConfig();
  const chunking = {
    algorithm: 'fastcdc-2020' as const,
    minSize: options.minChunk ?? 64 * 1024,
    avgSize: options.avgChunk ?? 1024 * 1024,
    maxSize: options.maxChunk ?? 4 * 1024 * 1024,
    normalization: options.normalization ?? 1,
  };
  const parsed = FastCdcConfig.safeParse(chunking);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StrataError(
      'INVALID_ARGUMENT',
      `invalid chunking parameters (min ${chunking.minSize}, avg ${chunking.avgSize}, max ${chunking.maxSize}, normalization ${chunking.normalization}): ${issue?.message ?? 'invalid'}`,
    );
  }
  const bits = Math.round(Math.log2(chunking.avgSize));
  if (bits - chunking.normalization < 5 || bits + chunking.normalization > 25) {
    throw new StrataError('INVALID_ARGUMENT', `average chunk size ${chunking.avgSize} with normalization ${chunking.normalization} is outside FastCDC's mask table (2^5..2^25)`);
  }
  const level = options.compressionLevel ?? config.compression.level;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new StrataError('INVALID_ARGUMENT', `compression level must be an integer from 0 to 9, not ${level}`);
  }
  return { ...config, chunking: parsed.data, compression: { algorithm: 'zlib', level } };
}

/** Creates a repository: at `repo` itself, or in `<dir>/.strata`. */
export async function initRepository(options: InitOptions = {}): Promise<InitResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = options.repo !== undefined ? resolve(cwd, options.repo) : join(resolve(cwd, options.dir ?? '.'), REPO_DIR_NAME);
  const config = configFromOptions(options);
  const repo = await createRepository({ root, config, ...(options.clock ? { clock: options.clock } : {}) });
  return { root: repo.root, config: repo.config };
}
