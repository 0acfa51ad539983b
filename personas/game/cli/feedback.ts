/** `strata game feedback <import|add|list|query|analyze|report|correlate>`: player feedback linked to stored versions. */
import type { Argv } from 'yargs';
import { z } from 'zod';
import { defineCommand, defineCommandGroup, formatTime, shortId, type CliContext, type StrataCommand } from '../../../porcelain/cli/index.js';
import { StrataError } from '../../../porcelain/index.js';
import type { FeedbackFilter, QueriedItem } from '../ops/feedback-query.js';

/** Exit code of a command that finished but skipped some input (malformed rows). */
const EXIT_PARTIAL = 3;

const FILTER_DESCRIPTIONS = {
  version: 'items linked to this version (id, tag, branch or milestone)',
  range: 'items linked to versions from A to B by time, inclusive (A..B, A.. or ..B)',
  milestone: "items in a milestone's span (its version up to the next milestone)",
  category: 'items in this category (repeatable: any of them)',
  platform: 'items from this platform (repeatable)',
  rating: 'a rating condition: 5, >=4, <3, 1-2',
  since: 'written at or after this time (ISO 8601 date)',
  until: 'written before this time',
  text: 'text containing this (no regard to case)',
  player: "one player's items (the identifier as they gave it; matched by pseudonym)",
  tag: 'items with this tag',
} as const;

function withFilters<T>(y: Argv<T>, except: string[] = []): Argv<T> {
  // `--version` names a stored version here: the program's own --version is off for these commands.
  let out = (y as Argv<unknown>).version(false);
  for (const [name, describe] of Object.entries(FILTER_DESCRIPTIONS)) {
    if (except.includes(name)) continue;
    out = out.option(name, { type: 'string', describe, ...(name === 'category' || name === 'platform' ? { array: true } : {}) });
  }
  return out
    .option('unlinked', { type: 'boolean', describe: 'only items not linked to a version (--no-unlinked: only linked ones)' })
    .option('config', { type: 'string', describe: 'feedback settings file (default: strata-feedback.json in the project, then in the repository folder)' }) as Argv<T>;
}

const FilterArgs = z.object({
  version: z.string().optional(),
  range: z.string().optional(),
  milestone: z.string().optional(),
  category: z.array(z.string()).optional(),
  platform: z.array(z.string()).optional(),
  rating: z.string().optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  text: z.string().optional(),
  player: z.string().optional(),
  tag: z.string().optional(),
  unlinked: z.boolean().optional(),
  config: z.string().optional(),
});

function filterOf(a: z.infer<typeof FilterArgs>): FeedbackFilter {
  const f: FeedbackFilter = {};
  if (a.version !== undefined) f.version = a.version;
  if (a.range !== undefined) {
    const m = /^(.*?)\.\.(.*)$/.exec(a.range);
    if (!m) throw new StrataError('USAGE', `--range ${a.range}: give A..B, A.. or ..B`);
    f.versionRange = { ...(m[1] ? { from: m[1] } : {}), ...(m[2] ? { to: m[2] } : {}) };
  }
  if (a.milestone !== undefined) f.milestone = a.milestone;
  if (a.category !== undefined) f.category = a.category;
  if (a.platform !== undefined) f.platform = a.platform;
  if (a.rating !== undefined) f.rating = a.rating;
  if (a.since !== undefined) f.since = a.since;
  if (a.until !== undefined) f.until = a.until;
  if (a.text !== undefined) f.text = a.text;
  if (a.player !== undefined) f.player = a.player;
  if (a.tag !== undefined) f.tag = a.tag;
  if (a.unlinked !== undefined) f.unlinked = a.unlinked;
  return f;
}

function day(ms: number | undefined): string {
  return ms === undefined ? '-' : formatTime(ms);
}

function oneLine(text: string, width: number): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] as number) : c)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function pValue(p: number): string {
  return p < 0.0001 ? p.toExponential(2) : p.toFixed(4);
}

