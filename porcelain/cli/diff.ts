import { basename } from 'node:path';
import { z } from 'zod';
import { EXIT, REPO_DIR_NAME, type Repository, type ScanWarning } from '../../plumbing/index.js';
import { defineCommand, formatBytes, type CliContext } from '../../plumbing/cli/index.js';
import { quotePath } from '../core/quote-path.js';
import { STATUS_LETTERS, type DiffEntry, type DiffSummary } from '../core/tree-diff.js';
import { diffVersions, diffWorkingFolder } from '../ops/diff.js';
import { shortId } from './log.js';
import { sourceFolder } from './source-folder.js';

/** A path as one line shows it: its bytes (rawPath) when they are not UTF-8, quoted when not printable. */
export function pathText(path: string | undefined, rawPath?: string): string {
  return quotePath(rawPath === undefined ? (path ?? '') : Buffer.from(rawPath, 'base64'));
}

const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

/** `+1.2 KiB` / `-5 B`. */
export function signedBytes(n: number): string {
  return n < 0 ? `-${formatBytes(-n)}` : `+${formatBytes(n)}`;
}

function sizeText(size: number | undefined, type: string | undefined): string {
  if (type === 'directory') return 'folder';
  const base = formatBytes(size ?? 0);
  return type === 'symlink' ? `${base}, symlink` : type === 'executable' ? `${base}, executable` : base;
}

function plainSize(size: number | undefined, type: string | undefined): string {
  return type === 'directory' ? 'folder' : formatBytes(size ?? 0);
}

/** One line of a diff: a status letter, the path, and sizes. */
export function renderEntry(e: DiffEntry): string {
  const letter = STATUS_LETTERS[e.status];
  const path = pathText(e.path, e.rawPath) + (e.newType === 'directory' || (e.status === 'deleted' && e.oldType === 'directory') ? '/' : '');
  switch (e.status) {
    case 'added':
      return `${letter}  ${path}  ${sizeText(e.newSize, e.newType)}`;
    case 'deleted':
      return `${letter}  ${path}  ${sizeText(e.oldSize, e.oldType)}`;
    case 'renamed':
      return `${letter}  ${pathText(e.oldPath, e.rawOldPath)} -> ${pathText(e.path, e.rawPath)}  ${sizeText(e.newSize, e.newType)}`;
    case 'type-changed':
      return `${letter}  ${pathText(e.path, e.rawPath)}  ${e.oldType} -> ${e.newType}, ${plainSize(e.oldSize, e.oldType)} -> ${plainSize(e.newSize, e.newType)}`;
    case 'modified': {
      const parts: string[] = [];
      // Judged by metadata alone (status): the same size means only the modification time moved.
      const unread = e.oldId === undefined || e.newId === undefined;
      if (e.contentChanged && unread && e.oldSize === e.newSize) parts.push(`${formatBytes(e.newSize ?? 0)}, new modification time`);
      else if (e.contentChanged) parts.push(`${formatBytes(e.oldSize ?? 0)} -> ${formatBytes(e.newSize ?? 0)}`);
      if (e.modeChanged && e.oldMode !== undefined && e.newMode !== undefined) parts.push(`mode ${octal(e.oldMode)} -> ${octal(e.newMode)}`);
      return `${letter}  ${path}  ${parts.join(', ')}`;
    }
  }
}

/** The entries, at most `max` of them, then `…and N more`. */
export function renderEntries(entries: readonly DiffEntry[], max = Number.POSITIVE_INFINITY): string[] {
  const lines = entries.slice(0, max).map(renderEntry);
  if (entries.length > max) lines.push(`…and ${entries.length - max} more`);
  return lines;
}

/** `2 added (+1.2 KiB), 1 modified (4.0 KiB -> 5.0 KiB); net +2.2 KiB`: the statuses that occur. */
export function summaryLine(s: DiffSummary): string {
  const parts: string[] = [];
  if (s.added.count) parts.push(`${s.added.count} added (${signedBytes(s.added.newBytes)})`);
  if (s.deleted.count) parts.push(`${s.deleted.count} deleted (${signedBytes(-s.deleted.oldBytes)})`);
  if (s.modified.count) parts.push(`${s.modified.count} modified (${formatBytes(s.modified.oldBytes)} -> ${formatBytes(s.modified.newBytes)})`);
  if (s.renamed.count) parts.push(`${s.renamed.count} renamed (${formatBytes(s.renamed.newBytes)})`);
  if (s.typeChanged.count) parts.push(`${s.typeChanged.count} type-changed`);
  if (parts.length === 0) return 'no changes';
  return `${parts.join(', ')}; net ${signedBytes(s.total.newBytes - s.total.oldBytes)}`;
}

