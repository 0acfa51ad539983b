/** `strata game milestone <create|list|show|promote|delete>`: milestones and releases. */
import { z } from 'zod';
import { defineCommandGroup, defineCommand, formatTime, shortId, signedBytes, formatBytes, type StrataCommand } from '../../../porcelain/cli/index.js';
import { BUILD_TYPES, MILESTONE_TYPES } from '../milestones/rules.js';

const TYPES_TEXT = MILESTONE_TYPES.join(', ');

function kind(type: string, semver: string | undefined): string {
  return semver === undefined ? type : `${type} ${semver}`;
}

export const milestoneCreateCommand = defineCommand({
  command: 'create <name> [revision]',
  describe: 'Name a version as a milestone (alpha, beta, rc, release, hotfix, …); its version is pinned against forget and gc',
  group: 'persona',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'the milestone name (letters, digits, . _ -), unique without regard to case' })
      .positional('revision', { type: 'string', describe: 'the version (any revision; default HEAD)' })
      .option('type', { type: 'string', demandOption: true, describe: `the kind: ${TYPES_TEXT}` })
      .option('semver', { type: 'string', describe: 'a semantic version X.Y.Z[-prerelease][+build] (needed by release and hotfix)' })
      .option('m', { alias: 'notes', type: 'string', describe: 'notes on the milestone' }),
  schema: z.object({ name: z.string(), revision: z.string().optional(), type: z.string(), semver: z.string().optional(), notes: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { createMilestone } = await import('../ops/milestone.js');
    const m = await createMilestone({
      repo,
      name: args.name,
      type: args.type,
      ...(args.revision === undefined ? {} : { revision: args.revision }),
      ...(args.semver === undefined ? {} : { semver: args.semver }),
      ...(args.notes === undefined ? {} : { notes: args.notes }),
    });
    if (ctx.json) return ctx.printJson(m);
    ctx.print(`milestone ${m.name}: ${kind(m.type, m.semver)} on version ${shortId(m.version)} (${formatTime(m.versionTime)}), pinned`);
  },
});

export const milestoneListCommand = defineCommand({
  command: 'list',
  describe: 'List milestones, oldest version first',
  group: 'persona',
  builder: (y) => y.option('type', { type: 'string', describe: `only milestones of this kind (${TYPES_TEXT})` }),
  schema: z.object({ type: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { listMilestones } = await import('../ops/milestone.js');
    const list = await listMilestones({ repo, ...(args.type === undefined ? {} : { type: args.type }) });
    if (ctx.json) return ctx.printJson(list);
    if (list.length === 0) return ctx.print(args.type === undefined ? 'no milestones' : `no ${args.type} milestones`);
    const head = ['name', 'type', 'semver', 'version', 'date', 'notes'];
    const rows = list.map((m) => [m.name, m.type, m.semver ?? '-', `${shortId(m.version)}${m.pinned ? '' : ' (NOT PINNED)'}`, formatTime(m.versionTime), m.notes.split('\n')[0] ?? '']);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    const line = (r: string[]) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] as number) : c)).join('  ').trimEnd();
    ctx.print([line(head), ...rows.map(line)].join('\n'));
  },
});

export const milestoneShowCommand = defineCommand({
  command: 'show <name>',
  describe: 'A milestone, its version and what changed since the milestone before it',
  group: 'persona',
  builder: (y) => y.positional('name', { type: 'string', describe: 'the milestone' }),
  schema: z.object({ name: z.string() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { showMilestone } = await import('../ops/milestone.js');
    const r = await showMilestone({ repo, name: args.name });
    if (ctx.json) return ctx.printJson(r);
    const m = r.milestone;
    const lines = [
      `milestone ${m.name}`,
      `type:     ${m.type}${BUILD_TYPES.includes(m.type) ? ' (build type)' : ''}`,
      `semver:   ${m.semver ?? '-'}`,
      `version:  ${m.version}${m.pinned ? ' (pinned)' : ' (NOT PINNED)'}`,
      `  made:   ${formatTime(r.version.time)}${r.version.name === '' ? '' : `, "${r.version.name}"`}${r.version.tags.length > 0 ? `, tags ${r.version.tags.join(', ')}` : ''}`,
      `  holds:  ${r.version.files} files, ${formatBytes(r.version.bytes)}`,
      `created:  ${formatTime(m.created)}`,
    ];
    for (const p of m.promotions) lines.push(`promoted: ${formatTime(p.time)} ${p.from} -> ${p.to}${p.semverAfter !== undefined && p.semverAfter !== p.semverBefore ? ` (${p.semverBefore ?? '-'} -> ${p.semverAfter})` : ''}${p.notes === undefined ? '' : `: ${p.notes}`}`);
    const s = r.sincePrevious;
    lines.push(
      s === undefined
        ? 'since:    first milestone'
        : `since:    ${s.name} (${kind(s.type, s.semver)}): ${s.added} added, ${s.removed} removed, ${s.changed} changed, ${s.renamed} renamed, ${signedBytes(s.netBytes)}`,
    );
    if (m.notes !== '') lines.push('', ...m.notes.split('\n').map((l) => `    ${l}`));
    ctx.print(lines.join('\n'));
  },
});

export const milestonePromoteCommand = defineCommand({
  command: 'promote <name>',
  describe: 'Promote a milestone along alpha < beta < rc < release (recorded in its history)',
  group: 'persona',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'the milestone' })
      .option('to', { type: 'string', demandOption: true, describe: 'the kind to promote to: beta, rc or release (from dev or nightly: alpha too)' })
      .option('semver', { type: 'string', describe: 'a new semver (default: the current one; to release: without its pre-release tag)' })
      .option('m', { alias: 'notes', type: 'string', describe: 'a note on the promotion' }),
  schema: z.object({ name: z.string(), to: z.string(), semver: z.string().optional(), notes: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { promoteMilestone } = await import('../ops/milestone.js');
    const r = await promoteMilestone({
      repo,
      name: args.name,
      to: args.to,
      ...(args.semver === undefined ? {} : { semver: args.semver }),
      ...(args.notes === undefined ? {} : { notes: args.notes }),
    });
    if (ctx.json) return ctx.printJson(r);
    const p = r.promotion;
    ctx.print(`milestone ${r.milestone.name}: ${kind(p.from, p.semverBefore)} -> ${kind(p.to, p.semverAfter)}`);
  },
});

export const milestoneDeleteCommand = defineCommand({
  command: 'delete <name>',
  describe: 'Delete a milestone and unpin its version (a release or hotfix needs --force)',
  group: 'persona',
  builder: (y) =>
    y.positional('name', { type: 'string', describe: 'the milestone' }).option('force', { type: 'boolean', default: false, describe: 'delete a release or hotfix too' }),
  schema: z.object({ name: z.string(), force: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { deleteMilestone } = await import('../ops/milestone.js');
    const r = await deleteMilestone({ repo, name: args.name, force: args.force });
    if (ctx.json) return ctx.printJson(r);
    ctx.print(`deleted milestone ${r.name} (${kind(r.type, r.semver)}); version ${shortId(r.version)} ${r.unpinned ? 'unpinned' : 'was not pinned'}: retention may forget it now`);
  },
});

export const milestoneSubcommands: StrataCommand[] = [milestoneCreateCommand, milestoneListCommand, milestoneShowCommand, milestonePromoteCommand, milestoneDeleteCommand];

export const milestoneCommand = defineCommandGroup({ name: 'milestone', parent: 'strata game', describe: 'Milestones and releases: create, list, show, promote, delete', group: 'persona', subcommands: milestoneSubcommands });
