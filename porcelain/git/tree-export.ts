/**
 * Strata trees as git trees. Each strata tree becomes a git tree (entries re-sorted in git's order,
 * modes 100644 / 100755 / 120000 / 40000), each file a git blob or, above the LFS threshold, an LFS
 * pointer blob with its content in the LFS store. Strata ids are content ids, so a tree converted once
 * is not walked again (in-memory caches from strata id to git id); across runs, a version's first
 * parent as already exported (its strata tree and git tree side by side) tells which subtrees and files
 * are unchanged, so only the changed paths are read. Git has no empty folders: they are left out and
 * counted. Names git reserves (`.git`) are left out and reported.
 */
import * as fs from 'node:fs';
import { isomorphicGit } from './isomorphic-git.js';
import { Semaphore, StrataError, type Repository, type TreeEntry } from '../../plumbing/index.js';
import { readStoredContent, streamStoredContent } from '../ops/read-content.js';
import { EMPTY_TREE_ID, GIT_MODES, encodeGitTree, gitNameProblem, parseGitTree, type GitTreeEntry } from './git-format.js';
import { ATTRIBUTES_FILE, attributesLfsPaths, buildAttributes, encodeLfsPointer, writeLfsObject } from './lfs.js';
import type { GitObjectWriter } from './object-writer.js';

/** Files up to this size are read whole and hashed in memory; larger ones are streamed. */
const IN_MEMORY_LIMIT = 8 * 1024 * 1024;

/** A strata tree already exported: its git tree, and the files in it stored with LFS (relative paths). */
interface Converted {
  oid: string;
  lfs: string[];
}

/** The first parent as exported: its strata tree beside its git tree, and its LFS paths. */
export interface ExportHint {
  strata: string;
  git: string;
  /** Full paths of the files the parent stored with LFS. */
  lfs: Set<string>;
}

export interface TreeExportReport {
  /** Empty folders left out (git cannot hold them), by path. */
  emptyFolders: string[];
  /** Entries left out because git reserves their names, by path. */
  reservedNames: string[];
  /** Entries converted whose names are not UTF-8. */
  nonUtf8Names: number;
  /** Files stored with LFS (new this run). */
  lfsFiles: number;
  /** Content bytes read from strata. */
  bytesRead: number;
}

export interface TreeExporterOptions {
  repo: Repository;
  writer: GitObjectWriter;
  /** Files larger than this many bytes go to LFS; undefined: none. */
  lfsThreshold?: number;
  onBytes?: (bytes: number) => void;
}

function isUtf8(name: Buffer): boolean {
  return Buffer.from(name.toString('utf8'), 'utf8').equals(name);
}

export class TreeExporter {
  private readonly trees = new Map<string, Converted>();
  private readonly blobs = new Map<string, string>();
  private readonly io = new Semaphore(8);
  readonly report: TreeExportReport = { emptyFolders: [], reservedNames: [], nonUtf8Names: 0, lfsFiles: 0, bytesRead: 0 };

  constructor(private readonly options: TreeExporterOptions) {}

  /** The git tree of a version's root tree (written with everything below it), and its LFS paths. */
  async exportRoot(tree: string, hint: ExportHint | undefined): Promise<Converted> {
    const key = `root:${tree}`;
    const cached = this.trees.get(key);
    if (cached) return cached;
    const out = await this.convert(tree, '', hint, true, true);
    this.trees.set(key, out);
    return out;
  }

  /** The hint for a version whose first parent was exported as `commitTree` (a git tree id). */
  async hintFor(gitdir: string, strataTree: string, commitTree: string): Promise<ExportHint> {
    const entries = parseGitTree(await readGitObject(gitdir, commitTree));
    const attrs = entries.find((e) => e.name.toString('latin1') === ATTRIBUTES_FILE && e.mode !== '40000');
    const lfs = attrs ? attributesLfsPaths(Buffer.from(await readGitObject(gitdir, attrs.oid))) : [];
    return { strata: strataTree, git: commitTree, lfs: new Set(lfs) };
  }

