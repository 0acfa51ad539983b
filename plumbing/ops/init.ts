import { join, resolve } from 'node:path';
import { StrataError } from '../errors/index.js';
import { CHUNKING_FORMATS, CHUNK_LIMITS, DEFAULT_FORMAT_CHUNKING, FastCdcConfig, defaultConfig, newRepositoryFormatChunking, type ChunkingFormat, type FormatChunkingConfig, type RepoConfig } from '../format/repo-config.js';
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
  /**
   * Archive formats chunked member by member (objects-spec.md section 10.2): a list of `tar`, `zip`,
   * each optionally with its `groupBelow` in bytes (`tar:0`, `zip:16384`), or an empty list for none.
   * Default: those a new repository gets (`newRepositoryFormatChunking`).
   */
  formatChunking?: readonly string[] | undefined;
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
  return { ...config, chunking: parsed.data, formatChunking: formatChunkingFrom(options.formatChunking), compression: { algorithm: 'zlib', level } };
}

/** The per-format chunking config for a list of format names (see InitOptions.formatChunking). */
export function formatChunkingFrom(formats: readonly string[] | undefined): FormatChunkingConfig {
  if (formats === undefined) return newRepositoryFormatChunking();
  const config: FormatChunkingConfig = {};
  for (const item of formats) {
    const [name = '', group, ...extra] = item.split(':');
    if (!(CHUNKING_FORMATS as readonly string[]).includes(name)) {
      throw new StrataError('INVALID_ARGUMENT', `unknown archive format "${name}" for format-aware chunking; known: ${CHUNKING_FORMATS.join(', ')} (or none)`);
    }
    const groupBelow = group === undefined ? undefined : Number(group);
    if (extra.length > 0 || (groupBelow !== undefined && (group === '' || !Number.isSafeInteger(groupBelow) || groupBelow < 0 || groupBelow > CHUNK_LIMITS.max))) {
      throw new StrataError('INVALID_ARGUMENT', `"${item}": the size after the format must be a whole number of bytes from 0 to ${CHUNK_LIMITS.max} (members up to it are grouped)`);
    }
    const format = name as ChunkingFormat;
    const defaults = DEFAULT_FORMAT_CHUNKING[format];
    const entry = { strategy: defaults.strategy, groupBelow: groupBelow ?? defaults.groupBelow };
    if (format === 'tar') config.tar = entry as FormatChunkingConfig['tar'];
    else config.zip = entry as FormatChunkingConfig['zip'];
  }
  return config;
}

/** Creates a repository: at `repo` itself, or in `<dir>/.strata`. */
export async function initRepository(options: InitOptions = {}): Promise<InitResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = options.repo !== undefined ? resolve(cwd, options.repo) : join(resolve(cwd, options.dir ?? '.'), REPO_DIR_NAME);
  const config = configFromOptions(options);
  const repo = await createRepository({ root, config, ...(options.clock ? { clock: options.clock } : {}) });
  return { root: repo.root, config: repo.config };
}
