import { z } from 'zod';
import { forEachRef, formatRef } from '../ops/for-each-ref.js';
import { defineCommand } from './define-command.js';

export const forEachRefCommand = defineCommand({
  command: 'for-each-ref [patterns..]',
  describe: 'List refs (optionally under the given prefixes) with the objects they point at',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('patterns', { type: 'string', array: true, describe: 'ref prefixes such as refs/tags' })
      .option('format', {
        type: 'string',
        describe: 'fields: %(refname), %(refname:short), %(objectname), %(objectname:short), %(objecttype), %(symref)',
      }),
  schema: z.object({ patterns: z.array(z.string()).default([]), format: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const refs = await forEachRef({ repo, patterns: args.patterns });
    if (ctx.json) return ctx.printJson({ refs });
    const format = args.format ?? '%(objectname) %(objecttype)\t%(refname)';
    if (refs.length > 0) ctx.print(refs.map((r) => formatRef(r, format)).join('\n'));
  },
});
