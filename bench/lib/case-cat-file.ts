/**
 * Case 5: `strata cat-file --batch` over every file blob of case 4's folder, against
 * `git cat-file --batch` over the same files' git blob ids. The output is read through a pipe and
 * its length checked against the exact expected byte count, so a fast wrong answer cannot pass.
 */
import { log, megabytes, strata, type BenchContext } from './context.js';
import { ensureTreeRepositories, gitFixtureEnv } from './case-write-tree.js';
import { fastest, type RunResult } from './proc.js';

const ROUNDS = 2;
const MIN_OBJECTS_PER_SECOND = 20_000;

interface LsTreeJson {
  entries: Array<{ path: string; type: string; id: string; size?: number }>;
}

/** One batch request: the id to ask for and the size of the answer's body. */
interface BatchRequest {
  id: string;
  size: number;
}

/** Bytes `cat-file --batch` prints for `requests`: `<id> blob <size>\n<body>\n` each. */
function expectedOutputBytes(requests: readonly BatchRequest[]): number {
  return requests.reduce((sum, r) => sum + `${r.id} blob ${r.size}\n`.length + r.size + 1, 0);
}

/** path -> strata file id, for every file in the tree. */
async function strataFileIds(ctx: BenchContext, repo: string, tree: string): Promise<Map<string, string>> {
  const run = await strata(ctx, ['ls-tree', '-r', '--json', tree, '--repo', repo], { captureStdout: true });
  const listing = JSON.parse(run.stdout.toString('utf8')) as LsTreeJson;
  return new Map(listing.entries.filter((e) => e.type === 'file' || e.type === 'executable').map((e) => [e.path, e.id]));
}

/** path -> git blob id, from `git ls-files -s` (`<mode> <id> <stage>\t<path>`). */
async function gitFileIds(ctx: BenchContext, cwd: string, env: Record<string, string>): Promise<Map<string, string>> {
  const run = await ctx.runner.run('git', ['ls-files', '-s'], { cwd, env, captureStdout: true });
  const ids = new Map<string, string>();
  for (const line of run.stdout.toString('utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const id = line.slice(0, tab).split(' ')[1];
    if (id !== undefined) ids.set(line.slice(tab + 1), id);
  }
  return ids;
}

/** Runs one batch `rounds` times and checks every answer's length; returns the fastest run. */
async function timeBatch(rounds: number, requests: readonly BatchRequest[], runOnce: (input: string) => Promise<RunResult>): Promise<RunResult> {
  const input = `${requests.map((r) => r.id).join('\n')}\n`;
  const expected = expectedOutputBytes(requests);
  const runs: RunResult[] = [];
  for (let i = 0; i < rounds; i++) {
    const run = await runOnce(input);
    if (run.stdoutBytes !== expected) throw new Error(`cat-file --batch printed ${run.stdoutBytes} bytes, expected ${expected}`);
    runs.push(run);
  }
  return fastest(runs);
}

export async function runCatFileCase(ctx: BenchContext): Promise<void> {
  const { fixture, strataRepo, strataTree, gitRepo } = await ensureTreeRepositories(ctx);
  const gitEnv = gitFixtureEnv(fixture, gitRepo);
  const strataIds = await strataFileIds(ctx, strataRepo, strataTree);
  const gitIds = await gitFileIds(ctx, fixture.gitDir, gitEnv);
  const ordered = [...fixture.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const lookup = (ids: Map<string, string>, path: string, tool: string): string => {
    const id = ids.get(path);
    if (id === undefined) throw new Error(`${tool} has no id for ${path}`);
    return id;
  };
  const strataRequests = ordered.map((f) => ({ id: lookup(strataIds, f.path, 'strata'), size: f.size }));
  const gitRequests = ordered.map((f) => ({ id: lookup(gitIds, f.path, 'git'), size: f.size }));
  const n = ordered.length;

  log(`cat-file: ${n} blobs through strata and git cat-file --batch, best of ${ROUNDS}`);
  const strataRun = await timeBatch(ROUNDS, strataRequests, (input) =>
    strata(ctx, ['cat-file', '--batch', '--repo', strataRepo], { input }),
  );
  const gitRun = await timeBatch(ROUNDS, gitRequests, (input) =>
    ctx.runner.run('git', ['cat-file', '--batch'], { cwd: fixture.gitDir, env: gitEnv, input }),
  );

  const add = ctx.report.forCase('cat-file');
  add('strata_objects_s', `strata cat-file --batch, ${n} blobs, best of ${ROUNDS}`, n / strataRun.seconds, 'obj/s', 0, {
    comparison: 'atLeast',
    limit: MIN_OBJECTS_PER_SECOND,
  });
  add('strata_s', 'strata wall time', strataRun.seconds, 's', 2);
  add('strata_cpu_s', 'strata CPU time, user + system', strataRun.cpuSeconds, 's', 2);
  add('strata_peak_rss_mb', 'strata peak RSS', megabytes(strataRun.peakRssBytes), 'MB', 0);
  add('git_objects_s', `git cat-file --batch, same ${n} files`, n / gitRun.seconds, 'obj/s', 0);
  add('git_cpu_s', 'git CPU time, user + system', gitRun.cpuSeconds, 's', 2);
  add('strata_over_git', 'time ratio strata / git', strataRun.seconds / gitRun.seconds, 'x', 2);
}
