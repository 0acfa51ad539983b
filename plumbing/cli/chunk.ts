import { z } from 'zod';
import { chunkFile } from '../ops/chunk.js';
import { defineCommand } from './define-command.js';
import { parseSize } from './runtime.js';

export const chunkCommand = defineCommand({
  command: 'chunk <file>',
  describe: 'Print a file\'s chunk boundaries (offset, length, id) without storing anything',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'the file to chunk' })
      .option('min', { type: 'string', describe: 'minimum chunk size (default: the repository\'s)' })
      .option('avg', { type: 'string', describe: 'average chunk size' })
      .option('max', { type: 'string', describe: 'maximum chunk size' })
      .option('normalization', { type: 'number', describe: 'normalization level 0-3' }),
  schema: z.object({
    file: z.string(),
    min: z.string().optional(),
    avg: z.string().optional(),
    max: z.string().optional(),
    normalization: z.number().int().optional(),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepoIfAny();
    const r = await chunkFile({
      repo,
      file: args.file,
      min: parseSize(args.min, 'min'),
      avg: parseSize(args.avg, 'avg'),
      max: parseSize(args.max, 'max'),
      normalization: args.normalization,
    });
    if (ctx.json) return ctx.printJson(r);
    if (r.chunks.length > 0) ctx.print(r.chunks.map((c) => `${c.offset} ${c.length} ${c.id}`).join('\n'));
  },
});
