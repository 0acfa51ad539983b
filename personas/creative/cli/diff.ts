import { resolve } from 'node:path';
import { z } from 'zod';
import { isStrataError, resolveVersion } from '../../../porcelain/index.js';
import { defineCommand, sourceFolder } from '../../../porcelain/cli/index.js';
import { pictureArgs, pictureOptionsSpec, pictureSchema } from './picture-args.js';
import { countProgress } from './count-progress.js';
import { renderAssets, renderTotals } from './render.js';

export const creativeDiffCommand = defineCommand({
  command: 'diff <a> [b] [paths..]',
  describe: 'What changed in images and 3D models between two versions, or a version and the working folder: figures, and pictures with -o',
  group: 'persona',
  builder: (y) =>
    pictureOptionsSpec(
      y
        .positional('a', { type: 'string', describe: 'the earlier version (main, main~1, a tag, an id prefix)' })
        .positional('b', { type: 'string', describe: 'the later version (default: the working folder); a word that is not a version is taken as the first path' })
        .positional('paths', { type: 'string', array: true, describe: 'only these files or folders' })
        .option('source', { type: 'string', describe: "the working folder (default: the project holding the repository's .strata)" })
        .option('assets-only', { type: 'boolean', describe: 'leave out files that are neither images nor models' }),
    ),
  schema: pictureSchema.extend({
    a: z.string(),
    b: z.string().optional(),
    paths: z.array(z.string()).default([]),
    source: z.string().optional(),
    assetsOnly: z.boolean().default(false),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    let to = args.b;
    const paths = [...args.paths];
    if (to !== undefined) {
      try {
        await resolveVersion(repo, to);
      } catch (err) {
        if (!(isStrataError(err) && (err.code === 'UNKNOWN_REVISION' || err.code === 'INVALID_ID'))) throw err;
        paths.unshift(to);
        to = undefined;
      }
    }
    // Loaded on use: the image and model libraries would slow every other command's start.
    const { creativeDiff } = await import('../ops/visual-diff.js');
    const progress = countProgress('comparing', ctx.json);
    const r = await creativeDiff({
      repo,
      onAsset: (done, total, asset) => progress.update(done, total, asset.path),
      from: args.a,
      ...(to === undefined ? { source: resolve(sourceFolder(repo, args.source, 'compare with')) } : { to }),
      ...(paths.length > 0 ? { paths } : {}),
      assetsOnly: args.assetsOnly,
      ...pictureArgs(args),
    }).finally(() => progress.done());
    if (r.totals.problems > 0) ctx.setExitCode(3);
    if (ctx.json) return ctx.printJson(r);
    const toText = 'folder' in r.to ? r.to.folder : r.to.revision;
    if (r.assets.length === 0) return ctx.print(`no changes between ${r.from.revision} and ${toText}`);
    ctx.print([`${r.from.revision} -> ${toText}`, ...renderAssets(r.assets), renderTotals(r.totals)].join('\n'));
  },
});
