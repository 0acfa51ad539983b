/**
 * The public surface of strata's porcelain layer: the everyday backup workflows (snapshot, restore,
 * history, comparison, retention and checking) as library functions. Upper layers import porcelain
 * only through this file.
 */
export { snapshot, type SnapshotOptions, type SnapshotResult, type SnapshotProgress } from './ops/snapshot.js';
export { currentBranch } from './ops/branches.js';
export { restore, restoreProblemError, type RestoreOptions, type RestoreResult, type RestoreProgress, type RestoreAction, type RestoreActionKind, type RestoreProblem } from './ops/restore.js';
export { catPath, type CatPathOptions, type CatPathResult } from './ops/cat.js';
export { listVersionPath, type ListVersionPathOptions, type ListVersionPathResult, type VersionPathEntry } from './ops/ls.js';
export { splitVersionPath, resolveVersionPath, type VersionPathSpec, type ResolvedVersionPath } from './ops/version-path.js';
export { createPathFilter, type PathFilter, type PathFilterOptions } from './core/path-filter.js';
export { OVERWRITE_MODES, DEFAULT_OVERWRITE, decideEntry, decideDirectory, afterCompare, type OverwriteMode, type DiskState, type DiskKind, type WantedEntry, type EntryDecision, type DirectoryDecision, type KeepReason, type ReplaceReason } from './core/overwrite-policy.js';
export { quotePath } from './core/quote-path.js';
export { createIgnoreFilter, IGNORE_FILE, type IgnoreFilterOptions, type ExcludeFn } from './scan/ignore-filter.js';
export { stats, singleBlobLimit, type StatsOptions, type StatsResult, type ExtensionStats, type KindStats, type VersionGrowth } from './ops/stats.js';
export { computeStorageStats, extensionOf, type StatsInput, type StatsVersionInput, type StorageStatsCore } from './core/storage-stats.js';
export { applyRetentionPolicy, isEmptyPolicy, parseRetentionDuration, subtractDuration, periodKey, type RetentionPolicy, type RetentionVersion, type RetentionDecision, type RetentionResult, type ApplyRetentionOptions, type RetentionDuration } from './core/retention.js';
export { forget, type ForgetOptions, type ForgetResult, type ForgetVersion } from './ops/forget.js';
export { pinVersion, unpinVersion, listPins, pinRef, PINS_REF_PREFIX, type PinVersionOptions, type UnpinVersionOptions, type ListPinsOptions, type PinInfo } from './ops/pins.js';
export { gc, type GcOptions, type GcResult, type GcVersionFreed, type GcAmount } from './ops/gc.js';
export { check, parseSubset, type CheckOptions, type CheckResult, type CheckProblem, type CheckUse, type CheckProgress } from './ops/check.js';
export { unlock, listLocks, type UnlockOptions, type UnlockResult, type LockEntry } from './ops/unlock.js';
export { diffTrees, summarizeDiff, STATUS_LETTERS, type DiffTreesOptions, type TreeDiff, type DiffEntry, type DiffStatus, type DiffSummary, type StatusTotals, type DiffNode, type DirNode, type LeafNode, type LeafType, type NodeType } from './core/tree-diff.js';
export { diffVersions, diffWorkingFolder, TreeLoader, type DiffVersionsOptions, type DiffVersionsResult, type DiffWorkingFolderOptions, type DiffWorkingFolderResult, type DiffSide, type FolderComparison, type TreeTotals } from './ops/diff.js';
export { status, type StatusOptions, type StatusResult } from './ops/status.js';
export { log, type LogOptions, type LogResult, type LogEntry } from './ops/log.js';
export { showVersion, type ShowOptions, type ShowResult } from './ops/show.js';
export { findPaths, type FindOptions, type FindResult, type FindMatch } from './ops/find.js';
export { compileGlob, type GlobMatcher } from './core/glob.js';
export { createTag, deleteTag, listTags, type CreateTagOptions, type CreateTagResult, type DeleteTagOptions, type DeleteTagResult, type ListTagsOptions, type TagInfo } from './ops/tag.js';
export { listBranches, createBranch, deleteBranch, type ListBranchesOptions, type BranchInfo, type CreateBranchOptions, type CreateBranchResult, type DeleteBranchOptions, type DeleteBranchResult } from './ops/branch.js';
export { listAllVersions, walkFirstParents, resolveVersion, type VersionRecord, type WalkEnd, type HistoryScope } from './ops/version-list.js';
export { BackupEngine } from './engine/backup-engine.js';
export { VersionTracker, toVersionInfo, type CreateVersionOptions } from './engine/version-tracker.js';
export { readStoredContent, streamStoredContent, type ReadStoredContentOptions } from './ops/read-content.js';
export { loadDerivedIndex, readDerived, putDerived, pruneDerived, derivedRefName, DERIVED_REF_PREFIX, type DerivedIndex, type PutDerivedOptions, type PutDerivedResult, type DerivedPruneResult } from './ops/derived.js';
export { writeRecord, listRecords, listRecordNamespaces, resolveRecord, listRecordFiles, readRecordFile, deleteRecord, recordRefs, RECORDS_REF_PREFIX, type WriteRecordOptions, type RecordFileInput, type RecordInfo, type RecordEntry } from './ops/records.js';
export { gitExport, DEFAULT_GIT_IDENTITY, type GitExportOptions, type GitExportResult, type GitExportTag, type GitExportProgress } from './ops/git-export.js';
export { gitImport, type GitImportOptions, type GitImportResult, type GitImportTag, type GitImportProgress } from './ops/git-import.js';
// What the layers above need of plumbing, so that they import porcelain only.
export { formatBytes, formatBytesCompact, StrataError, isStrataError, openRepository, createRepository, systemClock, fixedClock, mapLimit, Semaphore, type Repository, type OpenOptions, type Clock, type ErrorCode, type TreeEntry, type EntryType } from '../plumbing/index.js';
