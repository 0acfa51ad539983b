/**
 * `strata game platforms <list|show|diff|history|validate>`: per-platform configuration, as declared
 * in the project's `strata-platforms.json` (or .yaml), with the file and line of every effective key.
 */
import type { Argv } from 'yargs';
import { z } from 'zod';
import { StrataError, isStrataError, type Repository } from '../../../porcelain/index.js';
import { defineCommandGroup, defineCommand, formatTime, shortId, sourceFolder, type CliContext, type StrataCommand } from '../../../porcelain/cli/index.js';

const sourceOptions = (y: Argv): Argv =>
  y
    .option('revision', { alias: 'r', type: 'string', describe: 'read the files of this version (default: the working folder)' })
    .option('folder', { type: 'string', describe: 'the project folder to read when no revision is given (default: the folder that holds .strata, else the current folder)' });

const sourceSchema = { revision: z.string().optional(), folder: z.string().optional() };

/** The repository (when there is one) and the folder to read when no revision is given. */
async function source(ctx: CliContext, args: { revision?: string | undefined; folder?: string | undefined }): Promise<{ repo?: Repository; revision?: string; folder?: string }> {
  if (args.revision !== undefined) return { repo: await ctx.openRepo(), revision: args.revision };
  if (args.folder !== undefined) return { folder: args.folder };
  const repo = await ctx.openRepoIfAny();
  if (repo === undefined) return { folder: process.cwd() };
  try {
    return { repo, folder: sourceFolder(repo, undefined, 'read') };
  } catch (err) {
    if (isStrataError(err) && err.code === 'USAGE') return { repo, folder: process.cwd() };
    throw err;
  }
}

/** A value on one line: text as it is (unless it has line breaks), anything else as JSON. */
function show(value: unknown): string {
  if (typeof value === 'string' && !/[\n\r]/.test(value)) return value;
  return JSON.stringify(value);
}

const at = (o: { file: string; line: number }): string => `${o.file}:${o.line}`;

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function sourceLabel(label: { revision: string; version: string } | { folder: string }): string {
  return 'folder' in label ? label.folder : `${label.revision} (${shortId(label.version)})`;
}

