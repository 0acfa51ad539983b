/**
 * The tools the porcelain benchmark compares, each behind one interface: create a repository, record
 * a version of the data folder, restore the latest version (whole, or one file) into a new folder.
 * Every tool reads the same data folder and keeps its repository (and any cache) inside the run's temp
 * folder, so nothing from the user's home or configuration takes part.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolName } from './porcelain-args.js';
import { GIT_ENV, STRATA_BIN, folderBytes } from './context.js';
import type { DataSet } from './porcelain-data.js';
import { findExecutable, type ProcessRunner, type RunOptions, type RunResult } from './proc.js';

export interface ToolSetup {
  runner: ProcessRunner;
  /** The run's temp folder; each tool's repository and caches go in here. */
  workDir: string;
  data: DataSet;
}

export abstract class BenchTool {
  abstract readonly name: ToolName;
  /** How the tool is run, for the notes under the table. */
  abstract readonly commands: string;
  /** The highest peak RSS of any command this tool ran (timed or not), bytes; null when unmeasured. */
  peakRssBytes: number | null = null;
  /** Why restores cannot run (strata before its restore command exists), else undefined. */
  restoreUnavailable: string | undefined;
  /** What the tool said about its last snapshot (strata: how many files it read), for the table. */
  lastDetail: string | undefined;

  constructor(protected readonly setup: ToolSetup) {}

  /** The repository folder. */
  protected get repo(): string {
    return join(this.setup.workDir, `${this.name}-repo`);
  }

  /** Creates the repository (untimed). */
  abstract init(): Promise<void>;
  /** Records a version of the data folder. */
  abstract snapshot(): Promise<RunResult>;
  /** Restores the latest version into `target` (a folder that does not exist yet). */
  abstract restoreAll(target: string): Promise<RunResult>;
  /** Restores one file of the latest version (`path`, relative) somewhere under `target` (does not exist yet). */
  abstract restoreFile(path: string, target: string): Promise<RunResult>;

  /** Bytes in the repository folder (every file the tool keeps there). */
  repoBytes(): number {
    return folderBytes(this.repo);
  }

  protected async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.setup.runner.run(command, args, options);
    if (result.peakRssBytes !== null) this.peakRssBytes = Math.max(this.peakRssBytes ?? 0, result.peakRssBytes);
    return result;
  }
}

interface SnapshotSummary {
  message_type: string;
  files: number;
  reusedFiles: number;
  warnings: unknown[];
}

export class StrataTool extends BenchTool {
  readonly name = 'strata';
  readonly commands = 'strata init --repo R; strata snapshot <data> --repo R --json; strata restore main T --repo R; strata restore main:<path> T --repo R';

  private strata(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.run(process.execPath, [STRATA_BIN, ...args], options);
  }

  /** Sets restoreUnavailable unless the built CLI has a `restore` command. */
  async probeRestore(): Promise<void> {
    const help = await this.setup.runner.run(process.execPath, [STRATA_BIN, 'restore', '--help'], { captureStdout: true, check: false });
    const first = help.stdout.toString('utf8').split('\n', 1)[0] ?? '';
    this.restoreUnavailable = help.exitCode === 0 && first.startsWith('strata restore') ? undefined : 'restore not available (no `strata restore` in dist/)';
  }

  async init(): Promise<void> {
    await this.strata(['init', '--repo', this.repo]);
  }

  async snapshot(): Promise<RunResult> {
    const run = await this.strata(['snapshot', this.setup.data.root, '--repo', this.repo, '--json'], { captureStdout: true });
    const lines = run.stdout.toString('utf8').trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1] ?? '{}') as SnapshotSummary;
    const { files } = this.setup.data;
    if (summary.message_type !== 'summary' || summary.files !== files || summary.warnings.length > 0) {
      throw new Error(`strata snapshot recorded ${summary.files} of ${files} files with ${summary.warnings.length} warnings`);
    }
    this.lastDetail = `read ${summary.files - summary.reusedFiles} of ${summary.files} files`;
    return run;
  }

  restoreAll(target: string): Promise<RunResult> {
    return this.strata(['restore', 'main', target, '--repo', this.repo]);
  }

  restoreFile(path: string, target: string): Promise<RunResult> {
    return this.strata(['restore', `main:${path}`, target, '--repo', this.repo]);
  }
}

/**
 * git with the repository outside the data folder (GIT_DIR, GIT_WORK_TREE), no user or system
 * configuration, `core.autocrlf false` and automatic gc/maintenance off (so no run pays for packing).
 * A version is `git add -A && git commit --allow-empty` (`--allow-empty` so that the nothing-changed
 * snapshot records a version, as the other tools do). A full restore checks HEAD out into the new
 * folder through a new index file (`GIT_INDEX_FILE`), leaving the data folder's index alone; one
 * file is `git cat-file blob HEAD:<path>` into a file.
 */
export class GitTool extends BenchTool {
  readonly name = 'git';
  readonly commands =
    'git add -A && git commit -q --allow-empty -m x (GIT_DIR=R, GIT_WORK_TREE=<data>); restore: GIT_INDEX_FILE=<new> git --work-tree=T checkout -f HEAD -- .; one file: git cat-file blob HEAD:<path> > T/<name>';
  private restores = 0;

  private env(extra: Record<string, string> = {}): Record<string, string> {
    return { ...GIT_ENV, GIT_DIR: this.repo, ...extra };
  }

