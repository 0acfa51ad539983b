/**
 * The public surface of strata's plumbing layer: the object format, the store, chunking and one
 * function per low-level verb. Upper layers import plumbing only through this file.
 */
// errors
export { StrataError, isStrataError, EXIT, ERROR_CODES, exitCodeFor, type ErrorCode, type StrataErrorOptions } from './errors/index.js';

// format
export { OBJECT_KINDS, isObjectKind, encodeHeader, parseHeader, type ObjectKind, type ParsedHeader } from './format/header.js';
export { computeObjectId, createObjectHasher, isObjectId, isIdPrefix, type ObjectId } from './format/object-id.js';
export { canonicalEncode, canonicalDecode, canonicalStringify, CanonicalJsonError, type CanonicalValue } from './format/canonical-json.js';
export { FormatError } from './format/format-error.js';
export { encodeObject, decodeObject, parseObject, type RawObject, type ParsedObject } from './format/object.js';
export { ENTRY_TYPES, encodeTree, decodeTree, normalizeTree, entryDisplayName, TreeJson, TreeEntryJson, type Tree, type TreeEntry, type EntryType } from './format/tree.js';
export { encodeChunkList, decodeChunkList, ChunkListJson, type ChunkList, type ChunkRef } from './format/chunk-list.js';
export { encodeVersion, decodeVersion, normalizeVersion, VersionJson, type VersionBody, type VersionInput } from './format/version.js';
export { nameProblem, compareNames, decodeUtf8Name, displayName, MAX_NAME_BYTES } from './format/entry-name.js';
export { refNameProblem, isValidRefName, REF_NAMESPACES, type RefValue } from './format/ref-name.js';
export { RepoConfig, ChunkingConfig, CompressionConfig, FORMAT_VERSION, DEFAULT_CHUNKING, DEFAULT_COMPRESSION, defaultConfig, FormatChunkingConfig, CHUNKING_FORMATS, DEFAULT_FORMAT_CHUNKING, newRepositoryFormatChunking, type ChunkingFormat } from './format/repo-config.js';
export { FileInfo, VersionInfo, ChunkInfo, BackupConfig } from './format/models.js';

// chunking
export type { ChunkingStrategy, ChunkSource } from './chunking/strategy.js';
export { FastCdcChunker } from './chunking/fastcdc.js';
export { FixedSizeChunker } from './chunking/fixed.js';
export { chunkStream, chunkReads, type ReadInto } from './chunking/stream.js';
export { FileChunking, FormatAwareChunker, detectFormat, formatHint, FORMAT_EXTENSIONS, type ChunkingExplanation } from './chunking/format-aware.js';

// store
export type { StorageBackend, StoredObjectInfo, RefUpdate } from './store/backend.js';
export { LocalBackend, LAYOUT } from './store/local-backend.js';
export { ObjectStore, type WriteResult } from './store/object-store.js';
export { RefStore, type ResolvedRef } from './store/ref-store.js';
export { StorageManager } from './store/storage-manager.js';
export { storeContent, readContent, withFileSource, type StoredContent, type StoreContentOptions, type ContentSource } from './store/file-content.js';
export { openRepository, findRepository, createRepository, strategyFor, chunkingFor, REPO_DIR_NAME, type Repository, type OpenOptions } from './store/repository.js';
export { systemClock, fixedClock, type Clock } from './store/clock.js';
export { acquireRepoLock, withRepoLock, listRepoLocks, removeRepoLocks, LOCKS_DIR, type RepoLock, type RepoLockInfo, type RepoLockKind, type RepoLockOptions } from './store/repo-lock.js';
export { SnapshotCache, CACHE_DIR, type CachedFileStat } from './store/snapshot-cache.js';
export { isProcessAlive, safeHostname } from './store/process-identity.js';

// verbs
export { initRepository, type InitOptions, type InitResult } from './ops/init.js';
export { hashObject, type HashObjectOptions, type HashedObject } from './ops/hash-object.js';
export { catFile, catFileBatch, type CatFileOptions, type CatFileResult, type BatchItem, type CatFileBatchOptions } from './ops/cat-file.js';
export { lsTree, type LsTreeOptions, type LsTreeEntry } from './ops/ls-tree.js';
export { writeTree, type WriteTreeOptions, type WriteTreeResult, type ScanWarning, type ScannedFile, type StoredFile, type WriteTreeProgress } from './ops/write-tree.js';
export { checkoutTree, type CheckoutTreeOptions, type CheckoutTreeResult } from './ops/checkout-tree.js';
export { writeFileEntry, writeSymlinkEntry, ensureRealDirectory, setEntryMetadata, fsSeconds, type FileEntryToWrite, type WriteFileEntryOptions, type WriteSymlinkEntryOptions } from './ops/write-entry.js';
export { FileWriterThreads } from './ops/file-writers.js';
export { joinPath } from './ops/buffer-path.js';
export { commitVersion, type CommitVersionOptions, type CommitVersionResult } from './ops/commit-version.js';
export { updateRef, type UpdateRefOptions, type UpdateRefResult } from './ops/update-ref.js';
export { symbolicRef, type SymbolicRefOptions, type SymbolicRefResult } from './ops/symbolic-ref.js';
export { forEachRef, formatRef, type ForEachRefOptions, type RefInfo } from './ops/for-each-ref.js';
export { revParse, type RevParseOptions, type RevParseResult } from './ops/rev-parse.js';
export { resolveRevision, resolveToKind, peelToTree, lookupPath, type ResolvedRevision } from './ops/resolve-revision.js';
export { chunkFile, type ChunkFileOptions, type ChunkFileResult, type ChunkBoundary } from './ops/chunk.js';
export { fsck, type FsckOptions, type FsckResult } from './ops/fsck.js';
export { walkReachable, type IntegrityProblem, type ReachabilityResult } from './ops/reachability.js';
export { countObjects, type CountObjectsResult, type KindCount } from './ops/count-objects.js';
export { prune, DEFAULT_PRUNE_EXPIRE_MS, type PruneOptions, type PruneResult } from './ops/prune.js';
export { parseDuration } from './util/duration.js';
export { formatBytes, formatBytesCompact } from './util/byte-size.js';
export { Semaphore, mapLimit } from './util/concurrency.js';
export { hasErrno } from './errors/index.js';
