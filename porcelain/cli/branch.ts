import { z } from 'zod';
import { StrataError } from '../../plumbing/index.js';
import { defineCommand } from '../../plumbing/cli/index.js';
import { createBranch, deleteBranch, listBranches } from '../ops/branch.js';
import { formatTime, shortId } from './log.js';

export const branchCommand = defineCommand({
  command: 'branch [name] [rev]',
  describe: 'List branches (the current one marked *), create one at a version, or delete one (-d)',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'the branch (refs/heads/<name>)' })
      .positional('rev', { type: 'string', describe: 'where it starts (default: HEAD)' })
      .option('d', { alias: 'delete', type: 'boolean', describe: 'delete the branch (its versions stay)' })
      .option('l', { alias: 'list', type: 'boolean', describe: 'list branches (the default without a name)' })
      .option('f', { alias: 'force', type: 'boolean', describe: 'move the branch when it exists' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by gc (default 0)' }),
  schema: z.object({
    name: z.string().optional(),
    rev: z.string().optional(),
    delete: z.boolean().default(false),
    list: z.boolean().default(false),
    force: z.boolean().default(false),
    wait: z.number().min(0).default(0),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    if (args.list || (args.name === undefined && !args.delete)) {
      if (args.name !== undefined || args.delete || args.force) throw new StrataError('USAGE', 'branch --list takes no name and no other option');
      const branches = await listBranches({ repo });
      if (ctx.json) return ctx.printJson(branches);
      if (branches.length === 0) return ctx.print('no branches');
      const width = Math.max(...branches.map((b) => b.name.length));
      return ctx.print(
        branches
          .map((b) => {
            const mark = b.current ? '*' : ' ';
            if (b.id === undefined) return `${mark} ${b.name.padEnd(width)}  (no versions yet)`;
            const when = b.time === undefined ? '' : `  ${formatTime(b.time)}`;
            return `${mark} ${b.name.padEnd(width)}  ${shortId(b.id)}${when}${b.source ? `  ${b.source}` : ''}`;
          })
          .join('\n'),
      );
    }
    if (args.delete) {
      if (args.name === undefined) throw new StrataError('USAGE', 'branch -d needs the name of the branch to delete');
      if (args.rev !== undefined || args.force) throw new StrataError('USAGE', 'branch -d takes only a name');
      const r = await deleteBranch({ repo, name: args.name });
      if (ctx.json) return ctx.printJson(r);
      return ctx.print(`deleted branch ${r.name} (was ${shortId(r.id)}; its versions are kept)`);
    }
    const r = await createBranch({
      repo,
      name: args.name as string,
      force: args.force,
      lockWaitMs: Math.round(args.wait * 1000),
      ...(args.rev === undefined ? {} : { version: args.rev }),
    });
    if (ctx.json) return ctx.printJson(r);
    ctx.print(
      r.previous === undefined
        ? `created branch ${r.name} at ${shortId(r.id)}`
        : `moved branch ${r.name} to ${shortId(r.id)} (was ${shortId(r.previous)})`,
    );
  },
});