/** The `--stat` table: count and bytes per status, and the total. */
export function statLines(s: DiffSummary): string[] {
  const row = (label: string, count: number, bytes: string): string => `${label.padEnd(13)}${String(count).padStart(8)}  ${bytes}`.trimEnd();
  return [
    row('added', s.added.count, s.added.count ? signedBytes(s.added.newBytes) : ''),
    row('deleted', s.deleted.count, s.deleted.count ? signedBytes(-s.deleted.oldBytes) : ''),
    row('modified', s.modified.count, s.modified.count ? `${formatBytes(s.modified.oldBytes)} -> ${formatBytes(s.modified.newBytes)}` : ''),
    row('renamed', s.renamed.count, s.renamed.count ? formatBytes(s.renamed.newBytes) : ''),
    row('type-changed', s.typeChanged.count, s.typeChanged.count ? `${formatBytes(s.typeChanged.oldBytes)} -> ${formatBytes(s.typeChanged.newBytes)}` : ''),
    row('total', s.total.count, `net ${signedBytes(s.total.newBytes - s.total.oldBytes)}`),
  ];
}

/**
 * The working folder a command compares: the one given, else the project that holds the repository's
 * `.strata`, else undefined (the library then takes the version's recorded source folder).
 */
export function workingFolder(repo: Repository, given: string | undefined): string | undefined {
  if (given !== undefined) return given;
  return basename(repo.root) === REPO_DIR_NAME ? sourceFolder(repo, undefined, 'compare') : undefined;
}

/** Reports a folder scan's warnings; exit 3 when a file could not be read (as snapshot does). */
export function reportWarnings(ctx: CliContext, warnings: readonly ScanWarning[]): void {
  for (const w of warnings) ctx.warn(w.message, { code: w.code, path: w.path });
  if (warnings.some((w) => w.code !== 'SPECIAL_FILE')) ctx.setExitCode(EXIT.partial);
}

export const diffCommand = defineCommand({
  command: 'diff <a> [b]',
  describe: 'Compare a version with another, or with the working folder: added, deleted, modified, renamed, type-changed',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('a', { type: 'string', describe: 'a version (any revision: main, main~1, a tag, an id prefix)' })
      .positional('b', { type: 'string', describe: 'the version to compare it with (default: the working folder)' })
      .option('stat', { type: 'boolean', describe: 'only the totals per status' })
      .option('source', { type: 'string', describe: "the working folder (default: the project holding the repository's .strata, else the version's source folder)" })
      .option('exclude', { type: 'string', array: true, describe: 'leave out paths matching a gitignore pattern, as snapshot --exclude (repeatable)' })
      .option('path', { type: 'string', array: true, describe: 'only paths at or under this one (repeatable)' })
      .option('renames', { type: 'boolean', default: true, describe: 'detect renames (--no-renames shows them as deleted and added)' }),
  schema: z.object({
    a: z.string(),
    b: z.string().optional(),
    stat: z.boolean().default(false),
    source: z.string().optional(),
    exclude: z.array(z.string()).default([]),
    path: z.array(z.string()).default([]),
    renames: z.boolean().default(true),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const common = { repo, paths: args.path, renames: args.renames };
    let r;
    let against: string;
    if (args.b === undefined) {
      const source = workingFolder(repo, args.source);
      const w = await diffWorkingFolder({ ...common, version: args.a, exclude: args.exclude, ...(source === undefined ? {} : { source }) });
      reportWarnings(ctx, w.warnings);
      r = w;
      against = `${shortId(w.from.id)} and the folder ${w.source}`;
    } else {
      const v = await diffVersions({ ...common, from: args.a, to: args.b });
      r = v;
      against = `${shortId(v.from.id)} and ${shortId(v.to.id)}`;
    }
    if (ctx.json) return ctx.printJson(r);
    if (args.stat) return ctx.print(statLines(r.summary).join('\n'));
    ctx.print(r.entries.length === 0 ? `no differences between ${against}` : renderEntries(r.entries).join('\n'));
  },
});
