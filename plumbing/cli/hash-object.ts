import { z } from 'zod';
import { StrataError } from '../errors/index.js';
import { hashObject } from '../ops/hash-object.js';
import { defineCommand } from './define-command.js';

export const hashObjectCommand = defineCommand({
  command: 'hash-object [files..]',
  describe: 'Print the id a file has (a blob, or a chunk list for large files); with -w store it',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'files to hash' })
      .option('w', { alias: 'write', type: 'boolean', describe: 'store the object(s) in the repository' })
      .option('stdin', { type: 'boolean', describe: 'read the content from standard input' }),
  schema: z.object({ files: z.array(z.string()).default([]), write: z.boolean().default(false), stdin: z.boolean().default(false) }),
  run: async (args, ctx) => {
    if (!args.stdin && args.files.length === 0) throw new StrataError('USAGE', 'hash-object needs a file or --stdin');
    const repo = args.write ? await ctx.openRepo() : await ctx.openRepoIfAny();
    const results = await hashObject({
      repo,
      files: args.files,
      stdin: args.stdin ? (process.stdin as AsyncIterable<Uint8Array>) : undefined,
      write: args.write,
    });
    if (ctx.json) return ctx.printJson({ objects: results });
    ctx.print(results.map((r) => r.id).join('\n'));
  },
});
