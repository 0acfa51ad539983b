/**
 * Records: the versioned data of the layers above (a workspace capture, an asset graph, player
 * feedback), stored as versions whose trees hold the record's files, kept apart from the project's
 * history. A namespace (`creative/workspace/blender`) has a head ref `refs/records/<namespace>/head`
 * naming its newest record, and every record is kept by `refs/records/<namespace>/kept/<id>`, so
 * `log`, `forget` and retention never see records and deleting one is deleting its kept ref
 * (objects-spec section 7.6).
 */
import { StrataError, isObjectId, isStrataError, nameProblem, readContent, storeContent, chunkingFor, withRepoLock, type Repository, type TreeEntry } from '../../plumbing/index.js';
import { loadVersion, type VersionRecord } from './version-list.js';

export const RECORDS_REF_PREFIX = 'refs/records/';

const NAMESPACE = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/** The head ref and the kept-ref folder of a namespace (INVALID_ARGUMENT for a bad namespace). */
export function recordRefs(namespace: string): { head: string; kept: string } {
  const parts = namespace.split('/');
  if (!NAMESPACE.test(namespace) || namespace.includes('..') || parts.some((p) => p.endsWith('.lock') || p === 'head' || p === 'kept')) {
    throw new StrataError('INVALID_ARGUMENT', `"${namespace}" is not a valid record namespace (lowercase letters, digits, . _ - and /; no component named head or kept)`);
  }
  return { head: `${RECORDS_REF_PREFIX}${namespace}/head`, kept: `${RECORDS_REF_PREFIX}${namespace}/kept/` };
}

/**
 * One file of a record: its `/`-separated path inside the record and its bytes, in memory or as a
 * stream (chunked as it arrives, so a large file is stored in bounded memory). Files are stored in
 * the order given, so a stream that is read later may depend on an earlier one having been consumed.
 */
export interface RecordFileInput {
  path: string;
  data: Buffer | AsyncIterable<Uint8Array>;
  /** Permission bits (default 0644). */
  mode?: number;
  /** Modification time, ms (default the record's time). */
  mtime?: number;
}

export interface WriteRecordOptions {
  repo: Repository;
  namespace: string;
  files: RecordFileInput[];
  /** Empty folders to keep (paths). */
  folders?: string[];
  name?: string;
  description?: string;
  tags?: string[];
  meta?: Record<string, string>;
  lockWaitMs?: number;
}

export interface RecordInfo extends VersionRecord {
  namespace: string;
}

/**
 * Stores a record: contents (chunked like any file), trees, the version (its parent is the
 * namespace's head), the kept ref, then the head by compare-and-swap (a concurrent writer's record
 * stays, and becomes this one's parent). Holds a shared repository lock.
 */
export async function writeRecord(options: WriteRecordOptions): Promise<RecordInfo> {
  const { repo, namespace } = options;
  const refs = recordRefs(namespace);
  const time = repo.clock.now();
  const root = buildTree(options.files, options.folders ?? []);
  return withRepoLock({ repo, kind: 'shared', command: 'record', waitMs: options.lockWaitMs ?? 10_000 }, async () => {
    const chunking = chunkingFor(repo.config);
    const write = async (dir: Dir): Promise<string> => {
      const entries: TreeEntry[] = [];
      for (const [name, child] of dir.children) {
        const nameBuf = Buffer.from(name, 'utf8');
        if ('children' in child) {
          entries.push({ name: nameBuf, type: 'directory', id: await write(child), mode: 0o755, mtime: time });
        } else {
          const stored = await storeContent({ objects: repo.objects, strategy: chunking.forFile(child.data instanceof Uint8Array ? { name, size: child.data.length } : { name }), source: child.data, write: true });
          entries.push({ name: nameBuf, type: (child.mode ?? 0o644) & 0o111 ? 'executable' : 'file', id: stored.id, size: stored.size, mode: child.mode ?? 0o644, mtime: child.mtime ?? time });
        }
      }
      entries.sort((a, b) => Buffer.compare(a.name, b.name));
      return (await repo.objects.writeTree(entries)).id;
    };
    const tree = await write(root);
    for (let attempt = 0; ; attempt++) {
      const head = await repo.refs.readValue(refs.head);
      const parent = head?.kind === 'direct' ? head.id : undefined;
      const version = await repo.objects.writeVersion({
        tree,
        parents: parent === undefined ? [] : [parent],
        time,
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.tags === undefined ? {} : { tags: options.tags }),
        meta: { ...(options.meta ?? {}), record: namespace },
      });
      await repo.refs.update(`${refs.kept}${version.id}`, version.id);
      try {
        await repo.refs.update(refs.head, version.id, { expected: parent ?? null });
        return { ...(await loadVersion(repo, version.id)), namespace };
      } catch (err) {
        // Another writer moved the head: this version is kept, but is re-made on top of theirs.
        await repo.refs.delete(`${refs.kept}${version.id}`).catch(() => undefined);
        if (!(isStrataError(err) && err.code === 'REF_CHANGED') || attempt >= 20) throw err;
      }
    }
  });
}

interface File {
  data: Buffer | AsyncIterable<Uint8Array>;
  mode?: number;
  mtime?: number;
}
interface Dir {
  children: Map<string, Dir | File>;
}

