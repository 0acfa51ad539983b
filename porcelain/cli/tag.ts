import { z } from 'zod';
import { StrataError } from '../../plumbing/index.js';
import { defineCommand } from '../../plumbing/cli/index.js';
import { createTag, deleteTag, listTags } from '../ops/tag.js';
import { formatTime, shortId } from './log.js';

export const tagCommand = defineCommand({
  command: 'tag [name] [rev]',
  describe: 'Name a version with a tag ref (tag <name> [version]), delete one (-d), or list them',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'the tag (refs/tags/<name>)' })
      .positional('rev', { type: 'string', describe: 'the version to tag (default: HEAD)' })
      .option('d', { alias: 'delete', type: 'boolean', describe: 'delete the tag' })
      .option('l', { alias: 'list', type: 'boolean', describe: 'list tags (the default without a name)' })
      .option('f', { alias: 'force', type: 'boolean', describe: 'move the tag when it exists' })
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
      if (args.name !== undefined || args.delete || args.force) throw new StrataError('USAGE', 'tag --list takes no name and no other option');
      const tags = await listTags({ repo });
      if (ctx.json) return ctx.printJson(tags);
      if (tags.length === 0) return ctx.print('no tags');
      const width = Math.max(...tags.map((t) => t.name.length));
      return ctx.print(
        tags
          .map((t) => {
            const what = t.kind === 'version' ? `${formatTime(t.time ?? 0)}${t.versionName ? `  ${t.versionName}` : ''}` : `(${t.kind === 'missing' ? 'missing object' : `a ${t.kind}`})`;
            return `${t.name.padEnd(width)}  ${shortId(t.id)}  ${what}`;
          })
          .join('\n'),
      );
    }
    if (args.delete) {
      if (args.name === undefined) throw new StrataError('USAGE', 'tag -d needs the name of the tag to delete');
      if (args.rev !== undefined || args.force) throw new StrataError('USAGE', 'tag -d takes only a name');
      const r = await deleteTag({ repo, name: args.name });
      if (ctx.json) return ctx.printJson(r);
      return ctx.print(`deleted tag ${r.name} (was ${shortId(r.id)})`);
    }
    const r = await createTag({
      repo,
      name: args.name as string,
      force: args.force,
      lockWaitMs: Math.round(args.wait * 1000),
      ...(args.rev === undefined ? {} : { version: args.rev }),
    });
    if (ctx.json) return ctx.printJson(r);
    ctx.print(
      r.previous === undefined
        ? `tagged ${shortId(r.id)} as ${r.name}`
        : r.previous === r.id
          ? `tag ${r.name} already on ${shortId(r.id)}`
          : `moved tag ${r.name} to ${shortId(r.id)} (was ${shortId(r.previous)})`,
    );
  },
});