  private async convert(tree: string, prefix: string, hint: ExportHint | undefined, root: boolean, utf8Path: boolean): Promise<Converted> {
    const { repo } = this.options;
    // Under a folder whose name is not UTF-8 no file goes to LFS (.gitattributes could not name it), so the same tree converts differently there.
    const key = utf8Path ? tree : `non-utf8:${tree}`;
    if (!root) {
      const cached = this.trees.get(key);
      if (cached) return cached;
      if (hint && hint.strata === tree) {
        const lfs = [...hint.lfs].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
        const out = { oid: hint.git, lfs };
        this.trees.set(key, out);
        return out;
      }
    }
    const entries = (await repo.objects.readTree(tree)).entries;
    let before: Map<string, { strata: TreeEntry; git: GitTreeEntry }> | undefined;
    if (hint) {
      before = new Map();
      const gitEntries = new Map(parseGitTree(await readGitObject(this.gitdir, hint.git)).map((e) => [e.name.toString('hex'), e]));
      for (const e of (await repo.objects.readTree(hint.strata)).entries) {
        const g = gitEntries.get(e.name.toString('hex'));
        if (g) before.set(e.name.toString('hex'), { strata: e, git: g });
      }
    }
    const lfs: string[] = [];
    let attributes: TreeEntry | undefined;
    const results = await Promise.all(
      entries.map(async (e): Promise<GitTreeEntry | undefined> => {
        const nameText = e.name.toString('utf8');
        const path = `${prefix}${nameText}`;
        if (gitNameProblem(e.name)) {
          this.report.reservedNames.push(path);
          return undefined;
        }
        if (root && nameText === ATTRIBUTES_FILE && e.type !== 'directory') {
          attributes = e;
          return undefined;
        }
        if (!isUtf8(e.name)) this.report.nonUtf8Names++;
        const old = before?.get(e.name.toString('hex'));
        if (e.type === 'directory') {
          const childHint = old && old.strata.type === 'directory' && old.git.mode === '40000' && hint ? { strata: old.strata.id, git: old.git.oid, lfs: hint.lfs } : undefined;
          const c = await this.convert(e.id, `${path}/`, childHint, false, utf8Path && isUtf8(e.name));
          if (c.oid === EMPTY_TREE_ID) {
            this.report.emptyFolders.push(path);
            return undefined;
          }
          for (const p of c.lfs) lfs.push(`${nameText}/${p}`);
          return { name: e.name, mode: GIT_MODES.directory, oid: c.oid };
        }
        const size = e.size ?? 0;
        const toLfs = e.type !== 'symlink' && this.options.lfsThreshold !== undefined && size > this.options.lfsThreshold && utf8Path && isUtf8(e.name);
        if (toLfs) lfs.push(nameText);
        let oid: string | undefined;
        if (old && hint && old.strata.id === e.id && old.strata.type === e.type && old.git.mode === GIT_MODES[e.type] && hint.lfs.has(path) === toLfs) oid = old.git.oid;
        oid ??= await this.fileBlob(e.id, size, toLfs);
        return { name: e.name, mode: GIT_MODES[e.type], oid };
      }),
    );
    const gitEntries = results.filter((e): e is GitTreeEntry => e !== undefined);
    if (root) {
      const attrs = await this.attributesEntry(attributes, lfs);
      if (attrs) gitEntries.push(attrs);
    }
    const oid = gitEntries.length === 0 ? await this.options.writer.write('tree', Buffer.alloc(0)) : await this.options.writer.write('tree', encodeGitTree(gitEntries));
    const out = { oid, lfs };
    if (!root) this.trees.set(key, out);
    return out;
  }

  private get gitdir(): string {
    return this.options.writer.gitdir;
  }

  /** The root `.gitattributes`: the version's own, with the LFS section added when the version has LFS files. */
  private async attributesEntry(own: TreeEntry | undefined, lfs: string[]): Promise<GitTreeEntry | undefined> {
    const name = Buffer.from(ATTRIBUTES_FILE);
    if (lfs.length === 0) {
      if (!own) return undefined;
      return { name, mode: GIT_MODES[own.type], oid: await this.fileBlob(own.id, own.size ?? 0, false) };
    }
    if (own?.type === 'symlink') {
      throw new StrataError('INVALID_ARGUMENT', `the version's ${ATTRIBUTES_FILE} is a symlink, so the Git LFS lines cannot be added to it`, { hint: 'export without --lfs-threshold' });
    }
    const existing = own ? await readStoredContent(this.options.repo, own.id, { expectedSize: own.size ?? 0, maxBytes: IN_MEMORY_LIMIT }) : undefined;
    const oid = await this.options.writer.write('blob', buildAttributes(existing, lfs));
    return { name, mode: own ? GIT_MODES[own.type] : GIT_MODES.file, oid };
  }

  /** The git blob of a strata file: its content, or an LFS pointer to it. */
  private async fileBlob(id: string, size: number, toLfs: boolean): Promise<string> {
    const key = `${toLfs ? 'lfs' : 'raw'}:${id}`;
    const cached = this.blobs.get(key);
    if (cached) return cached;
    const { repo, writer } = this.options;
    const oid = await this.io.run(async () => {
      const counted = (n: number): void => {
        this.report.bytesRead += n;
        this.options.onBytes?.(n);
      };
      if (toLfs) {
        const sha = await writeLfsObject(this.gitdir, size, streamStoredContent(repo, id), counted, writer.dryRun);
        this.report.lfsFiles++;
        return writer.write('blob', encodeLfsPointer(sha, size));
      }
      if (size <= IN_MEMORY_LIMIT) {
        const data = await readStoredContent(repo, id, { expectedSize: size });
        counted(data.length);
        return writer.write('blob', data);
      }
      return writer.writeStream('blob', size, streamStoredContent(repo, id), counted);
    });
    this.blobs.set(key, oid);
    return oid;
  }
}

/** A git object's body (loose or packed), read with isomorphic-git. */
export async function readGitObject(gitdir: string, oid: string): Promise<Uint8Array> {
  const r = await (await isomorphicGit()).readObject({ fs, gitdir, oid, format: 'content' });
  return r.object as Uint8Array;
}
