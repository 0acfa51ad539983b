import { z } from 'zod';
import { StrataError, parseDuration } from '../../plumbing/index.js';
import { defineCommand, formatBytes } from '../../plumbing/cli/index.js';
import { log, type LogEntry } from '../ops/log.js';
import { shortBranch } from '../ops/version-list.js';

/** The first 12 hex digits of an id, as every porcelain command shows ids. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A time in the local time zone: `2026-01-02 10:00:05`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The first line of a description. */
export function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}

/**
 * Parses `--since`/`--until`: an ISO 8601 date or time (`2026-01-31`, `2026-01-31T12:00`), a number of
 * milliseconds since the epoch, or a duration before now (`3d`, `12h`, `2w`). A bare date given as
 * `until` means the end of that day.
 */
export function parseTimeArg(text: string, option: string, now: number, endOfDay = false): number {
  const t = text.trim();
  if (/^-?\d{10,}$/.test(t)) return Number(t);
  const duration = /^\d/.test(t) && !/^\d{4}-/.test(t) ? parseDuration(t) : undefined;
  if (duration !== undefined) return now - duration;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(t);
  // A bare date is a local calendar day.
  const ms = dateOnly ? new Date(`${t}T00:00:00`).getTime() : Date.parse(t);
  if (Number.isNaN(ms)) {
    throw new StrataError('USAGE', `--${option}: "${text}" is not a date (use 2026-01-31, 2026-01-31T12:00, milliseconds, or a duration such as 3d)`);
  }
  return dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms;
}

/** `(main, tag: v1) [milestone] alpha: First version #wip`: how log and find show a version. */
export function describeVersion(v: Pick<LogEntry, 'branches' | 'tagRefs' | 'milestone' | 'name' | 'description' | 'tags'>): string {
  const parts: string[] = [];
  const decorations = [...v.branches, ...v.tagRefs.map((t) => `tag: ${t}`)];
  if (decorations.length > 0) parts.push(`(${decorations.join(', ')})`);
  if (v.milestone) parts.push('[milestone]');
  const title = firstLine(v.description);
  if (v.name !== '' && title !== '') parts.push(`${v.name}: ${title}`);
  else if (v.name !== '' || title !== '') parts.push(v.name || title);
  else parts.push('(no description)');
  if (v.tags.length > 0) parts.push(v.tags.map((t) => `#${t}`).join(' '));
  return parts.join(' ');
}

export const logCommand = defineCommand({
  command: 'log',
  describe: 'List versions, newest first: a branch’s history, or every version with --all',
  group: 'porcelain',
  builder: (y) =>
    y
      .option('path', { type: 'string', describe: 'only versions in which this file or folder changed' })
      .option('tag', { type: 'string', describe: 'only versions with this label (recorded in the version, or a tag ref)' })
      .option('milestone', { type: 'boolean', describe: 'only milestones' })
      .option('since', { type: 'string', describe: 'only versions made at or after: 2026-01-31, an ISO time, or a duration ago (3d, 12h)' })
      .option('until', { type: 'string', describe: 'only versions made at or before (same forms)' })
      .option('grep', { type: 'string', describe: 'only versions whose name or description contains this text (any case)' })
      .option('n', { alias: 'max-count', type: 'number', describe: 'at most N versions' })
      .option('branch', { type: 'string', describe: 'the branch to list (default: the one HEAD names)' })
      .option('all', { type: 'boolean', describe: 'every version in the repository, of every branch' })
      .option('totals', { type: 'boolean', default: true, describe: 'count files and bytes per version (--no-totals skips it)' })
      .conflicts('all', 'branch'),
  schema: z.object({
    path: z.string().optional(),
    tag: z.string().optional(),
    milestone: z.boolean().default(false),
    since: z.string().optional(),
    until: z.string().optional(),
    grep: z.string().optional(),
    n: z.number().int().min(0).optional(),
    branch: z.string().optional(),
    all: z.boolean().default(false),
    totals: z.boolean().default(true),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const now = Date.now();
    const r = await log({
      repo,
      path: args.path,
      tag: args.tag,
      milestone: args.milestone,
      since: args.since === undefined ? undefined : parseTimeArg(args.since, 'since', now),
      until: args.until === undefined ? undefined : parseTimeArg(args.until, 'until', now, true),
      grep: args.grep,
      limit: args.n,
      branch: args.branch,
      all: args.all,
      totals: args.totals,
    });
    if (ctx.json) return ctx.printJson(r.entries);
    const lines = r.entries.map((e) => {
      const totals = e.files === undefined ? '' : `  (${e.files} file${e.files === 1 ? '' : 's'}, ${formatBytes(e.bytes ?? 0)})`;
      return `${shortId(e.id)}  ${formatTime(e.time)}  ${describeVersion(e)}${totals}`;
    });
    if (r.end === 'empty') lines.push(`no versions yet on ${shortBranch(r.branch ?? '')}`);
    else if (r.entries.length === 0) lines.push('no versions match');
    if (r.end === 'forgotten' && r.forgotten) {
      lines.push(`parent forgotten: ${shortId(r.forgotten.parent)} (the parent of ${shortId(r.forgotten.version)} was removed by retention; history ends here)`);
    }
    ctx.print(lines.join('\n'));
  },
});
