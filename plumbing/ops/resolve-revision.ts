import { StrataError } from '../errors/index.js';
import type { ObjectKind } from '../format/header.js';
import { isIdPrefix, isObjectId, type ObjectId } from '../format/object-id.js';
import { isValidRefName } from '../format/ref-name.js';
import { entryDisplayName, type EntryType } from '../format/tree.js';
import type { Repository } from '../store/repository.js';

export interface ResolvedRevision {
  id: ObjectId;
  /** The ref the revision named, when it named one. */
  ref?: string;
  /** For `<rev>:<path>`: the entry's type. */
  entryType?: EntryType;
}

/** The order in which a short name is tried as a ref (git's order, plus strata's versions). */
export function refCandidates(name: string): string[] {
  if (name === 'HEAD') return ['HEAD'];
  if (name.startsWith('refs/')) return [name];
  return [`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/versions/${name}`];
}

/** Resolves a hex prefix (4..64 digits) to the unique object id it abbreviates. */
export async function resolvePrefix(repo: Repository, prefix: string): Promise<ObjectId | undefined> {
  const lower = prefix.toLowerCase();
  const found: string[] = [];
  for await (const info of repo.backend.listObjects(lower)) {
    found.push(info.id);
    if (found.length > 10) break;
  }
  if (found.length > 1) {
    throw new StrataError('AMBIGUOUS_ID', `the id prefix ${prefix} is ambiguous: ${found.length > 10 ? 'more than 10' : found.length} objects start with it`, {
      hint: 'give more hex digits',
      data: { prefix, candidates: found.slice(0, 10) },
    });
  }
  return found[0];
}

async function resolveBase(repo: Repository, name: string): Promise<ResolvedRevision> {
  const lower = name.toLowerCase();
  if (isObjectId(lower)) return { id: lower };
  for (const candidate of refCandidates(name)) {
    if (!isValidRefName(candidate)) continue;
    const resolved = await repo.refs.resolve(candidate);
    if (resolved?.id) return { id: resolved.id, ref: resolved.target };
    if (resolved && candidate === 'HEAD') {
      throw new StrataError('UNKNOWN_REVISION', `HEAD points at ${resolved.target}, which has no versions yet`, {
        data: { rev: name, ref: resolved.target },
      });
    }
  }
  if (/^[0-9a-fA-F]+$/.test(name)) {
    if (name.length < 4) {
      throw new StrataError('INVALID_ID', `"${name}" is too short to be an id prefix: give at least 4 hex digits`, { data: { rev: name } });
    }
    if (name.length > 64) throw new StrataError('INVALID_ID', `"${name}" is longer than an id (64 hex digits)`, { data: { rev: name } });
    if (isIdPrefix(lower)) {
      const id = await resolvePrefix(repo, lower);
      if (id) return { id };
    }
  }
  throw new StrataError('UNKNOWN_REVISION', `"${name}" is neither an object id nor a ref`, {
    hint: 'list refs with `strata for-each-ref`',
    data: { rev: name },
  });
}

/** Splits `rev~2^` style suffixes off a base name. */
function splitSuffixes(rev: string): { base: string; steps: Array<{ op: '~' | '^'; n: number }> } {
  const m = /^(.*?)((?:[~^][0-9]*)*)$/.exec(rev);
  const base = m?.[1] ?? rev;
  const steps: Array<{ op: '~' | '^'; n: number }> = [];
  const re = /([~^])([0-9]*)/g;
  let s: RegExpExecArray | null;
  while ((s = re.exec(m?.[2] ?? '')) !== null) {
    steps.push({ op: s[1] as '~' | '^', n: s[2] === '' ? 1 : Number(s[2]) });
  }
  return { base, steps };
}

async function parentOf(repo: Repository, id: ObjectId, index: number, rev: string): Promise<ObjectId> {
  const version = await repo.objects.readVersion(id);
  const parent = version.parents[index];
  if (parent === undefined) {
    throw new StrataError('UNKNOWN_REVISION', `${rev}: version ${id.slice(0, 12)} has no parent number ${index + 1}`, {
      data: { rev, id },
    });
  }
  return parent;
}

/** The tree a tree-ish names: a tree itself, or a version's tree. */
export async function peelToTree(repo: Repository, id: ObjectId): Promise<ObjectId> {
  const obj = await repo.objects.read(id);
  if (obj.kind === 'tree') return id;
  if (obj.kind === 'version') return obj.version.tree;
  throw new StrataError('WRONG_KIND', `object ${id} is a ${obj.kind}, not a tree or a version`, { data: { id, kind: obj.kind } });
}

/** Looks up a slash-separated path in a tree. An empty path is the tree itself. */
export async function lookupPath(
  repo: Repository,
  treeId: ObjectId,
  path: string,
): Promise<{ id: ObjectId; type: EntryType }> {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  let current: { id: ObjectId; type: EntryType } = { id: treeId, type: 'directory' };
  for (let i = 0; i < parts.length; i++) {
    if (current.type !== 'directory') break;
    const tree = await repo.objects.readTree(current.id);
    const want = Buffer.from(parts[i] as string, 'utf8');
    const entry = tree.entries.find((e) => e.name.equals(want));
    if (!entry) {
      throw new StrataError('PATH_NOT_FOUND', `path "${parts.slice(0, i + 1).join('/')}" does not exist in tree ${treeId.slice(0, 12)}`, {
        data: { tree: treeId, path },
      });
    }
    current = { id: entry.id, type: entry.type };
    if (i < parts.length - 1 && entry.type !== 'directory') {
      throw new StrataError('PATH_NOT_FOUND', `"${entryDisplayName(entry)}" in "${path}" is a ${entry.type}, not a directory`, {
        data: { tree: treeId, path },
      });
    }
  }
  return current;
}

/**
 * Resolves a revision: a full id, a unique prefix of 4+ hex digits, a ref (`HEAD`, `main`,
 * `tags/v1`, `refs/heads/main`), followed by any of `~N` (Nth first-parent ancestor), `^N` (Nth parent),
 * and optionally `:<path>` (an entry of the version's tree).
 */
export async function resolveRevision(repo: Repository, rev: string): Promise<ResolvedRevision> {
  if (rev === '') throw new StrataError('UNKNOWN_REVISION', 'an empty revision names nothing');
  const colon = rev.indexOf(':');
  const spec = colon >= 0 ? rev.slice(0, colon) : rev;
  const { base, steps } = splitSuffixes(spec);
  const resolved = await resolveBase(repo, base === '' ? 'HEAD' : base);
  let id = resolved.id;
  for (const step of steps) {
    if (step.op === '~') {
      for (let i = 0; i < step.n; i++) id = await parentOf(repo, id, 0, rev);
    } else if (step.n > 0) {
      id = await parentOf(repo, id, step.n - 1, rev);
    }
  }
  if (colon < 0) return steps.length === 0 ? resolved : { id };
  const tree = await peelToTree(repo, id);
  const entry = await lookupPath(repo, tree, rev.slice(colon + 1));
  return { id: entry.id, entryType: entry.type };
}

/** Resolves a revision and checks the object's kind. */
export async function resolveToKind(repo: Repository, rev: string, kinds: ObjectKind[]): Promise<ObjectId> {
  const { id } = await resolveRevision(repo, rev);
  const obj = await repo.objects.read(id);
  if (!kinds.includes(obj.kind)) {
    throw new StrataError('WRONG_KIND', `${rev} is a ${obj.kind}, not a ${kinds.join(' or ')}`, { data: { rev, id, kind: obj.kind } });
  }
  return id;
}
