import { z } from 'zod';
import { defineCommand, formatBytes } from '../../plumbing/cli/index.js';
import { gc } from '../ops/gc.js';

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const objects = (n: number) => `${n} object${n === 1 ? '' : 's'}`;

export const gcCommand = defineCommand({
  command: 'gc',
  describe: 'Remove every object no ref reaches (under an exclusive lock); --dry-run says what each forgotten version would free',
  group: 'porcelain',
  builder: (y) =>
    y
      .option('dry-run', { alias: 'n', type: 'boolean', describe: 'only say what would be freed' })
      .option('wait', { type: 'number', describe: 'seconds to wait for commands holding the repository (default 0)' }),
  schema: z.object({ dryRun: z.boolean().default(false), wait: z.number().min(0).default(0) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const r = await gc({ repo, dryRun: args.dryRun, lockWaitMs: Math.round(args.wait * 1000) });
    if (ctx.json) return ctx.printJson(r);
    const lines: string[] = [];
    for (const v of r.versions) {
      lines.push(`  version ${v.id.slice(0, 12)}  ${when(v.time)}${v.name ? `  ${v.name}` : ''}: ${formatBytes(v.storedBytes)} in ${objects(v.objects)} only it held`);
    }
    if (r.shared.objects > 0) lines.push(`  held by several of these versions: ${formatBytes(r.shared.storedBytes)} in ${objects(r.shared.objects)}`);
    if (r.other.objects > 0) lines.push(`  held by no version (left by interrupted writes): ${formatBytes(r.other.storedBytes)} in ${objects(r.other.objects)}`);
    for (const d of r.derived) {
      if (d.dropped > 0) lines.push(`  ${d.dropped} ${d.namespace} entr${d.dropped === 1 ? 'y' : 'ies'} whose source is gone (${d.kept} kept)`);
    }
    if (r.tempFiles.length > 0) lines.push(`  ${r.tempFiles.length} temporary file${r.tempFiles.length === 1 ? '' : 's'} of writers that are gone`);
    const verb = r.dryRun ? 'would free' : 'freed';
    const head =
      r.total.objects === 0 && r.tempFiles.length === 0
        ? 'nothing to free: every stored object is reachable'
        : `${verb} ${formatBytes(r.total.storedBytes)} in ${objects(r.total.objects)}${r.versions.length > 0 ? ` from ${r.versions.length} unreachable version${r.versions.length === 1 ? '' : 's'}` : ''}${lines.length > 0 ? ':' : ''}`;
    ctx.print([head, ...lines].join('\n'));
  },
});
