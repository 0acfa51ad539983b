import { z } from 'zod';
import { chunkFile } from '../ops/chunk.js';
import { defineCommand } from './define-command.js';
import { parseSize } from './runtime.js';
import { formatBytes } from './progress.js';

export const chunkCommand = defineCommand({
  command: 'chunk <file>',
  describe: 'Print a file\'s chunk boundaries (offset, length, id) without storing anything; --explain: which strategy cut it and why',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'the file to chunk' })
      .option('min', { type: 'string', describe: 'minimum chunk size (default: the repository\'s)' })
      .option('avg', { type: 'string', describe: 'average chunk size' })
      .option('max', { type: 'string', describe: 'maximum chunk size' })
      .option('normalization', { type: 'number', describe: 'normalization level 0-3' })
      .option('explain', { type: 'boolean', describe: 'say which chunking strategy applied and why, with the chunk count and sizes, instead of the chunks' }),
  schema: z.object({
    file: z.string(),
    min: z.string().optional(),
    avg: z.string().optional(),
    max: z.string().optional(),
    normalization: z.number().int().optional(),
    explain: z.boolean().optional(),
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
    if (args.explain) {
      const { chunks: _chunks, ...explained } = r;
      if (ctx.json) return ctx.printJson(explained);
      const e = r.explanation;
      const s = r.summary;
      const lines = [
        `${r.file}: ${e.strategy}${e.format ? ` (content: ${e.format}${e.hint ? `, name: ${e.hint}` : ''})` : e.hint ? ` (name suggests ${e.hint})` : ''}`,
        `  why: ${e.reason}`,
      ];
      if (e.members !== undefined) {
        const stop = e.stop;
        const tail = !stop ? '' : stop.offset < r.size ? `; from offset ${stop.offset} generic (${stop.reason})` : `; at offset ${stop.offset}: ${stop.reason}`;
        lines.push(`  members: ${e.members}${tail}`);
      }
      lines.push(`  chunks: ${s.count} over ${formatBytes(r.size)} (smallest ${formatBytes(s.minSize)}, average ${formatBytes(s.avgSize)}, largest ${formatBytes(s.maxSize)})`);
      ctx.print(lines.join('\n'));
      return;
    }
    if (ctx.json) return ctx.printJson(r);
    if (r.chunks.length > 0) ctx.print(r.chunks.map((c) => `${c.offset} ${c.length} ${c.id}`).join('\n'));
  },
});
