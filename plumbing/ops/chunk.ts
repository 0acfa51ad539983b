import { open } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { StrataError, hasErrno } from '../errors/index.js';
import { chunkReads } from '../chunking/stream.js';
import { computeObjectId } from '../format/object-id.js';
import { DEFAULT_CHUNKING, defaultConfig, newRepositoryFormatChunking, type ChunkingConfig, type FormatChunkingConfig } from '../format/repo-config.js';
import { FormatAwareChunker, type ChunkingExplanation } from '../chunking/format-aware.js';
import type { Repository } from '../store/repository.js';
import { chunkingFor } from '../store/repository.js';

export interface ChunkFileOptions {
  /** Its parameters are used unless others are given; defaults apply without one. */
  repo?: Repository | undefined;
  file: string;
  min?: number | undefined;
  avg?: number | undefined;
  max?: number | undefined;
  normalization?: number | undefined;
}

/** Chunk count and sizes. */
export interface ChunkSummary {
  count: number;
  minSize: number;
  maxSize: number;
  avgSize: number;
}

export interface ChunkBoundary {
  offset: number;
  length: number;
  /** The blob id the chunk has (or would have) in the repository. */
  id: string;
}

export interface ChunkFileResult {
  file: string;
  size: number;
  chunking: ChunkingConfig;
  /** The per-format chunking that applied (the repository's; without one, a new repository's). */
  formatChunking: FormatChunkingConfig;
  /** Which strategy cut the file, and why. */
  explanation: ChunkingExplanation;
  summary: ChunkSummary;
  chunks: ChunkBoundary[];
}

/** The chunk boundaries of a file, without storing anything. */
export async function chunkFile(options: ChunkFileOptions): Promise<ChunkFileResult> {
  const base = (options.repo?.config ?? defaultConfig()).chunking;
  const overridden = [options.min, options.avg, options.max, options.normalization].some((v) => v !== undefined);
  const fast = base.algorithm === 'fastcdc-2020' ? base : DEFAULT_CHUNKING;
  const chunking: ChunkingConfig = overridden
    ? {
        algorithm: 'fastcdc-2020',
        minSize: options.min ?? fast.minSize,
        avgSize: options.avg ?? fast.avgSize,
        maxSize: options.max ?? fast.maxSize,
        normalization: options.normalization ?? fast.normalization,
      }
    : base;
  const formatChunking = options.repo ? (options.repo.config.formatChunking ?? {}) : newRepositoryFormatChunking();
  let strategy;
  try {
    strategy = chunkingFor({ ...defaultConfig(), chunking, formatChunking }).forFile({ name: options.file });
  } catch (err) {
    throw new StrataError('INVALID_ARGUMENT', `invalid chunking parameters: ${(err as Error).message}`);
  }
  try {
    const st = await stat(options.file);
    if (!st.isFile()) throw new StrataError('INVALID_ARGUMENT', `${options.file} is not a regular file`);
  } catch (err) {
    if (err instanceof StrataError) throw err;
    if (hasErrno(err, 'ENOENT')) throw new StrataError('FILE_NOT_FOUND', `${options.file} does not exist`);
    throw new StrataError('IO_ERROR', `cannot read ${options.file}: ${(err as Error).message}`);
  }
  const chunks: ChunkBoundary[] = [];
  let offset = 0;
  const handle = await open(options.file, 'r');
  try {
    const read = async (buffer: Buffer, at: number, length: number) => (await handle.read(buffer, at, length, null)).bytesRead;
    for await (const chunk of chunkReads(read, strategy)) {
      chunks.push({ offset, length: chunk.length, id: computeObjectId('blob', chunk) });
      offset += chunk.length;
    }
  } finally {
    await handle.close();
  }
  const explanation: ChunkingExplanation =
    strategy instanceof FormatAwareChunker
      ? strategy.explain()
      : { strategy: 'generic', reason: Object.values(formatChunking).some(Boolean) ? 'the file is empty' : 'this repository chunks every file generically' };
  const summary: ChunkSummary = {
    count: chunks.length,
    minSize: chunks.reduce((m, c) => Math.min(m, c.length), chunks.length > 0 ? Infinity : 0),
    maxSize: chunks.reduce((m, c) => Math.max(m, c.length), 0),
    avgSize: chunks.length > 0 ? Math.round(offset / chunks.length) : 0,
  };
  return { file: options.file, size: offset, chunking, formatChunking, explanation, summary, chunks };
}
