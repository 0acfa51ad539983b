import { z } from 'zod';
import { initRepository } from '../ops/init.js';
import { defineCommand } from './define-command.js';
import { parseSize } from './runtime.js';
import { formatBytes } from './progress.js';

export const initCommand = defineCommand({
  command: 'init [dir]',
  describe: 'Create a repository: <dir>/.strata (default: the current folder), or the folder given with --repo',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', describe: 'project folder that gets a .strata repository' })
      .option('min-chunk', { type: 'string', describe: 'FastCDC minimum chunk size (bytes, or 64K, 1M…)' })
      .option('avg-chunk', { type: 'string', describe: 'FastCDC average chunk size' })
      .option('max-chunk', { type: 'string', describe: 'FastCDC maximum chunk size' })
      .option('normalization', { type: 'number', describe: 'FastCDC normalization level (0-3, default 1)' })
      .option('compression-level', { type: 'number', describe: 'zlib level 0-9 (default 1)' })
      .option('format-chunking', { type: 'string', describe: 'archive formats chunked member by member: zip (default), tar, tar,zip, or none; format:BYTES sets the size up to which members are grouped (tar:4096, zip:65536 by default)' }),
  schema: z.object({
    dir: z.string().optional(),
    repo: z.string().optional(),
    minChunk: z.string().optional(),
    avgChunk: z.string().optional(),
    maxChunk: z.string().optional(),
    normalization: z.number().int().optional(),
    compressionLevel: z.number().int().optional(),
    formatChunking: z.string().optional(),
  }),
  run: async (args, ctx) => {
    const result = await initRepository({
      repo: args.repo ?? (args.dir === undefined ? process.env.STRATA_REPO || undefined : undefined),
      dir: args.dir,
      minChunk: parseSize(args.minChunk, 'min-chunk'),
      avgChunk: parseSize(args.avgChunk, 'avg-chunk'),
      maxChunk: parseSize(args.maxChunk, 'max-chunk'),
      normalization: args.normalization,
      compressionLevel: args.compressionLevel,
      formatChunking: args.formatChunking === undefined ? undefined : args.formatChunking === 'none' ? [] : args.formatChunking.split(',').map((f) => f.trim()).filter((f) => f !== ''),
    });
    if (ctx.json) return ctx.printJson(result);
    const c = result.config.chunking;
    const chunking = c.algorithm === 'fastcdc-2020' ? `FastCDC ${formatBytes(c.minSize)} / ${formatBytes(c.avgSize)} / ${formatBytes(c.maxSize)}` : c.algorithm;
    const formats = Object.keys(result.config.formatChunking ?? {});
    ctx.print(`Initialized empty strata repository in ${result.root} (${chunking}${formats.length > 0 ? `, ${formats.join(' and ')} by members` : ''}, zlib level ${result.config.compression.level})`);
  },
});
