import { z } from 'zod';
import { defineCommand } from '../../plumbing/cli/index.js';
import { forget, type ForgetVersion } from '../ops/forget.js';
import type { RetentionPolicy } from '../core/retention.js';

/** Checked by the retention core, whose messages name the option (`--keep-daily: 1.5 is not a count …`). */
const count = z.union([z.number(), z.nan()]).optional();
const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export const forgetCommand = defineCommand({
  command: 'forget [versions..]',
  describe: 'Forget versions by a retention policy (restic semantics); `gc` then frees their space',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('versions', { type: 'string', array: true, describe: 'versions to forget by name, instead of a policy' })
      .option('keep-last', { type: 'number', describe: 'keep the N newest versions' })
      .option('keep-hourly', { type: 'number', describe: 'keep the newest version of each of the last N hours that have one (-1: every hour)' })
      .option('keep-daily', { type: 'number', describe: 'same, per day (UTC)' })
      .option('keep-weekly', { type: 'number', describe: 'same, per ISO week' })
      .option('keep-monthly', { type: 'number', describe: 'same, per month' })
      .option('keep-yearly', { type: 'number', describe: 'same, per year' })
      .option('keep-within', { type: 'string', describe: 'keep every version newer than this before the newest (2w, 30d, 36h, 1y6mo)' })
      .option('keep-within-hourly', { type: 'string', describe: 'keep the newest version of each hour within this duration' })
      .option('keep-within-daily', { type: 'string', describe: 'same, per day' })
      .option('keep-within-weekly', { type: 'string', describe: 'same, per week' })
      .option('keep-within-monthly', { type: 'string', describe: 'same, per month' })
      .option('keep-within-yearly', { type: 'string', describe: 'same, per year' })
      .option('keep-tag', { type: 'string', array: true, describe: 'keep versions carrying this tag (repeatable; a,b needs both)' })
      .option('branch', { type: 'string', describe: "only consider the versions in this branch's history" })
      .option('group-by', { type: 'string', describe: 'metadata keys that split versions into groups, each kept on its own (default host,source; "" for one group)' })
      .option('dry-run', { alias: 'n', type: 'boolean', describe: 'only say what would be forgotten' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by another command (default 0)' }),
  schema: z.object({
    versions: z.array(z.string()).default([]),
    keepLast: count,
    keepHourly: count,
    keepDaily: count,
    keepWeekly: count,
    keepMonthly: count,
    keepYearly: count,
    keepWithin: z.string().optional(),
    keepWithinHourly: z.string().optional(),
    keepWithinDaily: z.string().optional(),
    keepWithinWeekly: z.string().optional(),
    keepWithinMonthly: z.string().optional(),
    keepWithinYearly: z.string().optional(),
    keepTag: z.array(z.string()).default([]),
    branch: z.string().optional(),
    groupBy: z.string().optional(),
    dryRun: z.boolean().default(false),
    wait: z.number().min(0).default(0),
  }),
  run: async (args, ctx) => {
    const policy: RetentionPolicy = {};
    for (const key of ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const) {
      if (args[key] !== undefined) policy[key] = args[key];
    }
    for (const key of ['keepWithin', 'keepWithinHourly', 'keepWithinDaily', 'keepWithinWeekly', 'keepWithinMonthly', 'keepWithinYearly'] as const) {
      if (args[key] !== undefined) policy[key] = args[key];
    }
    if (args.keepTag.length > 0) policy.keepTags = args.keepTag;
    const repo = await ctx.openRepo();
    const r = await forget({
      repo,
      policy,
      versions: args.versions,
      ...(args.branch === undefined ? {} : { branch: args.branch }),
      ...(args.groupBy === undefined ? {} : { groupBy: args.groupBy.split(',').map((k) => k.trim()).filter((k) => k !== '') }),
      dryRun: args.dryRun,
      lockWaitMs: Math.round(args.wait * 1000),
    });
    if (ctx.json) return ctx.printJson(r);
    const line = (v: ForgetVersion, withReasons: boolean) =>
      `  ${v.id.slice(0, 12)}  ${when(v.time)}${v.name ? `  ${v.name}` : ''}${withReasons ? `  (${v.reasons.join(', ')})` : ''}`;
    const groupLabel = (v: ForgetVersion) =>
      Object.entries(v.group)
        .map(([k, val]) => `${k}=${val === '' ? '(none)' : val}`)
        .join(' ');
    const lines: string[] = [];
    const section = (title: string, list: ForgetVersion[], withReasons: boolean) => {
      if (list.length === 0) return;
      lines.push(title);
      let group: string | undefined;
      for (const v of [...list].sort((a, b) => (groupLabel(a) < groupLabel(b) ? -1 : groupLabel(a) > groupLabel(b) ? 1 : b.time - a.time))) {
        if (r.groups > 1 && groupLabel(v) !== group) {
          group = groupLabel(v);
          lines.push(` ${group}:`);
        }
        lines.push(line(v, withReasons));
      }
    };
    section(`keep ${r.keep.length} version${r.keep.length === 1 ? '' : 's'}:`, r.keep, true);
    section(`${r.dryRun ? 'would forget' : 'forgot'} ${r.remove.length} version${r.remove.length === 1 ? '' : 's'}:`, r.remove, false);
    if (r.remove.length === 0) lines.push('nothing to forget');
    else if (r.dryRun) lines.push('dry run: nothing was changed');
    else lines.push('their objects stay until `strata gc` removes what no version uses any more');
    ctx.print(lines.join('\n'));
  },
});
