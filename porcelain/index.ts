/**
 * The public surface of strata's porcelain layer: the everyday backup workflows (snapshot, restore,
 * history, comparison, retention and checking) as library functions. Upper layers import porcelain
 * only through this file.
 */
export { snapshot, type SnapshotOptions, type SnapshotResult, type SnapshotProgress } from './ops/snapshot.js';
export { currentBranch } from './ops/branches.js';
export { createIgnoreFilter, IGNORE_FILE, type IgnoreFilterOptions, type ExcludeFn } from './scan/ignore-filter.js';
export { stats, singleBlobLimit, type StatsOptions, type StatsResult, type ExtensionStats, type KindStats, type VersionGrowth } from './ops/stats.js';
export { computeStorageStats, extensionOf, type StatsInput, type StatsVersionInput, type StorageStatsCore } from './core/storage-stats.js';
export { applyRetentionPolicy, isEmptyPolicy, parseRetentionDuration, subtractDuration, periodKey, type RetentionPolicy, type RetentionVersion, type RetentionDecision, type RetentionResult, type ApplyRetentionOptions, type RetentionDuration } from './core/retention.js';
export { forget, type ForgetOptions, type ForgetResult, type ForgetVersion } from './ops/forget.js';
export { gc, type GcOptions, type GcResult, type GcVersionFreed, type GcAmount } from './ops/gc.js';
export { check, parseSubset, type CheckOptions, type CheckResult, type CheckProblem, type CheckUse, type CheckProgress } from './ops/check.js';
export { unlock, listLocks, type UnlockOptions, type UnlockResult, type LockEntry } from './ops/unlock.js';
