import { z } from 'zod';
import { StrataError } from '../errors/index.js';
import { prune } from '../ops/prune.js';
import { parseDuration } from '../util/duration.js';
import { defineCommand } from './define-command.js';
import { formatBytes } from './progress.js';

export const pruneCommand = defineCommand({
  command: 'prune',
  describe: 'Remove unreachable objects older than the grace period (default 2w) and stale temporary files',
  group: 'plumbing',
  builder: (y) =>
    y
      .option('dry-run', { alias: 'n', type: 'boolean', describe: 'only report what would be removed' })
      .option('expire', { type: 'string', describe: 'grace period: 2w, 14d, 12h, 30m, now (default 2w)' }),
  schema: z.object({ dryRun: z.boolean().default(false), expire: z.string().optional() }),
  run: async (args, ctx) => {
    let expireMs: number | undefined;
    if (args.expire !== undefined) {
      expireMs = parseDuration(args.expire);
      if (expireMs === undefined) throw new StrataError('USAGE', `--expire: "${args.expire}" is not a duration (try 2w, 14d, 12h, 30m or now)`);
    }
    const repo = await ctx.openRepo();
    const r = await prune({ repo, dryRun: args.dryRun, ...(expireMs === undefined ? {} : { expireMs }) });
    if (ctx.json) return ctx.printJson(r);
    const verb = r.dryRun ? 'would remove' : 'removed';
    ctx.print(
      `${verb} ${r.removed.length} unreachable objects (${formatBytes(r.removedBytes)}) and ${r.tempFiles.length} temporary files; ` +
        `${r.kept} unreachable objects are younger than the grace period and were kept`,
    );
  },
});
