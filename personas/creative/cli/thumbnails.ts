import { z } from 'zod';
import { defineCommand, formatBytes } from '../../../porcelain/cli/index.js';
import { countProgress } from './count-progress.js';

export const creativeThumbnailsCommand = defineCommand({
  command: 'thumbnails [revision]',
  describe: 'Make (once) and store a thumbnail of every image and model in a version; later versions and timelines reuse them',
  group: 'persona',
  builder: (y) =>
    y
      .positional('revision', { type: 'string', describe: 'a version, or <version>:<folder> (default: HEAD)' })
      .option('jobs', { type: 'number', describe: 'files decoded at once (default 2)' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by gc (default 10)' }),
  schema: z.object({ revision: z.string().optional(), jobs: z.number().int().min(1).max(64).optional(), wait: z.number().min(0).default(10) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { thumbnails } = await import('../ops/thumbnails.js');
    const progress = countProgress('thumbnails', ctx.json);
    const r = await thumbnails({
      onProgress: (done, total) => progress.update(done, total),
      repo,
      ...(args.revision === undefined ? {} : { version: args.revision }),
      ...(args.jobs === undefined ? {} : { concurrency: args.jobs }),
      lockWaitMs: Math.round(args.wait * 1000),
    }).finally(() => progress.done());
    for (const f of r.failed) ctx.warn(`no thumbnail for ${f.path}: ${f.message}`, { code: f.code, path: f.path });
    if (r.failed.length > 0) ctx.setExitCode(3);
    if (ctx.json) return ctx.printJson(r);
    ctx.print(`${r.assets} image${r.assets === 1 ? '' : 's'} and models (${r.sources} distinct): ${r.made} thumbnail${r.made === 1 ? '' : 's'} made, ${r.reused} reused${r.failed.length > 0 ? `, ${r.failed.length} not readable` : ''}`);
  },
});

export const creativeThumbCommand = defineCommand({
  command: 'thumb <source>',
  describe: 'Write the thumbnail of one image or model (<version>:<path>) as a PNG',
  group: 'persona',
  builder: (y) =>
    y
      .positional('source', { type: 'string', describe: '<version>:<path>, e.g. main:art/hero.png' })
      .option('o', { alias: 'out', type: 'string', demandOption: true, describe: 'the PNG to write' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by gc (default 10)' }),
  schema: z.object({ source: z.string(), out: z.string(), wait: z.number().min(0).default(10) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { thumb } = await import('../ops/thumbnails.js');
    const r = await thumb({ repo, spec: args.source, out: args.out, lockWaitMs: Math.round(args.wait * 1000) });
    if (ctx.json) return ctx.printJson(r);
    ctx.print(`wrote ${r.out} (${formatBytes(r.bytes)}, ${r.made ? 'made now' : 'stored before'}) for ${r.path}`);
  },
});
