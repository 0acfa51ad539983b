/**
 * Git trees as strata trees. Each git tree becomes a strata tree (entries in strata's byte order, git
 * modes mapped back: 100644 file 0644, 100755 executable 0755, 120000 symlink, 40000 folder 0755), each
 * blob a strata file stored and chunked like any other. An LFS pointer whose object the repository's
 * LFS store holds becomes the content it points to (streamed and checked against its SHA-256); one
 * whose object is absent stays a pointer file and is reported. The bridge's own section of the root
 * `.gitattributes` is taken out again. Submodules (gitlinks) have no content here: each becomes an
 * empty folder, as in a checkout without its submodules, and is reported.
 * Entries get the time of the commit that first brought their tree in this run.
 */
import * as fs from 'node:fs';
import { isomorphicGit } from './isomorphic-git.js';
import { Semaphore, chunkingFor, nameProblem, storeContent, type Repository, type TreeEntry } from '../../plumbing/index.js';
import { parseGitTree } from './git-format.js';
import { ATTRIBUTES_FILE, LFS_POINTER_MAX, hasLfsObject, parseLfsPointer, readLfsObject, stripAttributes } from './lfs.js';

export interface TreeImportReport {
  /** Files whose LFS object was found and stored as their content. */
  lfsResolved: number;
  /** LFS pointers kept as they are (their object is not in the repository), by path. */
  lfsMissing: string[];
  /** Submodules and names strata cannot hold, left out, by path. */
  skipped: Array<{ path: string; reason: string }>;
}

export class TreeImporter {
  private readonly trees = new Map<string, Promise<string>>();
  private readonly files = new Map<string, Promise<{ id: string; size: number }>>();
  private readonly io = new Semaphore(8);
  private readonly chunking;
  /** isomorphic-git's cache (keeps pack indexes loaded between reads). */
  readonly cache = {};
  readonly report: TreeImportReport = { lfsResolved: 0, lfsMissing: [], skipped: [] };

  constructor(
    private readonly repo: Repository,
    private readonly gitdir: string,
  ) {
    this.chunking = chunkingFor(repo.config);
  }

  async read(oid: string): Promise<Uint8Array> {
    return (await (await isomorphicGit()).readObject({ fs, gitdir: this.gitdir, oid, format: 'content', cache: this.cache })).object as Uint8Array;
  }

  /** The strata tree for a commit's root tree; `time` (ms) for entries first seen now. */
  async importRoot(oid: string, time: number): Promise<string> {
    return this.convert(oid, '', time, true);
  }

  private convert(oid: string, prefix: string, time: number, root: boolean): Promise<string> {
    const key = root ? `root:${oid}` : oid;
    let pending = this.trees.get(key);
    if (!pending) {
      pending = this.convertTree(oid, prefix, time, root);
      this.trees.set(key, pending);
      // A failure is not cached: the caller sees it, and a later call tries again.
      pending.catch(() => this.trees.delete(key));
    }
    return pending;
  }

  private async convertTree(oid: string, prefix: string, time: number, root: boolean): Promise<string> {
    const converted = await Promise.all(
      parseGitTree(await this.read(oid)).map(async (e): Promise<TreeEntry | undefined> => {
        const path = `${prefix}${e.name.toString('utf8')}`;
        const problem = nameProblem(e.name);
        if (problem) {
          this.report.skipped.push({ path, reason: problem });
          return undefined;
        }
        if (e.mode === '40000') return { name: e.name, type: 'directory', id: await this.convert(e.oid, `${path}/`, time, false), mode: 0o755, mtime: time };
        if (e.mode === '160000') {
          // As a checkout without its submodules has it: an empty folder.
          this.report.skipped.push({ path, reason: `a submodule (commit ${e.oid.slice(0, 12)}) has no content in this repository: imported as an empty folder` });
          return { name: e.name, type: 'directory', id: (await this.repo.objects.writeTree([])).id, mode: 0o755, mtime: time };
        }
        if (e.mode === '120000') {
          const f = await this.file(e.oid, path, false);
          return { name: e.name, type: 'symlink', id: f.id, size: f.size, mtime: time };
        }
        const exec = e.mode === '100755';
        const attrs = root && e.name.toString('latin1') === ATTRIBUTES_FILE;
        const f = attrs ? await this.attributes(e.oid) : await this.file(e.oid, path, true);
        return f ? { name: e.name, type: exec ? 'executable' : 'file', id: f.id, size: f.size, mode: exec ? 0o755 : 0o644, mtime: time } : undefined;
      }),
    );
    const entries = converted.filter((e): e is TreeEntry => e !== undefined);
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    return (await this.repo.objects.writeTree(entries)).id;
  }

  /** The root `.gitattributes` without the bridge's LFS section (undefined: nothing else was in it). */
  private async attributes(oid: string): Promise<{ id: string; size: number } | undefined> {
    const stripped = stripAttributes(Buffer.from(await this.read(oid)));
    if (stripped.content === undefined) return undefined;
    return this.store(stripped.content, ATTRIBUTES_FILE);
  }

  private async store(data: Uint8Array | AsyncIterable<Uint8Array>, name: string, size?: number): Promise<{ id: string; size: number }> {
    const hint = data instanceof Uint8Array ? { name, size: data.length } : { name, ...(size === undefined ? {} : { size }) };
    const stored = await storeContent({ objects: this.repo.objects, strategy: this.chunking.forFile(hint), source: data, write: true });
    return { id: stored.id, size: stored.size };
  }

  private file(oid: string, path: string, lfs: boolean): Promise<{ id: string; size: number }> {
    const key = `${lfs ? 'lfs' : 'raw'}:${oid}`;
    let pending = this.files.get(key);
    if (!pending) {
      pending = this.io.run(() => this.storeFile(oid, path, lfs));
      this.files.set(key, pending);
      pending.catch(() => this.files.delete(key));
    }
    return pending;
  }

  private async storeFile(oid: string, path: string, lfs: boolean): Promise<{ id: string; size: number }> {
    const data = await this.read(oid);
    const name = path.slice(path.lastIndexOf('/') + 1);
    let out: { id: string; size: number } | undefined;
    const pointer = lfs && data.length <= LFS_POINTER_MAX ? parseLfsPointer(data) : undefined;
    if (pointer) {
      if (await hasLfsObject(this.gitdir, pointer.oid, pointer.size)) {
        out = await this.store(readLfsObject(this.gitdir, pointer.oid, pointer.size), name, pointer.size);
        this.report.lfsResolved++;
      } else {
        this.report.lfsMissing.push(path);
      }
    }
    out ??= await this.store(data, name);
    return out;
  }
}
