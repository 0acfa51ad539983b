import { StrataError } from '../errors/index.js';
import type { ObjectKind } from '../format/header.js';
import { entryDisplayName } from '../format/tree.js';
import type { Repository } from '../store/repository.js';
import { Semaphore } from '../util/concurrency.js';

export interface IntegrityProblem {
  problem: 'missing' | 'corrupt';
  /** The object (or ref name, for a malformed ref). */
  id: string;
  message: string;
  /** The object or ref that names it. */
  referencedBy?: string;
}

export interface ForgottenParent {
  version: string;
  parent: string;
}

export interface ReachabilityResult {
  /** Every reachable object with its kind (as its header states). */
  reachable: Map<string, ObjectKind>;
  problems: IntegrityProblem[];
  /** Versions whose parent is no longer stored: information, not damage (retention forgot it). */
  forgottenParents: ForgottenParent[];
  refs: number;
}

export interface WalkOptions {
  repo: Repository;
  /** Inflate and hash every blob too (otherwise blobs are checked by header: kind and size). */
  verifyBlobs?: boolean;
  concurrency?: number;
  onObject?: (checked: number) => void;
  /** Refs whose names start with one of these are not roots (gc's first pass leaves out derived data). */
  skipRefPrefixes?: string[];
}

type Expect = { kinds: ObjectKind[]; size?: number; from: string };

/**
 * Walks everything reachable from the refs: ref -> object; version -> tree; tree -> entries;
 * chunk list -> chunks. A version's parents are not followed (they are history, not ownership);
 * a parent that is not stored is reported as forgotten. Every structured object is read in full
 * and verified (zlib stream, id, canonical form, schema); blobs by header unless `verifyBlobs`.
 */
export async function walkReachable(options: WalkOptions): Promise<ReachabilityResult> {
  const { repo } = options;
  const reachable = new Map<string, ObjectKind>();
  const problems: IntegrityProblem[] = [];
  const forgottenParents: ForgottenParent[] = [];
  const started = new Set<string>();
  const io = new Semaphore(options.concurrency ?? 16);
  const tasks: Promise<void>[] = [];
  let checked = 0;

  const fail = (err: unknown, id: string, from: string): void => {
    if (err instanceof StrataError && (err.code === 'OBJECT_MISSING' || err.code === 'OBJECT_CORRUPT')) {
      problems.push({ problem: err.code === 'OBJECT_MISSING' ? 'missing' : 'corrupt', id, message: err.message, referencedBy: from });
      return;
    }
    throw err;
  };

  const visit = (id: string, expect: Expect): void => {
    if (started.has(id)) return;
    started.add(id);
    tasks.push(io.run(() => check(id, expect)).catch((err: unknown) => fail(err, id, expect.from)));
  };

  const check = async (id: string, expect: Expect): Promise<void> => {
    const header = await repo.objects.readHeader(id);
    checked++;
    options.onObject?.(checked);
    if (!expect.kinds.includes(header.kind)) {
      problems.push({ problem: 'corrupt', id, message: `object ${id} is a ${header.kind}, but ${expect.from} names it as a ${expect.kinds.join(' or ')}`, referencedBy: expect.from });
      return;
    }
    reachable.set(id, header.kind);
    if (header.kind === 'blob') {
      if (options.verifyBlobs) await repo.objects.readRaw(id);
      if (expect.size !== undefined && header.size !== expect.size) {
        problems.push({ problem: 'corrupt', id, message: `blob ${id} has ${header.size} bytes, but ${expect.from} says ${expect.size}`, referencedBy: expect.from });
      }
      return;
    }
    const obj = await repo.objects.read(id);
    if (obj.kind === 'version') {
      visit(obj.version.tree, { kinds: ['tree'], from: `version ${id}` });
      for (const parent of obj.version.parents) {
        if (!(await repo.objects.has(parent))) forgottenParents.push({ version: id, parent });
      }
    } else if (obj.kind === 'tree') {
      for (const entry of obj.tree.entries) {
        const from = `tree ${id} entry "${entryDisplayName(entry)}"`;
        if (entry.type === 'directory') visit(entry.id, { kinds: ['tree'], from });
        else if (entry.type === 'symlink') visit(entry.id, { kinds: ['blob'], ...sized(entry.size), from });
        else visit(entry.id, { kinds: ['blob', 'chunks'], ...sized(entry.size), from });
      }
    } else if (obj.kind === 'chunks') {
      if (expect.size !== undefined && obj.chunkList.size !== expect.size) {
        problems.push({ problem: 'corrupt', id, message: `chunk list ${id} describes ${obj.chunkList.size} bytes, but ${expect.from} says ${expect.size}`, referencedBy: expect.from });
      }
      obj.chunkList.chunks.forEach((chunk, i) => visit(chunk.id, { kinds: ['blob'], size: chunk.size, from: `chunk list ${id} chunk ${i}` }));
    }
  };

  const skip = options.skipRefPrefixes ?? [];
  const refNames = ['HEAD', ...(await repo.refs.list('refs/'))].filter((name) => !skip.some((prefix) => name.startsWith(prefix)));
  for (const name of refNames) {
    try {
      const resolved = await repo.refs.resolve(name);
      if (resolved?.id) visit(resolved.id, { kinds: ['version', 'tree', 'blob', 'chunks'], from: `ref ${name}` });
    } catch (err) {
      if (err instanceof StrataError && err.code === 'OBJECT_CORRUPT') {
        problems.push({ problem: 'corrupt', id: name, message: err.message });
      } else throw err;
    }
  }
  while (tasks.length > 0) await Promise.all(tasks.splice(0));
  return { reachable, problems, forgottenParents, refs: refNames.length };
}

function sized(size: number | undefined): { size?: number } {
  return size === undefined ? {} : { size };
}