export const feedbackImportCommand = defineCommand({
  command: 'import <file>',
  describe: 'Import player feedback from a CSV, JSON or JSON-lines file; each item linked to a stored version; re-importing adds nothing twice',
  group: 'persona',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'the file' })
      .option('format', { type: 'string', choices: ['csv', 'json', 'jsonl'], describe: 'the file format (default: from the extension)' })
      .option('map', { type: 'string', array: true, describe: 'take a field from a column: field=column (fields: text, rating, platform, build, player, time, tags, version); repeatable' })
      .option('branch', { type: 'string', describe: 'the branch whose history links items by time (default: the settings\', else the current branch)' })
      .option('config', { type: 'string', describe: 'feedback settings file (default: strata-feedback.json in the project, then in the repository folder)' }),
  schema: z.object({ file: z.string(), format: z.enum(['csv', 'json', 'jsonl']).optional(), map: z.array(z.string()).optional(), branch: z.string().optional(), config: z.string().optional() }),
  run: async (args, ctx) => {
    const format = args.format ?? formatFromName(args.file);
    const repo = await ctx.openRepo();
    const { importFeedback } = await import('../ops/feedback-import.js');
    const r = await importFeedback({ repo, file: args.file, format, ...(args.map === undefined ? {} : { map: args.map }), ...(args.branch === undefined ? {} : { branch: args.branch }), ...(args.config === undefined ? {} : { config: args.config }) });
    if (r.malformedCount > 0) ctx.setExitCode(EXIT_PARTIAL);
    if (ctx.json) return ctx.printJson(r);
    const lines = [`imported ${r.file} (${r.format}): ${r.rows} rows, ${r.added} new, ${r.present} already present${r.relinked > 0 ? `, ${r.relinked} linked now` : ''}${r.duplicates > 0 ? `, ${r.duplicates} repeated in the file` : ''}, ${r.malformedCount} malformed`];
    const l = r.links;
    if (r.added + r.relinked > 0) lines.push(`linked: ${l.version} by version, ${l['build-map']} by build map, ${l.build} by build name, ${l.time} by time; ${l.none} unlinked`);
    for (const v of r.versions.slice(0, 10)) lines.push(`  ${shortId(v.version)}${v.ref === undefined ? '' : ` (${v.ref})`}  ${day(v.time)}  ${plural(v.items, 'item')}`);
    if (r.versions.length > 10) lines.push(`  … and ${r.versions.length - 10} more versions`);
    if (r.malformedCount > 0) {
      lines.push(`malformed rows (skipped):`);
      for (const m of r.malformed.slice(0, 20)) lines.push(`  ${unit(r.format)} ${m.at}: ${m.problem}`);
      if (r.malformedCount > 20) lines.push(`  … and ${r.malformedCount - 20} more (all with --json)`);
    }
    if (r.unlinkedCount > 0) {
      lines.push(`unlinked items (stored without a version):`);
      for (const u of r.unlinked.slice(0, 20)) lines.push(`  ${unit(r.format)} ${u.at}: ${u.reason}`);
      if (r.unlinkedCount > 20) lines.push(`  … and ${r.unlinkedCount - 20} more (all with --json)`);
    }
    lines.push(r.record === undefined ? 'nothing new: no record written' : `record ${shortId(r.record)}`);
    ctx.print(lines.join('\n'));
  },
});

function unit(format: string): string {
  return format === 'json' ? 'item' : 'line';
}

function formatFromName(file: string): 'csv' | 'json' | 'jsonl' {
  const m = /\.(csv|json|jsonl|ndjson)$/i.exec(file);
  if (!m) throw new StrataError('USAGE', `cannot tell the format of ${file} from its name: give --format csv, json or jsonl`);
  const ext = (m[1] as string).toLowerCase();
  return ext === 'ndjson' ? 'jsonl' : (ext as 'csv' | 'json' | 'jsonl');
}

