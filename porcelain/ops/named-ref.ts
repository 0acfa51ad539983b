/**
 * Tags and branches are both names for versions (`refs/tags/<name>`, `refs/heads/<name>`): the
 * name rules and the way one is pointed at a version are the same, only the words differ.
 */
import { StrataError, refNameProblem, withRepoLock, type Repository } from '../../plumbing/index.js';
import { resolveVersion } from './version-list.js';

export type NamedRefKind = 'tag' | 'branch';

/**
 * The full ref for a tag or branch name a user gave (`v1` -> `refs/tags/v1`); INVALID_REF_NAME when
 * it is not a valid name there.
 */
export function namedRef(namespace: string, name: string, what: NamedRefKind): string {
  const ref = `${namespace}${name}`;
  const problem =
    name === '' ? 'the name is empty'
    : name === 'HEAD' ? '"HEAD" is reserved'
    : name.startsWith('refs/') ? `give the short name (without "${namespace}")`
    : name.startsWith('-') ? 'a name cannot start with "-"'
    : refNameProblem(ref);
  if (problem !== undefined) {
    throw new StrataError('INVALID_REF_NAME', `"${name}" is not a valid ${what} name: ${problem}`, { data: { name, ref } });
  }
  return ref;
}

export interface PointNamedRefOptions {
  repo: Repository;
  namespace: string;
  kind: NamedRefKind;
  name: string;
  /** Any revision naming a version; default `HEAD`. */
  version?: string | undefined;
  /** Move the name when it exists already (otherwise `existsCode`). */
  force?: boolean | undefined;
  lockWaitMs?: number | undefined;
  /** The error code for a name that exists (TAG_EXISTS, BRANCH_EXISTS). */
  existsCode: string;
}

export interface PointNamedRefResult {
  name: string;
  ref: string;
  id: string;
  /** With `force`, what the name pointed at before (absent when it did not exist). */
  previous?: string;
}

/** Points a tag or branch at a version, under a shared repository lock, by compare-and-swap. */
export async function pointNamedRef(options: PointNamedRefOptions): Promise<PointNamedRefResult> {
  const { repo, kind, name } = options;
  const ref = namedRef(options.namespace, name, kind);
  return withRepoLock({ repo, kind: 'shared', command: kind, waitMs: options.lockWaitMs ?? 0 }, async () => {
    const version = await resolveVersion(repo, options.version ?? 'HEAD');
    const current = await repo.refs.readValue(ref);
    if (current !== undefined && !options.force) {
      const where = current.kind === 'direct' ? ` (${kind === 'tag' ? 'on' : 'at'} ${current.id.slice(0, 12)})` : '';
      throw new StrataError(options.existsCode, `the ${kind} ${name} exists already${where}`, {
        hint: 'pick another name, or move it with --force',
        data: { name, ref, ...(current.kind === 'direct' ? { id: current.id } : {}) },
      });
    }
    const previous = current?.kind === 'direct' ? current.id : undefined;
    await repo.refs.update(ref, version.id, { expected: previous ?? null, noDeref: true });
    return { name, ref, id: version.id, ...(previous === undefined ? {} : { previous }) };
  });
}
