import { z } from 'zod';
import { checkoutTree } from '../ops/checkout-tree.js';
import { defineCommand } from './define-command.js';
import { ProgressLine, formatBytes } from './progress.js';

export const checkoutTreeCommand = defineCommand({
  command: 'checkout-tree <treeish> <dir>',
  describe: 'Write a tree out into a folder: files, symlinks, empty folders, modes and mtimes',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('treeish', { type: 'string', describe: 'a tree or version (any revision)' })
      .positional('dir', { type: 'string', describe: 'target folder (created; must be empty unless --force)' })
      .option('force', { type: 'boolean', describe: 'write into a non-empty folder, replacing what is in the way' }),
  schema: z.object({ treeish: z.string(), dir: z.string(), force: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const progress = new ProgressLine('checkout-tree', !ctx.json);
    const r = await checkoutTree({ repo, treeish: args.treeish, dir: args.dir, force: args.force, onProgress: (p) => progress.update(p.files, p.bytes) });
    progress.done();
    if (ctx.json) return ctx.printJson(r);
    ctx.print(`${r.files} files (${formatBytes(r.bytes)}), ${r.symlinks} symlinks, ${r.directories} folders written to ${args.dir}`);
  },
});