const listCommand = defineCommand({
  command: 'list',
  describe: 'The platforms the project declares, and the files each one reads in order',
  group: 'persona',
  builder: (y) => sourceOptions(y),
  schema: z.object(sourceSchema),
  run: async (args, ctx) => {
    const { listPlatforms } = await import('../ops/platforms.js');
    const r = await listPlatforms(await source(ctx, args));
    if (ctx.json) return ctx.printJson(r);
    const lines = [`${r.platforms.length} platform${r.platforms.length === 1 ? '' : 's'} in ${r.project} (${sourceLabel(r.source)})`];
    for (const p of r.platforms) {
      lines.push(`${p.name}  ${p.kind === 'unreal' ? 'Unreal hierarchy' : 'layers'}${p.description === undefined ? '' : `  ${p.description}`}`);
      p.files.forEach((f, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${f.file}  [${f.layer}]${f.present ? '' : '  (missing, skipped)'}`));
    }
    ctx.print(lines.join('\n'));
  },
});

const showCommand = defineCommand({
  command: 'show <platform>',
  describe: "A platform's effective configuration: every key = value with the file:line that set it",
  group: 'persona',
  builder: (y) =>
    sourceOptions(y)
      .positional('platform', { type: 'string', describe: 'a declared platform' })
      .option('key', { alias: 'k', type: 'string', describe: 'only this key and the keys below it' }),
  schema: z.object({ ...sourceSchema, platform: z.string(), key: z.string().optional() }),
  run: async (args, ctx) => {
    const { showPlatform } = await import('../ops/platforms.js');
    const r = await showPlatform({ ...(await source(ctx, args)), platform: args.platform, key: args.key });
    if (ctx.json) return ctx.printJson(r);
    const present = r.files.filter((f) => f.present);
    const lines = [`${r.platform}: ${r.entries.length} key${r.entries.length === 1 ? '' : 's'} from ${present.length} file${present.length === 1 ? '' : 's'} (${sourceLabel(r.source)})`];
    for (const e of r.entries) lines.push(`${e.key} = ${show(e.value)}  (${at(e)})`);
    ctx.print(lines.join('\n'));
  },
});

const diffCommand = defineCommand({
  command: 'diff [platform] [from] [to]',
  describe: 'Compare platforms (--platforms a,b,…: a key-by-platform matrix of what differs), or one platform between two versions',
  group: 'persona',
  builder: (y) =>
    sourceOptions(y)
      .positional('platform', { type: 'string', describe: 'the platform to compare between two versions' })
      .positional('from', { type: 'string', describe: 'the earlier version' })
      .positional('to', { type: 'string', describe: 'the later version' })
      .option('platforms', { alias: 'p', type: 'string', describe: 'compare these platforms (comma-separated; "all" for every declared one)' })
      .option('origins', { type: 'boolean', describe: 'show the file:line of each value in the matrix' }),
  schema: z.object({
    ...sourceSchema,
    platform: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    platforms: z.string().optional(),
    origins: z.boolean().default(false),
  }),
  run: async (args, ctx) => {
    const ops = await import('../ops/platforms.js');
    if (args.platforms !== undefined) {
      if (args.platform !== undefined) throw new StrataError('USAGE', 'give either --platforms a,b,… (compare platforms) or <platform> <from> <to> (compare versions), not both');
      const names = args.platforms === 'all' ? undefined : args.platforms.split(',').map((p) => p.trim()).filter((p) => p !== '');
      const r = await ops.comparePlatforms({ ...(await source(ctx, args)), platforms: names });
      if (ctx.json) return ctx.printJson(r);
      if (r.rows.length === 0) return ctx.print(`${r.platforms.join(', ')}: the same effective configuration (${r.same} key${r.same === 1 ? '' : 's'})`);
      const cell = (v: { value: unknown; file: string; line: number } | null | undefined): string => (v == null ? '-' : clip(args.origins ? `${show(v.value)} (${at(v)})` : show(v.value), args.origins ? 72 : 40));
      const table = [['key', ...r.platforms], ...r.rows.map((row) => [row.key, ...r.platforms.map((p) => cell(row.values[p]))])];
      const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
      const lines = table.map((row) => row.map((v, c) => (c === row.length - 1 ? v : v.padEnd(widths[c]!))).join('  ').trimEnd());
      lines.push(`${r.rows.length} key${r.rows.length === 1 ? '' : 's'} differ, ${r.same} the same on ${r.platforms.join(', ')} (- : not set)`);
      return ctx.print(lines.join('\n'));
    }
    if (args.platform === undefined || args.from === undefined || args.to === undefined) {
      throw new StrataError('USAGE', 'give --platforms a,b,… to compare platforms, or <platform> <from> <to> to compare one platform between two versions');
    }
    if (args.revision !== undefined || args.folder !== undefined) throw new StrataError('USAGE', '--revision and --folder apply to --platforms, not to a comparison between versions');
    const r = await ops.diffPlatformVersions({ repo: await ctx.openRepo(), platform: args.platform, from: args.from, to: args.to });
    if (ctx.json) return ctx.printJson(r);
    const lines = [`${r.platform}: ${r.from.revision} (${shortId(r.from.version)}) -> ${r.to.revision} (${shortId(r.to.version)})`];
    for (const f of r.files) lines.push(`  ${f.status === 'added' ? 'A' : f.status === 'removed' ? 'D' : 'M'} ${f.file}`);
    for (const c of r.added) lines.push(`+ ${c.key} = ${show(c.after!.value)}  (${at(c.after!)})`);
    for (const c of r.removed) lines.push(`- ${c.key} = ${show(c.before!.value)}  (was ${at(c.before!)})`);
    for (const c of r.changed) lines.push(`~ ${c.key}: ${show(c.before!.value)} -> ${show(c.after!.value)}  (${at(c.after!)}${at(c.after!) === at(c.before!) ? '' : `; was ${at(c.before!)}`})`);
    const n = r.added.length + r.removed.length + r.changed.length;
    lines.push(n === 0 ? 'no change in the effective configuration' : `${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed`);
    ctx.print(lines.join('\n'));
  },
});

const historyCommand = defineCommand({
  command: 'history <platform> <key>',
  describe: "Every version of the branch in which a key's effective value changed, and the file that changed it",
  group: 'persona',
  builder: (y) =>
    y
      .positional('platform', { type: 'string', describe: 'a declared platform' })
      .positional('key', { type: 'string', describe: 'the key as `show` prints it (quote parts holding dots: Engine."/Script/Engine.Engine".bSmoothFrameRate)' })
      .option('branch', { alias: 'b', type: 'string', describe: 'the branch to walk (default: the current one)' }),
  schema: z.object({ platform: z.string(), key: z.string(), branch: z.string().optional() }),
  run: async (args, ctx) => {
    const { platformKeyHistory } = await import('../ops/platforms-history.js');
    const r = await platformKeyHistory({ repo: await ctx.openRepo(), platform: args.platform, key: args.key, branch: args.branch });
    if (ctx.json) return ctx.printJson(r);
    const lines: string[] = [];
    for (const e of r.entries) {
      const title = e.name !== '' ? e.name : e.description.split('\n')[0] ?? '';
      const head = `${shortId(e.version)}  ${formatTime(e.time)}${title === '' ? '' : `  ${title}`}`;
      const what =
        e.state === 'set'
          ? `${r.key} = ${show(e.value)}${e.before === undefined ? '' : ` (was ${show(e.before)})`}  (${e.file}:${e.line})`
          : e.state === 'error'
            ? `cannot evaluate: ${e.message}`
            : e.reason === 'no-key'
              ? `${r.key} removed${e.before === undefined ? '' : ` (was ${show(e.before)})`}`
              : e.reason === 'no-platform'
                ? `platform ${r.platform} not declared`
                : 'no platforms file';
      lines.push(`${head}\n    ${what}${e.changedFiles.length === 0 ? '' : `\n    files changed in this version: ${e.changedFiles.join(', ')}`}`);
    }
    lines.push(`${r.entries.length} change${r.entries.length === 1 ? '' : 's'} of ${r.key} on ${r.platform} in ${r.versions} version${r.versions === 1 ? '' : 's'} (${r.evaluated} evaluated)`);
    ctx.print(lines.join('\n'));
  },
});

const validateCommand = defineCommand({
  command: 'validate',
  describe: "Check every platform's effective configuration against a JSON Schema; one line per violation, exit 1 when any",
  group: 'persona',
  builder: (y) =>
    sourceOptions(y)
      .option('schema', { alias: 's', type: 'string', describe: "a JSON Schema file (default: the platforms file's \"schema\")" })
      .option('platforms', { alias: 'p', type: 'string', describe: 'only these platforms (comma-separated)' }),
  schema: z.object({ ...sourceSchema, schema: z.string().optional(), platforms: z.string().optional() }),
  run: async (args, ctx) => {
    const { validatePlatforms } = await import('../ops/platforms.js');
    const names = args.platforms?.split(',').map((p) => p.trim()).filter((p) => p !== '');
    const r = await validatePlatforms({ ...(await source(ctx, args)), schemaFile: args.schema, platforms: names });
    if (ctx.json) ctx.printJson(r);
    else {
      const lines = r.violations.map((v) => `${v.platform}  ${v.key}: ${v.message}  (${v.file}:${v.line})`);
      if (r.violations.length === 0) lines.push(`${r.platforms.join(', ')}: valid against ${r.schema}`);
      ctx.print(lines.join('\n'));
    }
    if (r.violations.length > 0) {
      const platforms = new Set(r.violations.map((v) => v.platform));
      throw new StrataError('CONFIG_INVALID_VALUES', `${r.violations.length} violation${r.violations.length === 1 ? '' : 's'} of ${r.schema} on ${[...platforms].join(', ')}`, {
        data: { violations: r.violations.length, platforms: [...platforms] },
      });
    }
  },
});

export const platformsSubcommands: StrataCommand[] = [listCommand, showCommand, diffCommand, historyCommand, validateCommand];

export const gamePlatformsCommand = defineCommandGroup({ name: 'platforms', parent: 'strata game', describe: 'Per-platform configuration: list, show (with the file:line of every key), diff platforms or versions, history of a key, validate', group: 'persona', subcommands: platformsSubcommands });
