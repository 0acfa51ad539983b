import { resolve } from 'node:path';
import { z } from 'zod';
import { OVERWRITE_MODES } from '../../../porcelain/index.js';
import { defineCommand, sourceFolder } from '../../../porcelain/cli/index.js';

export const creativeRestoreAssetCommand = defineCommand({
  command: 'restore-asset <source> [target]',
  describe: 'Restore an asset as it was in a version together with everything it referenced, and warn about references left missing',
  group: 'persona',
  builder: (y) =>
    y
      .positional('source', { type: 'string', describe: '<version>:<path>, e.g. main~3:models/ship.obj' })
      .positional('target', { type: 'string', describe: "the folder standing for the version's root (default: the project holding .strata)" })
      .option('dry-run', { alias: 'n', type: 'boolean', describe: 'list what would be restored; write nothing' })
      .option('force', { type: 'boolean', describe: 'overwrite changes that were never snapshotted' })
      .option('overwrite', { type: 'string', choices: [...OVERWRITE_MODES], describe: 'what to do with files that exist (as strata restore)' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock (default 10)' }),
  schema: z.object({
    source: z.string(),
    target: z.string().optional(),
    dryRun: z.boolean().default(false),
    force: z.boolean().default(false),
    overwrite: z.enum(OVERWRITE_MODES).optional(),
    wait: z.number().min(0).default(10),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { restoreAsset } = await import('../ops/restore-asset.js');
    const r = await restoreAsset({
      repo,
      spec: args.source,
      target: resolve(sourceFolder(repo, args.target, 'restore into')),
      dryRun: args.dryRun,
      force: args.force,
      overwrite: args.overwrite,
      lockWaitMs: Math.round(args.wait * 1000),
    });
    for (const m of r.missingAfter) {
      const at = m.line === undefined ? m.from : `${m.from}:${m.line}`;
      ctx.warn(`${at} references ${m.target}, which ${r.dryRun ? 'would still be' : 'is still'} missing${m.restored ? ' (restored from the version, which lacks it too)' : ''}`, { from: m.from, target: m.target, ...(m.to === undefined ? {} : { to: m.to }) });
    }
    if (!r.restore.complete) ctx.setExitCode(3);
    if (ctx.json) return ctx.printJson(r);
    const out = [`${r.dryRun ? 'would restore' : 'restored'} ${r.asset} with ${r.paths.length - 1} file${r.paths.length === 2 ? '' : 's'} it needs, from ${args.source.split(':')[0]}:`];
    for (const p of r.paths) out.push(`  ${p}`);
    out.push(`${r.restore.written} written (${r.restore.created} new, ${r.restore.replaced} replaced), ${r.restore.unchanged} already as in the version`);
    for (const f of [...r.restore.failed, ...r.restore.damaged]) out.push(`  not restored: ${f.path}: ${f.message}`);
    ctx.print(out.join('\n'));
  },
});
