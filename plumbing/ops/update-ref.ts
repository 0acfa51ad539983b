import { StrataError } from '../errors/index.js';
import type { Repository } from '../store/repository.js';
import { resolveRevision } from './resolve-revision.js';

export interface UpdateRefOptions {
  repo: Repository;
  ref: string;
  /** New value: any revision (resolved to a full id). Omit with `delete`. */
  newValue?: string | undefined;
  /** Expected current value for compare-and-swap: a revision, or `""` / all zeros for "must not exist". */
  oldValue?: string | undefined;
  delete?: boolean;
  /** Update the named ref itself even if it is symbolic. */
  noDeref?: boolean;
}

export interface UpdateRefResult {
  /** The ref that was written (the target of a symbolic ref unless noDeref). */
  ref: string;
  id: string | null;
  previous: string | null;
}

const ZERO_ID = '0'.repeat(64);

async function expectedFrom(repo: Repository, old: string | undefined): Promise<string | null | undefined> {
  if (old === undefined) return undefined;
  if (old === '' || old === ZERO_ID) return null;
  return (await resolveRevision(repo, old)).id;
}

/**
 * Points a ref at an object (or deletes it), atomically under the ref's lock; with an old value the
 * update happens only if the ref still has it (compare-and-swap), so of two racing writers with the
 * same old value exactly one wins.
 */
export async function updateRef(options: UpdateRefOptions): Promise<UpdateRefResult> {
  const { repo } = options;
  const name = options.ref;
  const expected = await expectedFrom(repo, options.oldValue);
  const current = await repo.refs.resolve(name);
  const previous = current?.id ?? null;
  if (options.delete) {
    if (!current) throw new StrataError('UNKNOWN_REF', `ref ${name} does not exist`, { data: { ref: name } });
    if (expected === null) {
      throw new StrataError('REF_CHANGED', `ref ${name} exists, but the old value given says it should not`, { data: { ref: name } });
    }
    const target = options.noDeref ? name : current.target;
    await repo.refs.delete(target, expected === undefined ? {} : { expected });
    return { ref: target, id: null, previous };
  }
  if (options.newValue === undefined) throw new StrataError('USAGE', 'update-ref needs a new value (or --delete)');
  const { id } = await resolveRevision(repo, options.newValue);
  if (!(await repo.objects.has(id))) {
    throw new StrataError('OBJECT_MISSING', `object ${id} is missing; a ref may only point at a stored object`, { data: { id } });
  }
  const ref = await repo.refs.update(name, id, { ...(expected === undefined ? {} : { expected }), ...(options.noDeref ? { noDeref: true } : {}) });
  return { ref, id, previous };
}
