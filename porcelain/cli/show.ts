import { z } from 'zod';
import { defineCommand, formatBytes } from '../../plumbing/cli/index.js';
import { showVersion } from '../ops/show.js';
import { renderEntries, summaryLine } from './diff.js';
import { formatTime, shortId } from './log.js';

export const showCommand = defineCommand({
  command: 'show <rev>',
  describe: 'A version’s metadata and what changed against its parent',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('rev', { type: 'string', describe: 'any revision naming a version (main, main~1, a tag, an id prefix)' })
      .option('max-paths', { type: 'number', default: 20, describe: 'changed paths to list (the rest are counted; --json lists all)' })
      .option('renames', { type: 'boolean', default: true, describe: 'detect renames (--no-renames shows them as deleted and added)' }),
  schema: z.object({
    rev: z.string(),
    maxPaths: z.number().int().min(0).default(20),
    renames: z.boolean().default(true),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const r = await showVersion({ repo, version: args.rev, renames: args.renames });
    if (ctx.json) return ctx.printJson(r);
    const v = r.version;
    const lines = [`version    ${v.id}`, `date       ${formatTime(v.time)}`];
    if (v.name !== '') lines.push(`name       ${v.name}`);
    if (v.milestone) lines.push('milestone  yes');
    if (v.tags.length > 0) lines.push(`labels     ${v.tags.join(', ')}`);
    if (v.tagRefs.length > 0) lines.push(`tags       ${v.tagRefs.join(', ')}`);
    if (v.branches.length > 0) lines.push(`branches   ${v.branches.join(', ')}`);
    const parent = v.parents[0];
    if (parent === undefined) lines.push('parent     none (a first version)');
    else lines.push(`parent     ${parent}${r.forgottenParent ? ' (forgotten)' : ''}`);
    for (const p of v.parents.slice(1)) lines.push(`parent     ${p}`);
    for (const [k, val] of Object.entries(v.meta).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`meta       ${k}=${val}`);
    lines.push(`content    ${v.files} file${v.files === 1 ? '' : 's'}, ${formatBytes(v.bytes)}`);
    if (v.description !== '') lines.push('', ...v.description.split('\n').map((l) => `    ${l}`));
    lines.push('');
    if (r.changes) {
      const base = r.parent ? `against ${shortId(r.parent.id)}` : 'against an empty folder (a first version)';
      lines.push(`changes ${base}: ${summaryLine(r.changes.summary)}`);
      lines.push(...renderEntries(r.changes.entries, args.maxPaths));
    } else {
      lines.push('changes: unknown, the parent was forgotten (removed by retention)');
    }
    ctx.print(lines.join('\n'));
  },
});
