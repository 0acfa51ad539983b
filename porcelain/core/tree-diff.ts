/**
 * The difference between two folder states, as a pure function over loaded data: each side is a tree
 * of nodes (a stored tree loaded from the repository, or a folder scanned from disk). Reports paths
 * that were added, deleted, modified (content or permission bits), renamed (a deleted and an added
 * path with the same content id and type) or type-changed (a file became a symlink or a folder, …),
 * with sizes, and totals per status.
 *
 * Names are keyed by their bytes as a binary (`latin1`) string, so names that are not valid UTF-8 are
 * compared exactly; paths are shown in their UTF-8 form, with `rawPath` (base64 of the bytes) when
 * some name on the path is not valid UTF-8.
 */

export type LeafType = 'file' | 'executable' | 'symlink';
export type NodeType = LeafType | 'directory';

/** A file, executable or symlink. `id` is its content id when known (a scanned file may lack it). */
export interface LeafNode {
  type: LeafType;
  id?: string;
  /** Content bytes (for a symlink, the target's length). */
  size: number;
  /** Permission bits; absent for symlinks. */
  mode?: number;
  /** Modification time, integer milliseconds. */
  mtime: number;
}

/**
 * A folder. `id` is its tree id when it is stored (two folders with equal ids are equal and not
 * compared further); `children` maps each name's bytes (as a `latin1` string) to its node, and must be
 * present wherever the diff has to look inside.
 */
export interface DirNode {
  type: 'directory';
  id?: string;
  mode?: number;
  mtime: number;
  children?: ReadonlyMap<string, DiffNode>;
}

export type DiffNode = LeafNode | DirNode;

export type DiffStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'type-changed';

/** The one-letter code of each status, as `diff` prints it. */
export const STATUS_LETTERS: Readonly<Record<DiffStatus, string>> = {
  added: 'A',
  deleted: 'D',
  modified: 'M',
  renamed: 'R',
  'type-changed': 'T',
};

export interface DiffEntry {
  status: DiffStatus;
  /** The path (for a rename, the new one), `/`-separated, UTF-8 display form. */
  path: string;
  /** Base64 of the path's bytes, present only when some name on it is not valid UTF-8. */
  rawPath?: string;
  /** A rename's old path. */
  oldPath?: string;
  rawOldPath?: string;
  /** What the path was before (absent when added) and after (absent when deleted). */
  oldType?: NodeType;
  newType?: NodeType;
  /** Sizes in bytes (absent for folders). */
  oldSize?: number;
  newSize?: number;
  /** Content ids, where known. */
  oldId?: string;
  newId?: string;
  oldMode?: number;
  newMode?: number;
  /**
   * For `modified`: whether the content differs (ids differ; or, where a side's content id is
   * unknown, its size or modification time differs) and whether the permission bits differ.
   */
  contentChanged?: boolean;
  modeChanged?: boolean;
}

export interface StatusTotals {
  count: number;
  /** Bytes before and after, over the entries of this status. */
  oldBytes: number;
  newBytes: number;
}

export interface DiffSummary {
  added: StatusTotals;
  deleted: StatusTotals;
  modified: StatusTotals;
  renamed: StatusTotals;
  typeChanged: StatusTotals;
  /** All entries. */
  total: StatusTotals;
}

export interface TreeDiff {
  /** Sorted by path bytes. */
  entries: DiffEntry[];
  summary: DiffSummary;
}

export interface DiffTreesOptions {
  /** The earlier state; undefined is an empty folder. */
  old?: DirNode | undefined;
  /** The later state; undefined is an empty folder. */
  new?: DirNode | undefined;
  /** Pair deleted and added paths with the same content as renames (default true). */
  renames?: boolean;
}

