import { z } from 'zod';
import { canonicalDecode, canonicalEncode } from './canonical-json.js';
import { compareNames, decodeUtf8Name, displayName, nameProblem } from './entry-name.js';
import { FormatError } from './format-error.js';

/** The four entry types. `executable` is a regular file whose owner-execute bit (0o100) is set. */
export const ENTRY_TYPES = ['file', 'executable', 'symlink', 'directory'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

const id = z.string().regex(/^[0-9a-f]{64}$/);
const mode = z.number().int().min(0).max(0o7777);
const mtime = z.number().int().min(-8.64e15).max(8.64e15);
const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const nameFields = {
  name: z.string().optional(),
  rawName: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).optional(),
};

const fileEntry = z.strictObject({ ...nameFields, type: z.enum(['file', 'executable']), id, size, mode, mtime });
const symlinkEntry = z.strictObject({ ...nameFields, type: z.literal('symlink'), id, size, mtime });
const directoryEntry = z.strictObject({ ...nameFields, type: z.literal('directory'), id, mode, mtime });

/** The JSON shape of one entry as stored. */
export const TreeEntryJson = z.discriminatedUnion('type', [fileEntry, symlinkEntry, directoryEntry]);
export const TreeJson = z.strictObject({ entries: z.array(TreeEntryJson) });
export type TreeEntryJson = z.infer<typeof TreeEntryJson>;

/** One entry of a tree, in memory. `name` is the raw bytes; `display` is for people. */
export interface TreeEntry {
  name: Buffer;
  type: EntryType;
  id: string;
  /** Bytes of content (files) or of the link target (symlinks); absent for directories. */
  size?: number;
  /** Permission bits (0..0o7777); absent for symlinks. */
  mode?: number;
  /** Modification time, integer milliseconds since the Unix epoch (UTC). */
  mtime: number;
}

export interface Tree {
  entries: TreeEntry[];
}

/** The human-readable form of an entry's name. */
export function entryDisplayName(entry: Pick<TreeEntry, 'name'>): string {
  return displayName(entry.name);
}

function checkEntry(entry: TreeEntry, index: number): void {
  const problem = nameProblem(entry.name);
  if (problem) throw new FormatError(`tree entry ${index}: ${problem}`);
  const isFile = entry.type === 'file' || entry.type === 'executable';
  if (isFile || entry.type === 'symlink') {
    if (entry.size === undefined) throw new FormatError(`tree entry ${index}: a ${entry.type} needs a size`);
  } else if (entry.size !== undefined) throw new FormatError(`tree entry ${index}: a directory has no size`);
  if (entry.type === 'symlink') {
    if (entry.mode !== undefined) throw new FormatError(`tree entry ${index}: a symlink has no mode`);
  } else if (entry.mode === undefined) throw new FormatError(`tree entry ${index}: a ${entry.type} needs a mode`);
  if (isFile && entry.mode !== undefined) {
    const exec = (entry.mode & 0o100) !== 0;
    if (exec !== (entry.type === 'executable')) {
      throw new FormatError(
        `tree entry ${index}: type ${entry.type} does not match mode ${entry.mode.toString(8)} (executable iff 0o100 is set)`,
      );
    }
  }
}

/** Sorts entries by name bytes and checks every rule; throws FormatError on duplicates or bad entries. */
export function normalizeTree(entries: TreeEntry[]): Tree {
  const sorted = [...entries].sort((a, b) => compareNames(a.name, b.name));
  sorted.forEach((entry, i) => {
    checkEntry(entry, i);
    const prev = sorted[i - 1];
    if (prev && compareNames(prev.name, entry.name) === 0) {
      throw new FormatError(`tree has two entries named "${displayName(entry.name)}"`);
    }
  });
  return { entries: sorted };
}

function entryToJson(entry: TreeEntry): TreeEntryJson {
  const utf8Name = decodeUtf8Name(entry.name);
  const base = utf8Name === undefined ? { rawName: entry.name.toString('base64') } : { name: utf8Name };
  if (entry.type === 'symlink') {
    return { ...base, type: 'symlink', id: entry.id, size: entry.size ?? 0, mtime: entry.mtime };
  }
  if (entry.type === 'directory') {
    return { ...base, type: 'directory', id: entry.id, mode: entry.mode ?? 0, mtime: entry.mtime };
  }
  return { ...base, type: entry.type, id: entry.id, size: entry.size ?? 0, mode: entry.mode ?? 0, mtime: entry.mtime };
}

/** The canonical body of a tree. Entries are sorted and checked first. */
export function encodeTree(entries: TreeEntry[]): Buffer {
  const tree = normalizeTree(entries);
  return canonicalEncode({ entries: tree.entries.map(entryToJson) });
}

function entryFromJson(json: TreeEntryJson, index: number): TreeEntry {
  let name: Buffer;
  if (json.name !== undefined && json.rawName === undefined) {
    name = Buffer.from(json.name, 'utf8');
  } else if (json.rawName !== undefined && json.name === undefined) {
    name = Buffer.from(json.rawName, 'base64');
    if (name.toString('base64') !== json.rawName) {
      throw new FormatError(`tree entry ${index}: rawName is not canonical base64`);
    }
    if (decodeUtf8Name(name) !== undefined) {
      throw new FormatError(`tree entry ${index}: rawName is used for a name that is valid UTF-8`);
    }
  } else {
    throw new FormatError(`tree entry ${index}: exactly one of name and rawName is required`);
  }
  const entry: TreeEntry = { name, type: json.type, id: json.id, mtime: json.mtime };
  if ('size' in json) entry.size = json.size;
  if ('mode' in json) entry.mode = json.mode;
  return entry;
}

/** Parses and fully validates a tree body (canonical form, schema, names, order, uniqueness). */
export function decodeTree(body: Uint8Array): Tree {
  const parsed = TreeJson.safeParse(canonicalDecode(body));
  if (!parsed.success) throw new FormatError(`tree: ${z.prettifyError(parsed.error).split('\n').join(' ')}`);
  const entries = parsed.data.entries.map(entryFromJson);
  entries.forEach((entry, i) => {
    checkEntry(entry, i);
    const prev = entries[i - 1];
    if (prev && compareNames(prev.name, entry.name) >= 0) {
      throw new FormatError(`tree entries are not in strictly increasing name order at entry ${i}`);
    }
  });
  return { entries };
}
