import { z } from 'zod';

/**
 * The seed's shared models (`FileInfo`, `VersionInfo`, `ChunkInfo`, `BackupConfig`) as zod schemas
 * with inferred types. They describe data exchanged through the library API; the on-disk objects
 * have their own exact schemas (tree, version, chunk list).
 */
const id = z.string().regex(/^[0-9a-f]{64}$/);

export const ChunkInfo = z.strictObject({
  id,
  offset: z.number().int().min(0),
  size: z.number().int().min(1),
});
export type ChunkInfo = z.infer<typeof ChunkInfo>;

export const FileInfo = z.strictObject({
  path: z.string(),
  type: z.enum(['file', 'executable', 'symlink', 'directory']),
  size: z.number().int().min(0),
  /** The content id: a blob or chunk list (files), blob (symlink target) or tree (directories). */
  hash: id,
  /** Milliseconds since the epoch. */
  modifiedTime: z.number().int(),
  mode: z.number().int().min(0).max(0o7777).optional(),
  chunks: z.array(ChunkInfo).optional(),
  contentType: z.string().optional(),
  metadata: z.record(z.string(), z.string()).default({}),
});
export type FileInfo = z.infer<typeof FileInfo>;

export const VersionInfo = z.strictObject({
  id,
  /** Milliseconds since the epoch. */
  timestamp: z.number().int(),
  name: z.string(),
  tree: id,
  parentId: id.optional(),
  parents: z.array(id),
  tags: z.array(z.string()),
  description: z.string(),
  metadata: z.record(z.string(), z.string()),
  isMilestone: z.boolean(),
});
export type VersionInfo = z.infer<typeof VersionInfo>;

export const BackupConfig = z.strictObject({
  repositoryPath: z.string(),
  compressionLevel: z.number().int().min(0).max(9).default(1),
  minChunkSize: z.number().int().min(64).default(64 * 1024),
  avgChunkSize: z.number().int().min(64).default(1024 * 1024),
  maxChunkSize: z.number().int().min(64).default(4 * 1024 * 1024),
  ignorePatterns: z.array(z.string()).default([]),
});
export type BackupConfig = z.infer<typeof BackupConfig>;
