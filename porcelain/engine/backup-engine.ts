import { initRepository, openRepository, type InitOptions, type OpenOptions, type Repository } from '../../plumbing/index.js';
import { diffVersions, diffWorkingFolder, type DiffVersionsResult, type DiffWorkingFolderResult } from '../ops/diff.js';
import { restore, type RestoreOptions, type RestoreResult } from '../ops/restore.js';
import { showVersion, type ShowResult } from '../ops/show.js';
import { snapshot, type SnapshotOptions, type SnapshotResult } from '../ops/snapshot.js';
import { stats, type StatsResult } from '../ops/stats.js';
import type { LogOptions } from '../ops/log.js';
import { VersionTracker } from './version-tracker.js';
import type { VersionInfo } from '../../plumbing/index.js';

/**
 * The seed's BackupEngine: the everyday backup workflow over one repository, as a typed facade over
 * the porcelain functions. `BackupEngine.initializeRepository` creates a repository, `open` finds one.
 */
export class BackupEngine {
  readonly versions: VersionTracker;

  constructor(readonly repo: Repository) {
    this.versions = new VersionTracker(repo);
  }

  /** Creates a repository (`<dir>/.strata`, or the folder `repo`) and returns an engine on it. */
  static async initializeRepository(options: InitOptions): Promise<BackupEngine> {
    const r = await initRepository(options);
    return new BackupEngine(await openRepository({ repo: r.root, ...(options.clock ? { clock: options.clock } : {}) }));
  }

  /** Opens an existing repository (an explicit path, STRATA_REPO, or a `.strata` found upward). */
  static async open(options: OpenOptions = {}): Promise<BackupEngine> {
    return new BackupEngine(await openRepository(options));
  }

  /** Records a version of a folder (incremental; see `snapshot`). */
  createSnapshot(options: Omit<SnapshotOptions, 'repo'>): Promise<SnapshotResult> {
    return snapshot({ repo: this.repo, ...options });
  }

  /** Writes a version, a folder or a file of it into a folder (see `restore`). */
  restoreSnapshot(options: Omit<RestoreOptions, 'repo'>): Promise<RestoreResult> {
    return restore({ repo: this.repo, ...options });
  }

  /** A version's metadata and what changed against its parent. */
  getSnapshotInfo(version: string): Promise<ShowResult> {
    return showVersion({ repo: this.repo, version });
  }

  /** Versions newest first (a branch's history by default; see `log` for the filters). */
  listSnapshots(options: Omit<LogOptions, 'repo'> = {}): Promise<VersionInfo[]> {
    return this.versions.listVersions(options);
  }

  /** What changed between two versions, or between a version and a folder on disk when `to` is omitted. */
  getVersionDiff(from: string, to?: string, options: { source?: string } = {}): Promise<DiffVersionsResult | DiffWorkingFolderResult> {
    if (to !== undefined) return diffVersions({ repo: this.repo, from, to });
    return diffWorkingFolder({ repo: this.repo, version: from, ...(options.source === undefined ? {} : { source: options.source }) });
  }

  /** Logical and stored sizes, deduplication and compression, per kind, per extension, growth. */
  getStorageStats(version?: string): Promise<StatsResult> {
    return stats({ repo: this.repo, ...(version === undefined ? {} : { version }) });
  }
}
