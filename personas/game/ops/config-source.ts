/**
 * Where platform configuration is read from: a folder on disk (the working folder) or a stored
 * version, both as a `ConfigReader`. The version reader walks trees itself with a cache by tree id,
 * so reading the same paths in many versions reads each distinct folder once, and it reads a file's
 * content once per content id.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError, readStoredContent, resolveVersionPath, splitVersionPath, type Repository, type TreeEntry } from '../../../porcelain/index.js';
import type { ConfigFileContent, ConfigReader } from '../config/evaluate.js';

/** Files are refused above this size: configuration, not assets. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

function decode(file: string, data: Buffer): string {
  if (data.length > MAX_CONFIG_BYTES) throw new StrataError('FILE_TOO_LARGE', `${file} has ${data.length} bytes: too large for a configuration file`);
  return data.toString('utf8');
}

/** Reads files under a folder; content ids are SHA-256 of the bytes. */
export function folderReader(folder: string): ConfigReader {
  const cache = new Map<string, ConfigFileContent | undefined>();
  const read = async (path: string): Promise<ConfigFileContent | undefined> => {
    if (cache.has(path)) return cache.get(path);
    let data: Buffer | undefined;
    try {
      data = await readFile(join(folder, ...path.split('/')));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        if (code === 'EISDIR') throw new StrataError('WRONG_KIND', `${path} in ${folder} is a folder, not a configuration file`);
        throw new StrataError('IO_ERROR', `cannot read ${path} in ${folder}: ${(err as Error).message}`, { cause: err });
      }
    }
    const out = data === undefined ? undefined : { id: createHash('sha256').update(data).digest('hex'), text: decode(path, data) };
    cache.set(path, out);
    return out;
  };
  return { read, idOf: async (path) => (await read(path))?.id };
}

/** Trees and contents read once, shared by every version reader of one operation. */
export class VersionTreeCache {
  private readonly trees = new Map<string, Promise<Map<string, TreeEntry>>>();
  private readonly contents = new Map<string, Promise<string>>();
  readonly stats = { trees: 0, contents: 0 };

  constructor(readonly repo: Repository) {}

  private entries(treeId: string): Promise<Map<string, TreeEntry>> {
    let p = this.trees.get(treeId);
    if (p === undefined) {
      this.stats.trees++;
      p = this.repo.objects.readTree(treeId).then((t) => new Map(t.entries.map((e) => [Buffer.from(e.name).toString('utf8'), e])));
      this.trees.set(treeId, p);
    }
    return p;
  }

  /** The entry at a `/`-separated path under a root tree, if there is one. */
  async entry(rootTree: string, path: string): Promise<TreeEntry | undefined> {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    let tree = rootTree;
    for (let i = 0; i < parts.length; i++) {
      const e = (await this.entries(tree)).get(parts[i] as string);
      if (e === undefined) return undefined;
      if (i === parts.length - 1) return e;
      if (e.type !== 'directory') return undefined;
      tree = e.id;
    }
    return undefined;
  }

  content(path: string, id: string): Promise<string> {
    let p = this.contents.get(id);
    if (p === undefined) {
      this.stats.contents++;
      p = readStoredContent(this.repo, id, { maxBytes: MAX_CONFIG_BYTES }).then((data) => decode(path, data));
      this.contents.set(id, p);
    }
    return p;
  }

  /** A reader of the files of the version whose root tree this is. */
  reader(rootTree: string): ConfigReader {
    const idOf = async (path: string): Promise<string | undefined> => {
      const e = await this.entry(rootTree, path);
      if (e === undefined) return undefined;
      if (e.type !== 'file') throw new StrataError('WRONG_KIND', `${path} is a ${e.type} in this version, not a configuration file`);
      return e.id;
    };
    return {
      idOf,
      read: async (path) => {
        const id = await idOf(path);
        return id === undefined ? undefined : { id, text: await this.content(path, id) };
      },
    };
  }
}

/** A revision resolved to its version id and root tree. */
export async function resolveRevisionTree(repo: Repository, revision: string): Promise<{ revision: string; version: string; tree: string }> {
  const r = await resolveVersionPath(repo, splitVersionPath(revision));
  if (r.parts.length > 0) throw new StrataError('INVALID_ARGUMENT', `give a version, not a path inside one: ${revision}`);
  return { revision, version: r.version, tree: r.tree };
}

/** Where a command reads: a revision of the repository, or a folder on disk. */
export interface ConfigSourceOptions {
  repo?: Repository | undefined;
  /** A version (any revision); without it, `folder` is read. */
  revision?: string | undefined;
  /** The working folder (the project root on disk), read when no revision is given. */
  folder?: string | undefined;
}

export interface ConfigSource {
  reader: ConfigReader;
  /** What was read, for output: `{ revision, version }` or `{ folder }`. */
  label: { revision: string; version: string } | { folder: string };
}

export async function openConfigSource(options: ConfigSourceOptions, trees?: VersionTreeCache): Promise<ConfigSource> {
  if (options.revision !== undefined) {
    if (options.repo === undefined) throw new StrataError('USAGE', `reading ${options.revision} needs a repository`);
    const r = await resolveRevisionTree(options.repo, options.revision);
    const cache = trees ?? new VersionTreeCache(options.repo);
    return { reader: cache.reader(r.tree), label: { revision: r.revision, version: r.version } };
  }
  if (options.folder === undefined) throw new StrataError('USAGE', 'give a revision or the project folder to read the platform configuration from');
  return { reader: folderReader(options.folder), label: { folder: options.folder } };
}
