import { z } from 'zod';
import { EXIT } from '../../plumbing/index.js';
import { ProgressLine, defineCommand, formatBytes } from '../../plumbing/cli/index.js';
import { check } from '../ops/check.js';

export const checkCommand = defineCommand({
  command: 'check',
  describe: 'Check the repository: structure first, then optionally the data itself; exit 12 on damage',
  group: 'porcelain',
  builder: (y) =>
    y
      .option('read-data', { type: 'boolean', describe: 'also inflate and hash every blob' })
      .option('read-data-subset', { type: 'string', describe: 'also read a deterministic subset: a percentage (10, 2.5%) or a slice n/t (1/5)' })
      .option('seed', { type: 'string', describe: 'varies which objects a percentage selects' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by another command (default 0)' }),
  schema: z.object({
    readData: z.boolean().default(false),
    readDataSubset: z.string().optional(),
    seed: z.string().optional(),
    wait: z.number().min(0).default(0),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const progress = { structure: new ProgressLine('check: structure', !ctx.json), data: new ProgressLine('check: data', !ctx.json) };
    const r = await check({
      repo,
      readData: args.readData,
      ...(args.readDataSubset === undefined ? {} : { readDataSubset: args.readDataSubset }),
      ...(args.seed === undefined ? {} : { seed: args.seed }),
      lockWaitMs: Math.round(args.wait * 1000),
      onProgress: (p) => progress[p.phase].update(p.checked, p.bytes),
    });
    progress.structure.done();
    progress.data.done();
    if (!r.ok) ctx.setExitCode(EXIT.integrity);
    if (ctx.json) return ctx.printJson(r);
    const lines: string[] = [];
    for (const p of r.problems) {
      lines.push(`${p.problem} ${p.id}: ${p.message}${p.reachable ? '' : ' (no ref reaches it: `strata gc` removes it)'}`);
      for (const u of p.usedBy) {
        const paths = u.paths.length === 0 ? '' : ` at ${u.paths.join(', ')}${u.pathCount > u.paths.length ? ` and ${u.pathCount - u.paths.length} more paths` : ''}`;
        lines.push(`  used by version ${u.version.slice(0, 12)}${paths}`);
      }
    }
    for (const n of r.notes) lines.push(`note: ${n}`);
    for (const f of r.forgottenParents) lines.push(`info: version ${f.version.slice(0, 12)} has a forgotten parent ${f.parent.slice(0, 12)}`);
    const data =
      r.data.mode === 'none'
        ? 'data not read (--read-data or --read-data-subset reads it)'
        : `read ${r.data.blobsRead} blobs (${formatBytes(r.data.bytesRead)})${r.data.mode === 'subset' ? ` of subset ${r.data.subset}` : ''}`;
    lines.push(
      `${r.refs} refs, ${r.objects} objects (${r.reachable} reachable, ${r.dangling} dangling); ${data}; ` +
        (r.ok ? 'no damage found' : `${r.problems.length} damaged object${r.problems.length === 1 ? '' : 's'}`),
    );
    ctx.print(lines.join('\n'));
  },
});
