import { z } from 'zod';
import { OBJECT_KINDS } from '../format/header.js';
import { countObjects } from '../ops/count-objects.js';
import { defineCommand } from './define-command.js';
import { formatBytes } from './progress.js';

export const countObjectsCommand = defineCommand({
  command: 'count-objects',
  describe: 'Count objects and bytes (stored and logical) per kind',
  group: 'plumbing',
  builder: (y) => y,
  schema: z.object({}),
  run: async (_args, ctx) => {
    const repo = await ctx.openRepo();
    const r = await countObjects({ repo });
    if (ctx.json) return ctx.printJson(r);
    const row = (label: string, c: { count: number; storedBytes: number; logicalBytes: number }) =>
      `${label.padEnd(8)} ${String(c.count).padStart(10)} ${formatBytes(c.storedBytes).padStart(12)} ${formatBytes(c.logicalBytes).padStart(12)}`;
    const lines = [`${'kind'.padEnd(8)} ${'objects'.padStart(10)} ${'stored'.padStart(12)} ${'logical'.padStart(12)}`];
    for (const k of OBJECT_KINDS) lines.push(row(k, r.byKind[k]));
    lines.push(row('total', r.total));
    if (r.unreadable > 0) lines.push(`${r.unreadable} objects could not be read: run strata fsck`);
    ctx.print(lines.join('\n'));
  },
});
