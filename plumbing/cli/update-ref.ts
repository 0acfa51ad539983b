import { z } from 'zod';
import { updateRef } from '../ops/update-ref.js';
import { defineCommand } from './define-command.js';

export const updateRefCommand = defineCommand({
  command: 'update-ref <ref> [new] [old]',
  describe: 'Point a ref at an object; with <old>, only if the ref still holds it (compare-and-swap)',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('ref', { type: 'string', describe: 'full ref name, e.g. refs/heads/main or HEAD' })
      .positional('new', { type: 'string', describe: 'the new value (any revision)' })
      .positional('old', { type: 'string', describe: 'expected current value; "" or 64 zeros: must not exist' })
      .option('d', { alias: 'delete', type: 'boolean', describe: 'delete the ref (with <new> read as the expected old value)' })
      .option('deref', { type: 'boolean', default: true, describe: 'follow a symbolic ref to its target; --no-deref updates the symbolic ref itself' }),
  schema: z.object({
    ref: z.string(),
    new: z.string().optional(),
    old: z.string().optional(),
    delete: z.boolean().default(false),
    deref: z.boolean().default(true),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const r = await updateRef({
      repo,
      ref: args.ref,
      newValue: args.delete ? undefined : args.new,
      oldValue: args.delete ? args.new : args.old,
      delete: args.delete,
      noDeref: !args.deref,
    });
    if (ctx.json) ctx.printJson(r);
  },
});
