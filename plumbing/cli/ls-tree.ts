import { z } from 'zod';
import { lsTree } from '../ops/ls-tree.js';
import { defineCommand } from './define-command.js';
import { formatTreeLine } from './tree-lines.js';

export const lsTreeCommand = defineCommand({
  command: 'ls-tree <treeish> [path]',
  describe: 'List a tree (or a version\'s tree): mode, type, id and name; -r recursive, -l with sizes',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('treeish', { type: 'string', describe: 'a tree or version (any revision)' })
      .positional('path', { type: 'string', describe: 'a folder or file inside it' })
      .option('r', { type: 'boolean', describe: 'recurse into folders' })
      .option('l', { type: 'boolean', describe: 'show sizes' }),
  schema: z.object({ treeish: z.string(), path: z.string().optional(), r: z.boolean().default(false), l: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const entries = await lsTree({ repo, treeish: args.treeish, path: args.path, recursive: args.r });
    if (ctx.json) return ctx.printJson({ entries });
    if (entries.length > 0) ctx.print(entries.map((e) => formatTreeLine(e, args.l)).join('\n'));
  },
});