export const feedbackAddCommand = defineCommand({
  command: 'add <text>',
  describe: 'Add one feedback item',
  group: 'persona',
  builder: (y) =>
    y
      .version(false)
      .positional('text', { type: 'string', describe: 'what the player said' })
      .option('rating', { type: 'number', describe: 'their rating' })
      .option('platform', { type: 'string', describe: 'their platform' })
      .option('build', { type: 'string', describe: 'the build string their game reported' })
      .option('player', { type: 'string', describe: 'their identifier (stored pseudonymised)' })
      .option('time', { type: 'string', describe: 'when they wrote it (ISO 8601; default now)' })
      .option('tag', { type: 'string', array: true, describe: 'a tag (repeatable)' })
      .option('version', { type: 'string', describe: 'the version it is about (id, tag, branch or milestone)' })
      .option('branch', { type: 'string', describe: 'the branch whose history links by time' })
      .option('config', { type: 'string', describe: 'feedback settings file' }),
  schema: z.object({ text: z.string(), rating: z.number().optional(), platform: z.string().optional(), build: z.string().optional(), player: z.string().optional(), time: z.string().optional(), tag: z.array(z.string()).optional(), version: z.string().optional(), branch: z.string().optional(), config: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { addFeedback } = await import('../ops/feedback-import.js');
    const r = await addFeedback({
      repo,
      text: args.text,
      ...(args.rating === undefined ? {} : { rating: args.rating }),
      ...(args.platform === undefined ? {} : { platform: args.platform }),
      ...(args.build === undefined ? {} : { build: args.build }),
      ...(args.player === undefined ? {} : { player: args.player }),
      ...(args.time === undefined ? {} : { time: args.time }),
      ...(args.tag === undefined ? {} : { tags: args.tag }),
      ...(args.version === undefined ? {} : { version: args.version }),
      ...(args.branch === undefined ? {} : { branch: args.branch }),
      ...(args.config === undefined ? {} : { config: args.config }),
    });
    if (ctx.json) return ctx.printJson(r);
    const link = r.item.version === undefined ? `unlinked: ${r.unlinked ?? 'no version'}` : `linked to ${shortId(r.item.version)} by ${r.item.link}`;
    ctx.print(r.added ? `added item ${r.item.id.slice(0, 12)}, ${link}` : `item ${r.item.id.slice(0, 12)} is already stored; nothing added`);
  },
});

function itemRow(it: QueriedItem): string[] {
  return [
    day(it.time),
    it.id.slice(0, 8),
    it.version === undefined ? 'unlinked' : `${shortId(it.version)}${it.versionLabel === undefined ? '' : ` ${it.versionLabel}`}`,
    it.platform ?? '-',
    it.rating === undefined ? '-' : String(it.rating),
    it.categories.join(',') || '-',
    it.sentiment > 0 ? `+${it.sentiment}` : String(it.sentiment),
    oneLine(it.text, 60),
  ];
}

async function runQuery(args: z.infer<typeof FilterArgs> & { limit?: number | undefined }, ctx: CliContext, full: boolean): Promise<void> {
  const repo = await ctx.openRepo();
  const { queryFeedback } = await import('../ops/feedback-query.js');
  const limit = args.limit ?? (ctx.json || full ? undefined : 50);
  const r = await queryFeedback({ repo, filter: filterOf(args), ...(limit === undefined ? {} : { limit }), ...(args.config === undefined ? {} : { config: args.config }) });
  if (ctx.json) return ctx.printJson(r);
  if (r.total === 0) return ctx.print('no feedback items match');
  if (!full) {
    const out = table(['time', 'id', 'version', 'platform', 'rating', 'categories', 'sentiment', 'text'], r.items.map(itemRow));
    return ctx.print(`${out}\n${r.items.length < r.total ? `${r.items.length} of ${plural(r.total, 'item')} (newest first; --limit for more)` : plural(r.total, 'item')}`);
  }
  const blocks = r.items.map((it) => {
    const lines = [
      `item ${it.id}`,
      `  time:      ${day(it.time)}`,
      `  version:   ${it.version === undefined ? 'unlinked' : `${it.version} (${it.versionLabel === undefined ? '' : `${it.versionLabel}, `}linked by ${it.link}${it.milestone === undefined ? '' : `; in milestone ${it.milestone}`})`}`,
    ];
    if (it.build !== undefined) lines.push(`  build:     ${it.build}`);
    if (it.platform !== undefined) lines.push(`  platform:  ${it.platform}`);
    if (it.rating !== undefined) lines.push(`  rating:    ${it.rating}`);
    if (it.player !== undefined) lines.push(`  player:    ${it.player}`);
    if (it.tags.length > 0) lines.push(`  tags:      ${it.tags.join(', ')}`);
    lines.push(`  analysis:  ${it.categories.join(', ') || 'no category'}; sentiment ${it.sentiment}`);
    lines.push(`  source:    ${it.source.file}:${it.source.at}`);
    for (const t of it.text.split('\n')) lines.push(`    ${t}`);
    return lines.join('\n');
  });
  ctx.print(`${blocks.join('\n\n')}\n\n${r.items.length < r.total ? `${r.items.length} of ${plural(r.total, 'item')}` : plural(r.total, 'item')}`);
}

const QueryArgs = FilterArgs.extend({ limit: z.number().int().min(0).optional() });

export const feedbackListCommand = defineCommand({
  command: 'list',
  describe: 'List feedback items, one line each, newest first (the filters of query)',
  group: 'persona',
  builder: (y) => withFilters(y).option('limit', { type: 'number', describe: 'at most this many items (default 50; all with --json)' }),
  schema: QueryArgs,
  run: (args, ctx) => runQuery(args, ctx, false),
});

export const feedbackQueryCommand = defineCommand({
  command: 'query',
  describe: 'Feedback items in full, by version range, milestone, category, platform, rating, time, text or player',
  group: 'persona',
  builder: (y) => withFilters(y).option('limit', { type: 'number', describe: 'at most this many items' }),
  schema: QueryArgs,
  run: (args, ctx) => runQuery(args, ctx, true),
});

export const feedbackAnalyzeCommand = defineCommand({
  command: 'analyze',
  describe: 'Categories (rules the project can edit) and sentiment (AFINN-165) of the selected feedback',
  group: 'persona',
  builder: (y) => withFilters(y).option('items', { type: 'boolean', default: false, describe: "also list each item's categories and sentiment" }).option('limit', { type: 'number', describe: 'with --items: at most this many' }),
  schema: QueryArgs.extend({ items: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { analyzeFeedback } = await import('../ops/feedback-query.js');
    const r = await analyzeFeedback({ repo, filter: filterOf(args), withItems: args.items, ...(args.limit === undefined ? {} : { limit: args.limit }), ...(args.config === undefined ? {} : { config: args.config }) });
    if (ctx.json) return ctx.printJson(r);
    const lines = [
      `${r.items} items; rules: ${r.rulesSource ?? 'shipped defaults'}; sentiment: AFINN-165`,
      `rating:     ${r.rating.mean === null ? '-' : `${r.rating.mean} mean of ${r.rating.n}`}`,
      `sentiment:  ${r.sentiment.mean === null ? '-' : `${r.sentiment.mean} mean; ${r.sentiment.positive} positive, ${r.sentiment.negative} negative, ${r.sentiment.neutral} neutral`}`,
      '',
      table(['category', 'items', 'share'], [...r.categories.map((c) => [c.category, String(c.count), pct(c.share)]), ['(none)', String(r.uncategorised), pct(r.items === 0 ? 0 : r.uncategorised / r.items)]]),
    ];
    if (r.list) {
      lines.push('');
      lines.push(table(['id', 'categories', 'sentiment', 'text'], r.list.map((i) => [i.id.slice(0, 8), i.categories.join(',') || '-', String(i.sentiment), oneLine(i.text, 70)])));
    }
    ctx.print(lines.join('\n'));
  },
});

const ReportArgs = FilterArgs.extend({ test: z.enum(['fisher', 'z']).optional(), alpha: z.number().optional(), adjust: z.enum(['none', 'holm']).optional() });

function withTest<T>(y: Argv<T>): Argv<T> {
  return y
    .option('test', { type: 'string', choices: ['fisher', 'z'], describe: "one-sided test of a category's share against the group before: fisher (Fisher's exact test, default) or z (two-proportion z-test)" })
    .option('alpha', { type: 'number', describe: 'significance level (default 0.05)' })
    .option('adjust', { type: 'string', choices: ['none', 'holm'], describe: "adjust the p-values for the number of tests (every category at every version): none (default) or holm (Holm's method)" });
}

export const feedbackReportCommand = defineCommand({
  command: 'report',
  describe: 'Per version or milestone: counts, categories, sentiment, rating, and the categories that rose significantly',
  group: 'persona',
  builder: (y) => withTest(withFilters(y)).option('by', { type: 'string', choices: ['version', 'milestone'], default: 'version', describe: 'group by version or by milestone' }),
  schema: ReportArgs.extend({ by: z.enum(['version', 'milestone']).default('version') }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { feedbackReport } = await import('../ops/feedback-query.js');
    const r = await feedbackReport({ repo, by: args.by, filter: filterOf(args), ...(args.test === undefined ? {} : { test: args.test }), ...(args.alpha === undefined ? {} : { alpha: args.alpha }), ...(args.adjust === undefined ? {} : { adjust: args.adjust }), ...(args.config === undefined ? {} : { config: args.config }) });
    if (ctx.json) return ctx.printJson(r);
    if (r.groups.length === 0) return ctx.print(`no linked feedback${r.ungrouped > 0 ? ` (${r.ungrouped} items without a ${args.by})` : ''}`);
    const head = [args.by, 'date', 'items', 'rating', 'sentiment', ...r.categories];
    const rows = r.groups.map((g) => [
      args.by === 'version' ? `${shortId(g.version)}${g.label === g.version.slice(0, 12) ? '' : ` ${g.label}`}` : g.label,
      day(g.time).slice(0, 10),
      String(g.items),
      g.rating.mean === null ? '-' : g.rating.mean.toFixed(2),
      g.sentiment.mean === null ? '-' : g.sentiment.mean.toFixed(2),
      ...g.categories.map((c) => String(c.count)),
    ]);
    const lines = [table(head, rows), ''];
    const rises = r.groups.filter((g) => g.rises.length > 0);
    const testName = r.test === 'fisher' ? "Fisher's exact test" : 'two-proportion z-test';
    lines.push(`rises (one-sided ${testName} of each category's share against the ${args.by} before, alpha ${r.alpha}${r.adjust === 'holm' ? ', p-values Holm-adjusted for all the tests' : ''}):`);
    if (rises.length === 0) lines.push('  none');
    for (const g of rises) {
      for (const x of g.rises) {
        lines.push(`  ${x.category} after ${g.label}: ${pct(x.after.share)} of ${x.after.n} (was ${pct(x.before.share)} of ${x.before.n} at ${g.previous?.label ?? '?'}), p = ${pValue(x.p)}${x.pAdjusted === undefined ? '' : `, adjusted ${pValue(x.pAdjusted)}`}`);
      }
    }
    if (r.ungrouped > 0) lines.push(`${plural(r.ungrouped, 'item')} without a ${args.by} ${r.ungrouped === 1 ? 'is' : 'are'} not in the table`);
    ctx.print(lines.join('\n'));
  },
});

export const feedbackCorrelateCommand = defineCommand({
  command: 'correlate <category>',
  describe: 'For each version where a category rose significantly, the files and asset types changed in it, ranked',
  group: 'persona',
  builder: (y) => withTest(withFilters(y.positional('category', { type: 'string', describe: 'the category (crash, performance, …)' }), ['category'])).option('files', { type: 'number', describe: 'files listed per version (default 20; all with --json)' }),
  schema: ReportArgs.omit({ category: true }).extend({ category: z.string(), files: z.number().int().min(0).optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { correlateFeedback } = await import('../ops/feedback-query.js');
    const r = await correlateFeedback({ repo, category: args.category, filter: filterOf({ ...args, category: undefined }), ...(args.test === undefined ? {} : { test: args.test }), ...(args.alpha === undefined ? {} : { alpha: args.alpha }), ...(args.adjust === undefined ? {} : { adjust: args.adjust }), ...(args.config === undefined ? {} : { config: args.config }) });
    if (ctx.json) return ctx.printJson(r);
    const level = `alpha ${r.alpha}${r.adjust === 'holm' ? ', Holm-adjusted' : ''}`;
    if (r.versions.length === 0) return ctx.print(`${r.category} did not rise significantly after any version (${level})`);
    const limit = args.files ?? 20;
    const lines = [`${r.category} rose significantly after ${plural(r.versions.length, 'version')} (${level}):`];
    for (const v of r.versions) {
      lines.push(`${shortId(v.version)} ${v.label}: ${pct(v.rise.after.share)} of ${v.rise.after.n} items, was ${pct(v.rise.before.share)} of ${v.rise.before.n} at ${v.previous.label}; p = ${pValue(v.rise.p)}${v.rise.pAdjusted === undefined ? '' : `, adjusted ${pValue(v.rise.pAdjusted)}`}`);
      lines.push(`  changed since ${v.previous.label}: ${plural(v.files.length, 'file')}${v.groups.length === 0 ? '' : ` (${v.groups.map((g) => `${g.group} ${g.files}`).join(', ')})`}`);
      for (const f of v.files.slice(0, limit)) lines.push(`    ${f.change.padEnd(8)} ${f.group.padEnd(8)} ${f.oldPath === undefined ? f.path : `${f.oldPath} -> ${f.path}`}`);
      if (v.files.length > limit) lines.push(`    … and ${v.files.length - limit} more`);
    }
    lines.push('', 'asset types, ranked (versions where they changed, files):');
    for (const g of r.assetGroups) lines.push(`  ${g.group.padEnd(8)} ${plural(g.versions, 'version')}, ${plural(g.files, 'file')}`);
    const top = r.files.slice(0, limit);
    lines.push('', 'files, ranked (versions where they changed):');
    for (const f of top) lines.push(`  ${String(f.versions).padStart(3)}  ${f.path}  (${f.changes.join('; ')})`);
    if (r.files.length > limit) lines.push(`  … and ${r.files.length - limit} more`);
    ctx.print(lines.join('\n'));
  },
});

export const feedbackForgetCommand = defineCommand({
  command: 'forget',
  describe: "Erase a player's feedback: the other items are stored again as one record, the records that held theirs deleted (then run gc)",
  group: 'persona',
  builder: (y) =>
    y
      .option('player', { type: 'string', demandOption: true, describe: "the player's identifier, as their feedback gave it" })
      .option('dry-run', { type: 'boolean', default: false, describe: 'only count their items' }),
  schema: z.object({ player: z.string().min(1), dryRun: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { forgetFeedback } = await import('../ops/feedback-forget.js');
    const r = await forgetFeedback({ repo, player: args.player, dryRun: args.dryRun });
    if (ctx.json) return ctx.printJson(r);
    if (r.forgotten === 0) return ctx.print(`no feedback of that player is stored (${r.remaining} items from others)`);
    if (r.dryRun) return ctx.print(`would forget ${plural(r.forgotten, 'item')} of ${r.player}; ${plural(r.remaining, 'item')} would remain`);
    ctx.print(`forgot ${plural(r.forgotten, 'item')} of ${r.player}; ${plural(r.remaining, 'item')} remain in record ${shortId(r.record ?? '')}, ${plural(r.recordsDeleted, 'record')} deleted\nrun \`strata gc\` to free the objects that held them`);
  },
});

export const feedbackSubcommands: StrataCommand[] = [feedbackImportCommand, feedbackAddCommand, feedbackListCommand, feedbackQueryCommand, feedbackAnalyzeCommand, feedbackReportCommand, feedbackCorrelateCommand, feedbackForgetCommand];

export const feedbackCommand = defineCommandGroup({ name: 'feedback', parent: 'strata game', describe: 'Player feedback linked to stored versions: import, add, list, query, analyze, report, correlate, forget', group: 'persona', subcommands: feedbackSubcommands });
