import { resolve } from 'node:path';
import { z } from 'zod';
import { defineCommand, sourceFolder } from '../../../porcelain/cli/index.js';
import { pictureArgs, pictureOptionsSpec, pictureSchema } from './picture-args.js';
import { renderAssets } from './render.js';

export const creativeCompareCommand = defineCommand({
  command: 'compare <path> <a> [b]',
  describe: 'The visual diff of one file between two versions (or a version and the working folder)',
  group: 'persona',
  builder: (y) =>
    pictureOptionsSpec(
      y
        .positional('path', { type: 'string', describe: 'the file, from the project root' })
        .positional('a', { type: 'string', describe: 'the earlier version' })
        .positional('b', { type: 'string', describe: 'the later version (default: the working folder)' })
        .option('source', { type: 'string', describe: "the working folder (default: the project holding the repository's .strata)" }),
    ),
  schema: pictureSchema.extend({ path: z.string(), a: z.string(), b: z.string().optional(), source: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { compareFile } = await import('../ops/compare.js');
    const r = await compareFile({
      repo,
      path: args.path,
      a: args.a,
      ...(args.b === undefined ? { source: resolve(sourceFolder(repo, args.source, 'compare with')) } : { b: args.b }),
      ...pictureArgs(args),
    });
    if (r.problems.length > 0) ctx.setExitCode(3);
    if (ctx.json) return ctx.printJson(r);
    ctx.print(renderAssets([r]).join('\n'));
  },
});
