/**
 * Case 4: `strata init` + `strata write-tree` of a folder of small files against
 * `git init -q && git add -A && git write-tree` on an identical copy. Both start from a cold (new)
 * repository; each runs twice, interleaved, and the faster run counts. The folder and the last
 * repositories are kept for case 5 (cat-file).
 *
 * Every run gets a new repository folder next to the data (`--repo` for strata, GIT_DIR for git)
 * instead of deleting the previous one: on ext4, creating thousands of files right after deleting
 * thousands makes inode allocation scan recently freed inodes (`recently_deleted` in the kernel),
 * which costs seconds of system time and would penalize whichever tool runs after a deletion.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { GIT_ENV, log, megabytes, scaled, strata, type BenchContext } from './context.js';
import { KIB, writeSmallFileTree, type TreeFile } from './data.js';
import { fastest, type RunResult } from './proc.js';

const FIXTURE_KEY = 'tree-fixture';
const ROUNDS = 2;
const GIT_SCRIPT = 'git init -q && git add -A && git write-tree';

/** The small-file folder, twice: one copy is stored by strata, the other by git. */
export interface TreeFixture {
  strataDir: string;
  gitDir: string;
  files: TreeFile[];
  /** The latest strata repository holding `strataDir`, and its root tree id. */
  strata?: { repo: string; tree: string };
  /** The latest git repository (GIT_DIR) with every file of `gitDir` added. */
  gitRepo?: string;
  /** Repositories created so far (for unique folder names). */
  runs: number;
}

/** Environment for git commands on the fixture's copy with repository `gitRepo`. */
export function gitFixtureEnv(fixture: TreeFixture, gitRepo: string): Record<string, string> {
  return { ...GIT_ENV, GIT_DIR: gitRepo, GIT_WORK_TREE: fixture.gitDir };
}

interface StrataTreeRun {
  init: RunResult;
  write: RunResult;
  seconds: number;
}

interface WriteTreeJson {
  id: string;
  files: number;
  warnings: unknown[];
}

/** The fixture, generated on first use. */
export function treeFixture(ctx: BenchContext): TreeFixture {
  const existing = ctx.shared.get(FIXTURE_KEY) as TreeFixture | undefined;
  if (existing) return existing;
  const strataDir = join(ctx.workDir, 'tree-strata');
  const gitDir = join(ctx.workDir, 'tree-git');
  const count = scaled(ctx, 20_000);
  log(`write-tree: generating ${count} files of 1-20 KiB`);
  const files = writeSmallFileTree(strataDir, { files: count, folders: scaled(ctx, 200), minSize: KIB, maxSize: 20 * KIB, seed: 42 });
  const copy = spawnSync('cp', ['-a', strataDir, gitDir], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`cp -a failed: ${copy.stderr}`);
  const fixture: TreeFixture = { strataDir, gitDir, files, runs: 0 };
  ctx.shared.set(FIXTURE_KEY, fixture);
  return fixture;
}

/** A new, not yet existing repository folder for `tool`. */
function newRepoPath(ctx: BenchContext, fixture: TreeFixture, tool: string): string {
  return join(ctx.workDir, `write-tree-${tool}-repo-${++fixture.runs}`);
}

/** `strata init` and `strata write-tree` into a new repository. */
async function strataWriteTree(ctx: BenchContext, fixture: TreeFixture): Promise<StrataTreeRun> {
  const repo = newRepoPath(ctx, fixture, 'strata');
  const init = await strata(ctx, ['init', '--repo', repo]);
  const write = await strata(ctx, ['write-tree', '--json', fixture.strataDir, '--repo', repo], { captureStdout: true });
  const result = JSON.parse(write.stdout.toString('utf8')) as WriteTreeJson;
  if (result.files !== fixture.files.length || result.warnings.length > 0) {
    throw new Error(`strata write-tree stored ${result.files} of ${fixture.files.length} files, ${result.warnings.length} warnings`);
  }
  fixture.strata = { repo, tree: result.id };
  return { init, write, seconds: init.seconds + write.seconds };
}

/** `git init -q && git add -A && git write-tree` of the copy into a new repository. */
async function gitWriteTree(ctx: BenchContext, fixture: TreeFixture): Promise<RunResult> {
  const gitRepo = newRepoPath(ctx, fixture, 'git');
  const env = gitFixtureEnv(fixture, gitRepo);
  const run = await ctx.runner.run('bash', ['-c', GIT_SCRIPT], { cwd: fixture.gitDir, env, captureStdout: true });
  fixture.gitRepo = gitRepo;
  return run;
}

/** Seconds for one `strata init` + `write-tree` of the fixture into a new repository. */
export async function timeStrataWriteTree(ctx: BenchContext): Promise<number> {
  return (await strataWriteTree(ctx, treeFixture(ctx))).seconds;
}

/** The fixture with both repositories written. */
export interface StoredTreeFixture {
  fixture: TreeFixture;
  strataRepo: string;
  strataTree: string;
  gitRepo: string;
}

/** Makes sure both repositories exist (for case 5 when case 4 did not run). */
export async function ensureTreeRepositories(ctx: BenchContext): Promise<StoredTreeFixture> {
  const fixture = treeFixture(ctx);
  if (fixture.strata === undefined) await strataWriteTree(ctx, fixture);
  if (fixture.gitRepo === undefined) await gitWriteTree(ctx, fixture);
  const { strata: stored, gitRepo } = fixture;
  if (stored === undefined || gitRepo === undefined) throw new Error('the write-tree repositories are missing');
  return { fixture, strataRepo: stored.repo, strataTree: stored.tree, gitRepo };
}

export async function runWriteTreeCase(ctx: BenchContext): Promise<void> {
  const fixture = treeFixture(ctx);
  const strataRuns: StrataTreeRun[] = [];
  const gitRuns: RunResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const strataRun = await strataWriteTree(ctx, fixture);
    const gitRun = await gitWriteTree(ctx, fixture);
    log(`write-tree: round ${round} of ${ROUNDS}: strata ${strataRun.seconds.toFixed(2)} s, git ${gitRun.seconds.toFixed(2)} s`);
    strataRuns.push(strataRun);
    gitRuns.push(gitRun);
  }
  const bestStrata = strataRuns.reduce((best, r) => (r.seconds < best.seconds ? r : best));
  const bestGit = fastest(gitRuns);
  const n = fixture.files.length;
  const add = ctx.report.forCase('write-tree');
  add('strata_s', `strata init + write-tree, ${n} files, best of ${ROUNDS}`, bestStrata.seconds, 's', 2);
  add('strata_write_tree_s', 'of which write-tree', bestStrata.write.seconds, 's', 2);
  add('strata_write_tree_cpu_s', 'write-tree CPU time, user + system', bestStrata.write.cpuSeconds, 's', 2);
  add('strata_peak_rss_mb', 'write-tree peak RSS', megabytes(bestStrata.write.peakRssBytes), 'MB', 0);
  add('git_s', `git init + add -A + write-tree, best of ${ROUNDS}`, bestGit.seconds, 's', 2);
  add('git_cpu_s', 'git CPU time, user + system', bestGit.cpuSeconds, 's', 2);
  add('strata_over_git', 'time ratio strata / git (below 1: strata faster)', bestStrata.seconds / bestGit.seconds, 'x', 2, {
    comparison: 'below',
    limit: 1,
  });
  add('strata_files_s', 'strata files per second (init + write-tree)', n / bestStrata.seconds, 'files/s', 0);
}
