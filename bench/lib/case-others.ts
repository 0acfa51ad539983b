/**
 * Case 6: other backup tools (restic, borg) on case 4's folder when they are installed, and the
 * CLI's fixed start-up cost, which every end-to-end figure above includes.
 */
import { join } from 'node:path';
import { log, strata, type BenchContext } from './context.js';
import { timeStrataWriteTree, treeFixture } from './case-write-tree.js';
import { fastest, findExecutable, type RunResult } from './proc.js';

const STARTUP_ROUNDS = 3;

interface OtherTool {
  name: string;
  env: Record<string, string>;
  /** Shell script that creates a repository at $1 and backs up folder $2. */
  script: string;
}

const TOOLS: readonly OtherTool[] = [
  {
    name: 'restic',
    env: { RESTIC_PASSWORD: 'bench' },
    script: 'restic init -q --repo "$1" && restic backup -q --repo "$1" "$2"',
  },
  {
    name: 'borg',
    env: { BORG_PASSPHRASE: '', BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes' },
    script: 'borg init -e none "$1" && borg create "$1::bench" "$2"',
  },
];

async function measureStartup(ctx: BenchContext): Promise<void> {
  const runs: RunResult[] = [];
  const bare: RunResult[] = [];
  for (let i = 0; i < STARTUP_ROUNDS; i++) {
    runs.push(await strata(ctx, ['--version']));
    bare.push(await ctx.runner.run(process.execPath, ['-e', '0']));
  }
  const add = ctx.report.forCase('others');
  add('strata_startup_s', `strata --version (CLI start-up), best of ${STARTUP_ROUNDS}`, fastest(runs).seconds, 's', 3);
  add('node_startup_s', 'node -e 0 (bare node start-up)', fastest(bare).seconds, 's', 3);
}

/** Time ratio strata / tool for a backup of the small-file folder into a new repository. */
async function compareTool(ctx: BenchContext, tool: OtherTool, binary: string): Promise<void> {
  const fixture = treeFixture(ctx);
  const repo = join(ctx.workDir, `${tool.name}-repo`);
  log(`others: ${tool.name} (${binary}) backup of ${fixture.files.length} files`);
  const other = await ctx.runner.run('bash', ['-c', tool.script, 'bench', repo, fixture.strataDir], { env: tool.env });
  const strataSeconds = await timeStrataWriteTree(ctx);
  const add = ctx.report.forCase('others');
  add(`${tool.name}_s`, `${tool.name} init + backup, ${fixture.files.length} files`, other.seconds, 's', 2);
  add(`strata_over_${tool.name}`, `time ratio strata / ${tool.name}`, strataSeconds / other.seconds, 'x', 2);
}

export async function runOthersCase(ctx: BenchContext): Promise<void> {
  await measureStartup(ctx);
  for (const tool of TOOLS) {
    const binary = findExecutable(tool.name);
    if (binary === undefined) {
      ctx.report.note('others', `${tool.name}: not installed`);
      continue;
    }
    await compareTool(ctx, tool, binary);
  }
}