  async init(): Promise<void> {
    const env = this.env({ GIT_WORK_TREE: this.setup.data.root });
    await this.run('git', ['init', '-q'], { cwd: this.setup.data.root, env });
    const settings: Array<[string, string]> = [
      ['core.autocrlf', 'false'],
      ['gc.auto', '0'],
      ['maintenance.auto', 'false'],
    ];
    for (const [key, value] of settings) await this.run('git', ['config', key, value], { cwd: this.setup.data.root, env });
  }

  snapshot(): Promise<RunResult> {
    const env = this.env({ GIT_WORK_TREE: this.setup.data.root });
    return this.run('bash', ['-c', 'git add -A && git commit -q --allow-empty -m x'], { cwd: this.setup.data.root, env });
  }

  restoreAll(target: string): Promise<RunResult> {
    mkdirSync(target, { recursive: true });
    const env = this.env({ GIT_INDEX_FILE: join(this.setup.workDir, `git-restore-index-${++this.restores}`) });
    return this.run('git', [`--work-tree=${target}`, 'checkout', '-f', 'HEAD', '--', '.'], { cwd: target, env });
  }

  restoreFile(path: string, target: string): Promise<RunResult> {
    mkdirSync(target, { recursive: true });
    const out = join(target, path.slice(path.lastIndexOf('/') + 1));
    return this.run('bash', ['-c', 'git cat-file blob "HEAD:$1" > "$2"', 'bench', path, out], { cwd: target, env: this.env() });
  }
}

/**
 * restic with its defaults (repository format 2, compression auto, its local cache), except that the
 * cache lives in the temp folder (RESTIC_CACHE_DIR) instead of ~/.cache. The data folder is backed up
 * as `.` from inside it, so the snapshot's paths are the data set's own.
 */
export class ResticTool extends BenchTool {
  readonly name = 'restic';
  readonly commands =
    'restic init; restic backup -q . (from the data folder); restic restore latest --target T; one file: restic dump latest /<path> > T/<name>; cache in the temp folder';

  private env(): Record<string, string> {
    return { RESTIC_PASSWORD: 'bench', RESTIC_REPOSITORY: this.repo, RESTIC_CACHE_DIR: join(this.setup.workDir, 'restic-cache') };
  }

  async init(): Promise<void> {
    await this.run('restic', ['init', '-q'], { env: this.env() });
  }

  snapshot(): Promise<RunResult> {
    return this.run('restic', ['backup', '-q', '.'], { cwd: this.setup.data.root, env: this.env() });
  }

  restoreAll(target: string): Promise<RunResult> {
    return this.run('restic', ['restore', '-q', 'latest', '--target', target], { env: this.env() });
  }

  restoreFile(path: string, target: string): Promise<RunResult> {
    mkdirSync(target, { recursive: true });
    const out = join(target, path.slice(path.lastIndexOf('/') + 1));
    return this.run('bash', ['-c', 'restic dump -q latest "/$1" > "$2"', 'bench', path, out], { env: this.env() });
  }
}

/**
 * borg with `init -e none` and its defaults (lz4 compression, its files cache), its home
 * (BORG_BASE_DIR: cache, security and config folders) in the temp folder. Archives are `v1`, `v2`, …
 * of `.` from inside the data folder; restores extract the latest one in the new folder.
 */
export class BorgTool extends BenchTool {
  readonly name = 'borg';
  readonly commands = 'borg init -e none; borg create R::vN . (from the data folder); borg extract R::vN (in T); one file: borg extract R::vN <path>; BORG_BASE_DIR in the temp folder';
  private archives = 0;

  private env(): Record<string, string> {
    return { BORG_PASSPHRASE: '', BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes', BORG_BASE_DIR: join(this.setup.workDir, 'borg-home') };
  }

  async init(): Promise<void> {
    await this.run('borg', ['init', '-e', 'none', this.repo], { env: this.env() });
  }

  snapshot(): Promise<RunResult> {
    return this.run('borg', ['create', `${this.repo}::v${++this.archives}`, '.'], { cwd: this.setup.data.root, env: this.env() });
  }

  restoreAll(target: string): Promise<RunResult> {
    mkdirSync(target, { recursive: true });
    return this.run('borg', ['extract', `${this.repo}::v${this.archives}`], { cwd: target, env: this.env() });
  }

  restoreFile(path: string, target: string): Promise<RunResult> {
    mkdirSync(target, { recursive: true });
    return this.run('borg', ['extract', `${this.repo}::v${this.archives}`, path], { cwd: target, env: this.env() });
  }
}

const PEERS: Record<Exclude<ToolName, 'strata'>, new (setup: ToolSetup) => BenchTool> = { git: GitTool, restic: ResticTool, borg: BorgTool };

/** The requested tools that are installed, strata first; `skipped` names the others and why. */
export async function createTools(setup: ToolSetup, names: readonly ToolName[]): Promise<{ tools: BenchTool[]; skipped: string[] }> {
  const strata = new StrataTool(setup);
  await strata.probeRestore();
  const tools: BenchTool[] = [strata];
  const skipped: string[] = [];
  for (const name of names) {
    if (name === 'strata') continue;
    if (findExecutable(name) === undefined) skipped.push(`${name}: not installed, skipped (its comparisons and targets are n/a)`);
    else tools.push(new PEERS[name](setup));
  }
  return { tools, skipped };
}