/** The map key of a name given as bytes. */
export function nameKey(name: Uint8Array): string {
  return Buffer.from(name.buffer, name.byteOffset, name.byteLength).toString('latin1');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A binary path key in display form, plus its base64 bytes when they are not valid UTF-8. */
export function displayPath(key: string): { path: string; rawPath?: string } {
  const bytes = Buffer.from(key, 'latin1');
  try {
    return { path: utf8.decode(bytes) };
  } catch {
    return { path: bytes.toString('utf8'), rawPath: bytes.toString('base64') };
  }
}

/** Internal entry: paths as binary keys until the end. */
interface RawEntry {
  status: DiffStatus;
  key: string;
  oldKey?: string;
  old?: DiffNode;
  new?: DiffNode;
  contentChanged?: boolean;
  modeChanged?: boolean;
}

function childrenOf(node: DirNode, key: string): ReadonlyMap<string, DiffNode> {
  if (!node.children) throw new Error(`internal: the folder ${displayPath(key).path || '.'} was not loaded before the diff`);
  return node.children;
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

function sortedNames(a: ReadonlyMap<string, DiffNode> | undefined, b: ReadonlyMap<string, DiffNode> | undefined): string[] {
  const names = new Set<string>(a?.keys() ?? []);
  for (const n of b?.keys() ?? []) names.add(n);
  // Keys are binary strings: code-unit order is byte order.
  return [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

type Kind = 'regular' | 'symlink' | 'directory';
function kindOf(type: NodeType): Kind {
  return type === 'file' || type === 'executable' ? 'regular' : type;
}

/** Every leaf under (or at) a node, as added or deleted entries; an empty folder is a leaf. */
function collect(node: DiffNode, key: string, status: 'added' | 'deleted', out: RawEntry[]): void {
  if (node.type !== 'directory') {
    out.push(status === 'added' ? { status, key, new: node } : { status, key, old: node });
    return;
  }
  const children = childrenOf(node, key);
  if (children.size === 0 && key !== '') {
    out.push(status === 'added' ? { status, key, new: node } : { status, key, old: node });
    return;
  }
  for (const name of sortedNames(children, undefined)) collect(children.get(name) as DiffNode, join(key, name), status, out);
}

function compareLeaves(a: LeafNode, b: LeafNode, key: string, out: RawEntry[]): void {
  const contentChanged = a.id !== undefined && b.id !== undefined ? a.id !== b.id : a.size !== b.size || a.mtime !== b.mtime;
  const modeChanged = a.mode !== undefined && b.mode !== undefined && a.mode !== b.mode;
  if (contentChanged || modeChanged) out.push({ status: 'modified', key, old: a, new: b, contentChanged, modeChanged });
}

function walk(a: DirNode | undefined, b: DirNode | undefined, key: string, out: RawEntry[]): void {
  if (a && b && a.id !== undefined && a.id === b.id) return;
  const ac = a ? childrenOf(a, key) : undefined;
  const bc = b ? childrenOf(b, key) : undefined;
  for (const name of sortedNames(ac, bc)) {
    const x = ac?.get(name);
    const y = bc?.get(name);
    const path = join(key, name);
    if (x && !y) collect(x, path, 'deleted', out);
    else if (!x && y) collect(y, path, 'added', out);
    else if (x && y) {
      const kx = kindOf(x.type);
      const ky = kindOf(y.type);
      if (kx === 'directory' && ky === 'directory') walk(x as DirNode, y as DirNode, path, out);
      else if (kx === ky) compareLeaves(x as LeafNode, y as LeafNode, path, out);
      else {
        out.push({ status: 'type-changed', key: path, old: x, new: y });
        // What a folder held is gone, or new, along with it.
        if (x.type === 'directory') for (const n of sortedNames(childrenOf(x, path), undefined)) collect(childrenOf(x, path).get(n) as DiffNode, join(path, n), 'deleted', out);
        if (y.type === 'directory') for (const n of sortedNames(childrenOf(y, path), undefined)) collect(childrenOf(y, path).get(n) as DiffNode, join(path, n), 'added', out);
      }
    }
  }
}

function baseName(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? key : key.slice(slash + 1);
}

/**
 * Pairs deleted and added leaves whose content id and type are equal into renames. Empty content
 * (empty files, which all share one id) is never paired: that would only be a guess. When several
 * paths share a content, an added path takes a deleted one with the same base name first, then the
 * first by path.
 */
function detectRenames(entries: RawEntry[]): RawEntry[] {
  const renameKey = (node: DiffNode | undefined): string | undefined =>
    node && node.type !== 'directory' && node.id !== undefined && node.size > 0 ? `${node.type}\0${node.id}` : undefined;
  const pool = new Map<string, RawEntry[]>();
  for (const e of entries) {
    if (e.status !== 'deleted') continue;
    const k = renameKey(e.old);
    if (k === undefined) continue;
    const list = pool.get(k);
    if (list) list.push(e);
    else pool.set(k, [e]);
  }
  if (pool.size === 0) return entries;
  const paired = new Set<RawEntry>();
  const renames = new Map<RawEntry, RawEntry>();
  for (const e of entries) {
    if (e.status !== 'added') continue;
    const k = renameKey(e.new);
    const candidates = k === undefined ? undefined : pool.get(k);
    if (!candidates || candidates.length === 0) continue;
    const name = baseName(e.key);
    let index = candidates.findIndex((c) => baseName(c.key) === name);
    if (index < 0) index = 0;
    const [from] = candidates.splice(index, 1) as [RawEntry];
    paired.add(from);
    renames.set(e, { status: 'renamed', key: e.key, oldKey: from.key, old: from.old as DiffNode, new: e.new as DiffNode });
  }
  return entries.filter((e) => !paired.has(e)).map((e) => renames.get(e) ?? e);
}

function sizeOf(node: DiffNode | undefined): number | undefined {
  return node && node.type !== 'directory' ? node.size : undefined;
}

function toEntry(raw: RawEntry): DiffEntry {
  const { path, rawPath } = displayPath(raw.key);
  const e: DiffEntry = { status: raw.status, path };
  if (rawPath !== undefined) e.rawPath = rawPath;
  if (raw.oldKey !== undefined) {
    const old = displayPath(raw.oldKey);
    e.oldPath = old.path;
    if (old.rawPath !== undefined) e.rawOldPath = old.rawPath;
  }
  if (raw.old) {
    e.oldType = raw.old.type;
    const size = sizeOf(raw.old);
    if (size !== undefined) e.oldSize = size;
    if (raw.old.id !== undefined) e.oldId = raw.old.id;
    if (raw.old.mode !== undefined) e.oldMode = raw.old.mode;
  }
  if (raw.new) {
    e.newType = raw.new.type;
    const size = sizeOf(raw.new);
    if (size !== undefined) e.newSize = size;
    if (raw.new.id !== undefined) e.newId = raw.new.id;
    if (raw.new.mode !== undefined) e.newMode = raw.new.mode;
  }
  if (raw.contentChanged !== undefined) e.contentChanged = raw.contentChanged;
  if (raw.modeChanged !== undefined) e.modeChanged = raw.modeChanged;
  return e;
}

const emptyTotals = (): StatusTotals => ({ count: 0, oldBytes: 0, newBytes: 0 });

/** Totals per status over a list of entries (a whole diff, or a filtered part of one). */
export function summarizeDiff(entries: readonly DiffEntry[]): DiffSummary {
  const summary: DiffSummary = {
    added: emptyTotals(),
    deleted: emptyTotals(),
    modified: emptyTotals(),
    renamed: emptyTotals(),
    typeChanged: emptyTotals(),
    total: emptyTotals(),
  };
  const field = { added: 'added', deleted: 'deleted', modified: 'modified', renamed: 'renamed', 'type-changed': 'typeChanged' } as const;
  for (const e of entries) {
    for (const t of [summary[field[e.status]], summary.total]) {
      t.count++;
      t.oldBytes += e.oldSize ?? 0;
      t.newBytes += e.newSize ?? 0;
    }
  }
  return summary;
}

/** Compares two folder states. Pure: every folder it must look into has to be loaded. */
export function diffTrees(options: DiffTreesOptions): TreeDiff {
  const raw: RawEntry[] = [];
  const empty: DirNode = { type: 'directory', mtime: 0, children: new Map() };
  walk(options.old ?? empty, options.new ?? empty, '', raw);
  const withRenames = options.renames === false ? raw : detectRenames(raw);
  withRenames.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const entries = withRenames.map(toEntry);
  return { entries, summary: summarizeDiff(entries) };
}
