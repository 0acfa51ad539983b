import { z } from 'zod';
import { symbolicRef } from '../ops/symbolic-ref.js';
import { defineCommand } from './define-command.js';

export const symbolicRefCommand = defineCommand({
  command: 'symbolic-ref <name> [target]',
  describe: 'Read a symbolic ref (HEAD), or point it at another ref',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'the symbolic ref, e.g. HEAD' })
      .positional('target', { type: 'string', describe: 'the ref it should point at, e.g. refs/heads/main' }),
  schema: z.object({ name: z.string(), target: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const r = await symbolicRef({ repo, name: args.name, target: args.target });
    if (ctx.json) return ctx.printJson(r);
    if (args.target === undefined) ctx.print(r.target);
  },
});
