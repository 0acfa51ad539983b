import { z } from 'zod';

/** The repository format version this code reads and writes. */
export const FORMAT_VERSION = 1;

/** Chunker limits accepted at init (bytes). */
export const CHUNK_LIMITS = { min: 64, max: 256 * 1024 * 1024 } as const;

const size = z.number().int().min(CHUNK_LIMITS.min).max(CHUNK_LIMITS.max);

export const FastCdcConfig = z
  .strictObject({
    algorithm: z.literal('fastcdc-2020'),
    minSize: size,
    avgSize: size,
    maxSize: size,
    normalization: z.number().int().min(0).max(3),
  })
  .refine((c) => c.minSize <= c.avgSize && c.avgSize <= c.maxSize, {
    message: 'chunk sizes must satisfy min <= avg <= max',
  });

export const FixedChunkingConfig = z.strictObject({ algorithm: z.literal('fixed'), size });

export const ChunkingConfig = z.union([FastCdcConfig, FixedChunkingConfig]);
export type ChunkingConfig = z.infer<typeof ChunkingConfig>;

/**
 * Format-aware chunking (objects-spec.md section 10.2): for each archive format it names, files of
 * that format are cut at their members' boundaries first, and `chunking` cuts inside large members.
 * Absent (every repository created before it existed) or empty: every file is cut by `chunking` alone.
 */
/**
 * `groupBelow`: members whose data is at most this many bytes are grouped with their headers into
 * chunks of several members (section 10.2); absent or 0: every header region and data region is cut
 * on its own.
 */
const groupBelow = z.number().int().min(0).max(CHUNK_LIMITS.max).optional();

export const FormatChunkingConfig = z.strictObject({
  tar: z.strictObject({ strategy: z.literal('tar-members'), groupBelow }).optional(),
  zip: z.strictObject({ strategy: z.literal('zip-members'), groupBelow }).optional(),
});
export type FormatChunkingConfig = z.infer<typeof FormatChunkingConfig>;

/** The archive formats format-aware chunking knows, in the order detection tries them. */
export const CHUNKING_FORMATS = ['tar', 'zip'] as const;
export type ChunkingFormat = (typeof CHUNKING_FORMATS)[number];

export const CompressionConfig = z.strictObject({
  algorithm: z.literal('zlib'),
  level: z.number().int().min(0).max(9),
});
export type CompressionConfig = z.infer<typeof CompressionConfig>;

/** The `config` file of a repository. */
export const RepoConfig = z.strictObject({
  format: z.literal('strata'),
  formatVersion: z.literal(FORMAT_VERSION),
  hash: z.literal('sha256'),
  chunking: ChunkingConfig,
  /** Per-format chunking; absent means generic chunking for every file (repositories made before it). */
  formatChunking: FormatChunkingConfig.optional(),
  compression: CompressionConfig,
  /** Patterns (gitignore syntax) every snapshot leaves out, besides the source's `.strataignore` files. */
  ignore: z.array(z.string()).optional(),
});
export type RepoConfig = z.infer<typeof RepoConfig>;

export const DEFAULT_CHUNKING = {
  algorithm: 'fastcdc-2020',
  minSize: 64 * 1024,
  avgSize: 1024 * 1024,
  maxSize: 4 * 1024 * 1024,
  normalization: 1,
} as const satisfies ChunkingConfig;

/**
 * The per-format chunking `strata init` records in a new repository (objects-spec.md section 10.2:
 * chosen from the measurements there). `defaultConfig()` leaves it out, as every repository made
 * before format-aware chunking did.
 */
export function newRepositoryFormatChunking(): FormatChunkingConfig {
  return { zip: { ...DEFAULT_FORMAT_CHUNKING.zip } };
}

/** Each format's parameters when `strata init --format-chunking` names it (section 10.2). */
export const DEFAULT_FORMAT_CHUNKING = {
  tar: { strategy: 'tar-members', groupBelow: 4096 },
  zip: { strategy: 'zip-members', groupBelow: 64 * 1024 },
} as const satisfies Required<FormatChunkingConfig>;

export const DEFAULT_COMPRESSION = { algorithm: 'zlib', level: 1 } as const satisfies CompressionConfig;

export function defaultConfig(): RepoConfig {
  return {
    format: 'strata',
    formatVersion: FORMAT_VERSION,
    hash: 'sha256',
    chunking: { ...DEFAULT_CHUNKING },
    compression: { ...DEFAULT_COMPRESSION },
  };
}
