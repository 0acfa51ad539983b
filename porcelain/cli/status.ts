import { z } from 'zod';
import { defineCommand, formatBytes } from '../../plumbing/cli/index.js';
import { status } from '../ops/status.js';
import { shortBranch } from '../ops/version-list.js';
import { renderEntries, reportWarnings, summaryLine, workingFolder } from './diff.js';
import { formatTime, shortId } from './log.js';

export const statusCommand = defineCommand({
  command: 'status',
  describe: "What changed in the folder since the branch's last version, from file metadata alone",
  group: 'porcelain',
  builder: (y) =>
    y
      .option('branch', { type: 'string', describe: 'the branch whose last version to compare with (default: the one HEAD names)' })
      .option('source', { type: 'string', describe: "the folder (default: the project holding the repository's .strata, else the version's source folder)" })
      .option('exclude', { type: 'string', array: true, describe: 'leave out paths matching a gitignore pattern, as snapshot --exclude (repeatable)' })
      .option('path', { type: 'string', array: true, describe: 'only paths at or under this one (repeatable)' }),
  schema: z.object({
    branch: z.string().optional(),
    source: z.string().optional(),
    exclude: z.array(z.string()).default([]),
    path: z.array(z.string()).default([]),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const source = workingFolder(repo, args.source);
    const r = await status({
      repo,
      exclude: args.exclude,
      paths: args.path,
      ...(args.branch === undefined ? {} : { branch: args.branch }),
      ...(source === undefined ? {} : { source }),
    });
    reportWarnings(ctx, r.warnings);
    if (ctx.json) return ctx.printJson(r);
    const branch = shortBranch(r.branch);
    if (!r.base) {
      const s = r.summary.added;
      return ctx.print(`${branch} has no versions yet: a snapshot of ${r.source} would record ${s.count} path${s.count === 1 ? '' : 's'} (${formatBytes(s.newBytes)})`);
    }
    if (r.clean) return ctx.print(`nothing changed since ${shortId(r.base.id)}`);
    ctx.print(
      [
        `on ${branch}, since ${shortId(r.base.id)} (${formatTime(r.base.time)}):`,
        ...renderEntries(r.entries),
        summaryLine(r.summary),
      ].join('\n'),
    );
  },
});
