import { z } from 'zod';
import { revParse } from '../ops/rev-parse.js';
import { defineCommand } from './define-command.js';

export const revParseCommand = defineCommand({
  command: 'rev-parse <revs..>',
  describe: 'Resolve revisions to full ids: ids, prefixes (4+ hex), refs, HEAD, rev~N, rev^N, rev:path',
  group: 'plumbing',
  builder: (y) => y.positional('revs', { type: 'string', array: true, describe: 'revisions' }),
  schema: z.object({ revs: z.array(z.string()).min(1) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const results = await revParse({ repo, revs: args.revs });
    if (ctx.json) return ctx.printJson({ results });
    ctx.print(results.map((r) => r.id).join('\n'));
  },
});
