/**
 * Release notes, pure: a version comparison's entries grouped by top folder and by asset group, with
 * counts and sizes, renames, the milestones passed, platform configuration changes and further
 * sections; and their markdown rendering.
 */
import { formatBytesCompact, type DiffEntry } from '../../../porcelain/index.js';
import type { ConfigChangeSummary, ConfigKeyChange, ReleaseNotesSection } from '../core/release-notes-sections.js';
import { ASSET_GROUPS, ASSET_GROUP_TITLES, assetGroupOf, type AssetGroup } from './asset-groups.js';

export type FileChangeKind = 'added' | 'removed' | 'changed' | 'renamed';

/** Counts and bytes of one kind of change. */
export interface ChangeCounts {
  added: { count: number; bytes: number };
  removed: { count: number; bytes: number };
  /** Bytes before and after, over the changed files. */
  changed: { count: number; oldBytes: number; newBytes: number };
  /** Moved without a content change. */
  renamed: { count: number; bytes: number };
  /** Bytes after minus bytes before, over everything. */
  netBytes: number;
}

export interface FolderChanges extends ChangeCounts {
  /** The top folder, or `.` for files at the root. */
  folder: string;
}

export interface GroupChanges extends ChangeCounts {
  group: AssetGroup;
  title: string;
}

export interface FileChange {
  change: FileChangeKind;
  path: string;
  /** A rename's old path. */
  oldPath?: string;
  group: AssetGroup;
  folder: string;
  oldSize?: number;
  newSize?: number;
}

/** One end of the notes: a milestone or a revision. */
export interface NotesEndpoint {
  /** What was given (a milestone name or a revision). */
  label: string;
  id: string;
  time: number;
  versionName: string;
  milestone?: { name: string; type: string; semver?: string };
}

export interface NotesMilestone {
  name: string;
  type: string;
  semver?: string;
  version: string;
  time: number;
}

export interface ReleaseNotes {
  from: NotesEndpoint;
  to: NotesEndpoint;
  totals: ChangeCounts;
  /** Top folders with changes, by name. */
  byFolder: FolderChanges[];
  /** Asset groups with changes, in the fixed group order. */
  byType: GroupChanges[];
  renames: Array<{ from: string; to: string; size: number }>;
  /** Every changed file, by path. */
  files: FileChange[];
  /** Milestones whose versions lie after `from` and up to `to` (the endpoints' own milestones left out), oldest first. */
  milestones: NotesMilestone[];
  /**
   * Platform configuration changes; `declared: false` when neither version declares platforms, `error`
   * when a declaration could not be read (the rest of the notes stand).
   */
  platforms: { declared: boolean; changes?: ConfigChangeSummary; error?: { code: string; message: string } };
  /** Further sections (feedback, playtests …) that had something to say. */
  sections: ReleaseNotesSection[];
}

export interface BuildReleaseNotesInput {
  from: NotesEndpoint;
  to: NotesEndpoint;
  entries: readonly DiffEntry[];
  milestones: readonly NotesMilestone[];
  platforms: ConfigChangeSummary | undefined;
  /** Why the platform configuration could not be compared, when it could not. */
  platformsError?: { code: string; message: string };
  sections?: readonly ReleaseNotesSection[];
}

function emptyCounts(): ChangeCounts {
  return { added: { count: 0, bytes: 0 }, removed: { count: 0, bytes: 0 }, changed: { count: 0, oldBytes: 0, newBytes: 0 }, renamed: { count: 0, bytes: 0 }, netBytes: 0 };
}

function addTo(c: ChangeCounts, f: FileChange): void {
  const oldSize = f.oldSize ?? 0;
  const newSize = f.newSize ?? 0;
  if (f.change === 'added') {
    c.added.count++;
    c.added.bytes += newSize;
  } else if (f.change === 'removed') {
    c.removed.count++;
    c.removed.bytes += oldSize;
  } else if (f.change === 'renamed') {
    c.renamed.count++;
    c.renamed.bytes += newSize;
  } else {
    c.changed.count++;
    c.changed.oldBytes += oldSize;
    c.changed.newBytes += newSize;
  }
  c.netBytes += newSize - oldSize;
}