function buildTree(files: RecordFileInput[], folders: string[]): Dir {
  const root: Dir = { children: new Map() };
  const dirAt = (parts: string[], path: string): Dir => {
    let dir = root;
    for (const part of parts) {
      let next = dir.children.get(part);
      if (next === undefined) dir.children.set(part, (next = { children: new Map() }));
      if (!('children' in next)) throw new StrataError('INVALID_ARGUMENT', `record path "${path}" runs through a file`);
      dir = next;
    }
    return dir;
  };
  const split = (path: string): string[] => {
    const parts = path.split('/');
    for (const part of parts) {
      const problem = nameProblem(Buffer.from(part, 'utf8'));
      if (problem) throw new StrataError('INVALID_ARGUMENT', `record path "${path}": ${problem}`);
    }
    return parts;
  };
  for (const folder of folders) dirAt(split(folder), folder);
  for (const file of files) {
    const parts = split(file.path);
    const dir = dirAt(parts.slice(0, -1), file.path);
    const name = parts[parts.length - 1] as string;
    if (dir.children.has(name)) throw new StrataError('INVALID_ARGUMENT', `record path "${file.path}" is given twice`);
    dir.children.set(name, { data: file.data, ...(file.mode === undefined ? {} : { mode: file.mode }), ...(file.mtime === undefined ? {} : { mtime: file.mtime }) });
  }
  return root;
}

/** Every record of a namespace, newest first (ties by id). */
export async function listRecords(repo: Repository, namespace: string): Promise<RecordInfo[]> {
  const refs = recordRefs(namespace);
  const out: RecordInfo[] = [];
  for (const name of await repo.refs.list(refs.kept)) {
    const id = name.slice(refs.kept.length);
    if (!isObjectId(id)) continue;
    out.push({ ...(await loadVersion(repo, id)), namespace });
  }
  return out.sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The namespaces that have records, below `prefix` (`creative/workspace/`). */
export async function listRecordNamespaces(repo: Repository, prefix = ''): Promise<string[]> {
  const names = await repo.refs.list(`${RECORDS_REF_PREFIX}${prefix}`);
  const out = new Set<string>();
  for (const name of names) {
    if (name.endsWith('/head')) out.add(name.slice(RECORDS_REF_PREFIX.length, -'/head'.length));
  }
  return [...out].sort();
}

/**
 * The record a name gives: a full id or unique prefix of one of the namespace's records, or `head`
 * (the newest); RECORD_NOT_FOUND otherwise.
 */
export async function resolveRecord(repo: Repository, namespace: string, which = 'head'): Promise<RecordInfo> {
  const refs = recordRefs(namespace);
  if (which === 'head') {
    const head = await repo.refs.readValue(refs.head);
    if (head?.kind !== 'direct') throw new StrataError('RECORD_NOT_FOUND', `no records in ${namespace} yet`, { data: { namespace } });
    return { ...(await loadVersion(repo, head.id)), namespace };
  }
  const all = await listRecords(repo, namespace);
  const found = all.filter((r) => r.id.startsWith(which.toLowerCase()));
  if (found.length === 1) return found[0] as RecordInfo;
  if (found.length > 1) throw new StrataError('AMBIGUOUS_ID', `"${which}" names ${found.length} records of ${namespace}: give more digits`, { data: { namespace } });
  throw new StrataError('RECORD_NOT_FOUND', `${namespace} has no record "${which}"`, { hint: 'list them with their ids first', data: { namespace, record: which } });
}

export interface RecordEntry {
  path: string;
  id: string;
  size: number;
  mode: number;
  mtime: number;
}

/** The files of a record (folders walked), sorted by path. */
export async function listRecordFiles(repo: Repository, record: string): Promise<RecordEntry[]> {
  const version = await loadVersion(repo, record);
  const out: RecordEntry[] = [];
  const walk = async (tree: string, prefix: string): Promise<void> => {
    for (const e of (await repo.objects.readTree(tree)).entries) {
      const path = `${prefix}${e.name.toString('utf8')}`;
      if (e.type === 'directory') await walk(e.id, `${path}/`);
      else if (e.type === 'file' || e.type === 'executable') out.push({ path, id: e.id, size: e.size ?? 0, mode: e.mode ?? 0o644, mtime: e.mtime });
    }
  };
  await walk(version.tree, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One file's bytes, by its entry (every object verified as it is read). */
export async function readRecordFile(repo: Repository, entry: Pick<RecordEntry, 'id' | 'size' | 'path'>): Promise<Buffer> {
  const blocks: Buffer[] = [];
  for await (const block of readContent(repo.objects, entry.id)) blocks.push(block);
  const data = Buffer.concat(blocks);
  if (data.length !== entry.size) throw new StrataError('OBJECT_CORRUPT', `record file ${entry.path}: ${data.length} bytes read, ${entry.size} recorded`);
  return data;
}

/** Forgets one record (its kept ref; gc frees what only it held). The head moves to its parent when it was the head. */
export async function deleteRecord(repo: Repository, namespace: string, record: string): Promise<void> {
  const refs = recordRefs(namespace);
  const r = await resolveRecord(repo, namespace, record);
  const head = await repo.refs.readValue(refs.head);
  if (head?.kind === 'direct' && head.id === r.id) {
    const parent = r.parents[0];
    if (parent !== undefined && (await repo.refs.readValue(`${refs.kept}${parent}`)) !== undefined) await repo.refs.update(refs.head, parent, { expected: r.id });
    else await repo.refs.delete(refs.head, { expected: r.id });
  }
  await repo.refs.delete(`${refs.kept}${r.id}`);
}
