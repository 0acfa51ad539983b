import { resolve } from 'node:path';
import { z } from 'zod';
import { defineCommand, sourceFolder } from '../../../porcelain/cli/index.js';

export const creativeMvCommand = defineCommand({
  command: 'mv <old> <new>',
  describe: 'Move or rename an asset in the working folder and rewrite every reference to it, all files or none',
  group: 'persona',
  builder: (y) =>
    y
      .positional('old', { type: 'string', describe: 'the file to move (relative to the project folder)' })
      .positional('new', { type: 'string', describe: 'its new path (an existing folder keeps the name)' })
      .option('source', { type: 'string', describe: "the project folder (default: the one holding the repository's .strata)" })
      .option('dry-run', { alias: 'n', type: 'boolean', describe: 'list every file and line that would change; change nothing' }),
  schema: z.object({ old: z.string(), new: z.string(), source: z.string().optional(), dryRun: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = args.source === undefined ? await ctx.openRepo() : await ctx.openRepoIfAny();
    const { assetMove } = await import('../ops/asset-mv.js');
    const r = await assetMove({ source: resolve(sourceFolder(repo as NonNullable<typeof repo>, args.source, 'move in')), from: args.old, to: args.new, dryRun: args.dryRun, repo });
    if (ctx.json) return ctx.printJson(r);
    const out: string[] = [];
    if (r.resumed) out.push(`finishing an interrupted move of ${r.from} to ${r.to}`);
    for (const l of r.leftoversRemoved) out.push(`removed ${l}, left by an interrupted move`);
    const verb = r.dryRun ? 'would move' : 'moved';
    out.push(`${verb} ${r.from} -> ${r.to}${r.sidecars.length > 0 ? ` (with ${r.sidecars.map((s) => s.from).join(', ')})` : ''}`);
    for (const c of r.changes) out.push(`  ${c.file}${c.line === undefined ? '' : `:${c.line}`}${c.newPath === undefined ? '' : ` (now ${c.newPath})`}: ${c.before} -> ${c.after}`);
    for (const u of r.untouched) out.push(`  left as is: ${u.from}${u.line === undefined ? '' : `:${u.line}`} ${u.target} (${u.reason})`);
    out.push(`${r.changes.length} reference${r.changes.length === 1 ? '' : 's'} in ${r.files} file${r.files === 1 ? '' : 's'} ${r.dryRun ? 'would be ' : ''}rewritten`);
    ctx.print(out.join('\n'));
  },
});