function topFolder(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

/** The file-level changes of diff entries (folders left out; a file that became a folder is removed, and so on). */
export function fileChanges(entries: readonly DiffEntry[]): FileChange[] {
  const out: FileChange[] = [];
  const push = (change: FileChangeKind, path: string, oldSize?: number, newSize?: number, oldPath?: string) =>
    out.push({ change, path, ...(oldPath === undefined ? {} : { oldPath }), group: assetGroupOf(path), folder: topFolder(path), ...(oldSize === undefined ? {} : { oldSize }), ...(newSize === undefined ? {} : { newSize }) });
  for (const e of entries) {
    const oldLeaf = e.oldType !== undefined && e.oldType !== 'directory';
    const newLeaf = e.newType !== undefined && e.newType !== 'directory';
    if (e.status === 'added') {
      if (newLeaf) push('added', e.path, undefined, e.newSize ?? 0);
    } else if (e.status === 'deleted') {
      if (oldLeaf) push('removed', e.path, e.oldSize ?? 0);
    } else if (e.status === 'renamed') push('renamed', e.path, e.oldSize ?? 0, e.newSize ?? 0, e.oldPath);
    else if (oldLeaf && newLeaf) push('changed', e.path, e.oldSize ?? 0, e.newSize ?? 0);
    else if (newLeaf) push('added', e.path, undefined, e.newSize ?? 0);
    else if (oldLeaf) push('removed', e.path, e.oldSize ?? 0);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Builds the notes from a comparison and what the other sources said. */
export function buildReleaseNotes(input: BuildReleaseNotesInput): ReleaseNotes {
  const files = fileChanges(input.entries);
  const totals = emptyCounts();
  const folders = new Map<string, FolderChanges>();
  const groups = new Map<AssetGroup, GroupChanges>();
  for (const f of files) {
    addTo(totals, f);
    let folder = folders.get(f.folder);
    if (!folder) folders.set(f.folder, (folder = { folder: f.folder, ...emptyCounts() }));
    addTo(folder, f);
    let group = groups.get(f.group);
    if (!group) groups.set(f.group, (group = { group: f.group, title: ASSET_GROUP_TITLES[f.group], ...emptyCounts() }));
    addTo(group, f);
  }
  const byFolder = [...folders.values()].sort((a, b) => (a.folder === '.' ? -1 : b.folder === '.' ? 1 : a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  const byType = ASSET_GROUPS.flatMap((g) => (groups.has(g) ? [groups.get(g) as GroupChanges] : []));
  const renames = files.filter((f) => f.change === 'renamed').map((f) => ({ from: f.oldPath ?? '', to: f.path, size: f.newSize ?? 0 }));
  return {
    from: input.from,
    to: input.to,
    totals,
    byFolder,
    byType,
    renames,
    files,
    milestones: [...input.milestones],
    platforms: input.platformsError !== undefined ? { declared: true, error: input.platformsError } : input.platforms === undefined ? { declared: false } : { declared: true, changes: input.platforms },
    sections: [...(input.sections ?? [])],
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Bytes for people: `512 B`, `1.5 KiB`, `3.2 MiB` (porcelain's compact form). */
export const humanBytes = formatBytesCompact;

function signed(n: number): string {
  return n > 0 ? `+${humanBytes(n)}` : n < 0 ? humanBytes(n) : '0 B';
}

/** Escapes text for a markdown table cell or list item. */
function md(text: string): string {
  return text.replace(/([\\`*_[\]|<>#])/g, '\\$1');
}

function endpointText(e: NotesEndpoint): string {
  const m = e.milestone;
  const what = m ? `${m.name} (${m.type}${m.semver === undefined ? '' : ` ${m.semver}`})` : e.label;
  return `${what}, version ${e.id.slice(0, 12)} of ${new Date(e.time).toISOString().slice(0, 10)}`;
}

function countsRow(first: string, c: ChangeCounts): string {
  const cell = (n: number, bytes: number) => (n === 0 ? '–' : `${n} (${humanBytes(bytes)})`);
  const changed = c.changed.count === 0 ? '–' : `${c.changed.count} (${signed(c.changed.newBytes - c.changed.oldBytes)})`;
  return `| ${first} | ${cell(c.added.count, c.added.bytes)} | ${cell(c.removed.count, c.removed.bytes)} | ${changed} | ${c.renamed.count === 0 ? '–' : String(c.renamed.count)} | ${signed(c.netBytes)} |`;
}

const TABLE_HEAD = ['| added | removed | changed | renamed | net size |', '|---|---:|---:|---:|---:|---:|'];

function valueText(v: unknown): string {
  if (v === undefined) return '';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `\`${text.replace(/`/g, "'")}\``;
}

function keyRows(kind: string, list: readonly ConfigKeyChange[]): string[] {
  return list.map((k) => `| ${kind} | \`${k.key.replace(/`/g, "'")}\` | ${valueText(k.before)} | ${valueText(k.after)} | ${k.file === undefined ? '' : md(k.file)} |`);
}

export interface RenderMarkdownOptions {
  /** Files listed per asset group (default 20; the rest are counted). */
  fileLimit?: number;
}

/** The notes as a markdown document: headings, tables and lists. */
export function renderReleaseNotesMarkdown(notes: ReleaseNotes, options: RenderMarkdownOptions = {}): string {
  const limit = options.fileLimit ?? 20;
  const out: string[] = [];
  const title = (e: NotesEndpoint) => e.milestone?.name ?? e.label;
  out.push(`# Release notes: ${md(title(notes.from))} → ${md(title(notes.to))}`, '');
  out.push(`- **From:** ${md(endpointText(notes.from))}`, `- **To:** ${md(endpointText(notes.to))}`);
  const t = notes.totals;
  const fileCount = notes.files.length;
  out.push(
    `- **Files:** ${fileCount === 0 ? 'no changes' : `${t.added.count} added, ${t.removed.count} removed, ${t.changed.count} changed, ${t.renamed.count} renamed`}; net size ${signed(t.netBytes)}`,
    '',
  );

  out.push('## Milestones in between', '');
  if (notes.milestones.length === 0) out.push('None.', '');
  else {
    out.push('| milestone | type | semver | version | date |', '|---|---|---|---|---|');
    for (const m of notes.milestones) out.push(`| ${md(m.name)} | ${m.type} | ${m.semver ?? '–'} | ${m.version.slice(0, 12)} | ${new Date(m.time).toISOString().slice(0, 10)} |`);
    out.push('');
  }

  out.push('## Changes by asset type', '');
  if (fileCount === 0) out.push('No file changed.', '');
  else {
    out.push(`| type ${TABLE_HEAD[0]}`, TABLE_HEAD[1] as string);
    for (const g of notes.byType) out.push(countsRow(g.title, g));
    out.push(countsRow('**Total**', t), '');
    out.push('## Changes by folder', '');
    out.push(`| folder ${TABLE_HEAD[0]}`, TABLE_HEAD[1] as string);
    for (const f of notes.byFolder) out.push(countsRow(f.folder === '.' ? '(root)' : `\`${f.folder.replace(/`/g, "'")}/\``, f));
    out.push('');
  }

  if (notes.renames.length > 0) {
    out.push('## Renamed', '');
    for (const r of notes.renames.slice(0, limit * 5)) out.push(`- \`${r.from.replace(/`/g, "'")}\` → \`${r.to.replace(/`/g, "'")}\``);
    if (notes.renames.length > limit * 5) out.push(`- … and ${notes.renames.length - limit * 5} more`);
    out.push('');
  }

  if (fileCount > 0) {
    out.push('## Files', '');
    for (const g of notes.byType) {
      const list = notes.files.filter((f) => f.group === g.group && f.change !== 'renamed');
      if (list.length === 0) continue;
      out.push(`### ${g.title}`, '');
      for (const f of list.slice(0, limit)) {
        const size = f.change === 'added' ? humanBytes(f.newSize ?? 0) : f.change === 'removed' ? humanBytes(f.oldSize ?? 0) : `${humanBytes(f.oldSize ?? 0)} → ${humanBytes(f.newSize ?? 0)}`;
        out.push(`- ${f.change} \`${f.path.replace(/`/g, "'")}\` (${size})`);
      }
      if (list.length > limit) out.push(`- … and ${list.length - limit} more`);
      out.push('');
    }
  }

  out.push('## Platform configuration', '');
  const p = notes.platforms;
  if (p.error !== undefined) out.push(`Not compared: ${md(p.error.message)} (${p.error.code}).`, '');
  else if (!p.declared || p.changes === undefined) out.push('No platform configuration declared.', '');
  else {
    const c = p.changes;
    const summary: string[] = [];
    if ((c.platformsAdded ?? []).length > 0) summary.push(`- Platforms added: ${(c.platformsAdded ?? []).map(md).join(', ')}`);
    if ((c.platformsRemoved ?? []).length > 0) summary.push(`- Platforms removed: ${(c.platformsRemoved ?? []).map(md).join(', ')}`);
    const changed = c.platforms.filter((x) => x.added.length + x.removed.length + x.changed.length > 0);
    const unchanged = c.platforms.filter((x) => x.added.length + x.removed.length + x.changed.length === 0);
    if (changed.length === 0 && summary.length === 0) summary.push('No configuration key changed on any platform.');
    else if (unchanged.length > 0) summary.push(`- Unchanged: ${unchanged.map((x) => md(x.platform)).join(', ')}`);
    if (summary.length > 0) out.push(...summary, '');
    for (const x of changed) {
      out.push(`### ${md(x.platform)}`, '', '| change | key | before | after | set by |', '|---|---|---|---|---|');
      out.push(...keyRows('changed', x.changed), ...keyRows('added', x.added), ...keyRows('removed', x.removed), '');
    }
  }

  for (const s of notes.sections) out.push(`## ${md(s.title)}`, '', ...s.markdown, '');
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
