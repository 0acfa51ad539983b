/**
 * The public surface of strata's porcelain layer: the everyday backup workflows (snapshot, restore,
 * history, comparison, retention and checking) as library functions. Upper layers import porcelain
 * only through this file.
 */
export { snapshot, type SnapshotOptions, type SnapshotResult, type SnapshotProgress } from './ops/snapshot.js';
export { currentBranch } from './ops/branches.js';
export { createIgnoreFilter, IGNORE_FILE, type IgnoreFilterOptions, type ExcludeFn } from './scan/ignore-filter.js';
