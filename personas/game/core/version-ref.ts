/**
 * A user's reference to a stored version, as the game persona's commands take it (feedback, playtests):
 * a game milestone name, or any revision porcelain resolves (a full version id or a unique prefix of
 * 4+ hex digits, a tag, a branch, `main~2`). A milestone's name wins over a revision of the same
 * spelling, as in release notes. Anything else is UNKNOWN_REVISION, naming what was tried.
 */
import { StrataError, isStrataError, resolveVersion, type Repository } from '../../../porcelain/index.js';
import { findMilestone } from '../ops/milestone.js';

/** What a reference resolved to. */
export interface ResolvedVersionRef {
  /** The version id (64 hex digits). */
  id: string;
  /** The version's time, ms. */
  time: number;
  /** The reference as given. */
  ref: string;
  /** How it was read. */
  via: 'milestone' | 'revision';
  /** The milestone's name, when it named one. */
  milestone?: string;
}

/** Resolves a reference to a version; UNKNOWN_REVISION (exit 1) when it names none. */
export async function resolveVersionRef(options: { repo: Repository; ref: string }): Promise<ResolvedVersionRef> {
  const { repo, ref } = options;
  const name = ref.trim();
  if (name === '') throw new StrataError('UNKNOWN_REVISION', 'an empty version reference names nothing', { data: { ref } });
  const milestone = await findMilestone({ repo, name });
  if (milestone) {
    const v = await resolveVersion(repo, milestone.version);
    return { id: v.id, time: v.time, ref, via: 'milestone', milestone: milestone.name };
  }
  try {
    const v = await resolveVersion(repo, name);
    return { id: v.id, time: v.time, ref, via: 'revision' };
  } catch (err) {
    if (isStrataError(err) && (err.code === 'UNKNOWN_REVISION' || err.code === 'INVALID_ID')) {
      throw new StrataError('UNKNOWN_REVISION', `"${name}" is not a version id, tag, branch or milestone`, {
        hint: 'list versions with `strata log`, tags with `strata tag`, milestones with `strata game milestone list`',
        data: { ref: name },
        cause: err,
      });
    }
    if (isStrataError(err) && err.code === 'WRONG_KIND') {
      throw new StrataError('UNKNOWN_REVISION', `"${name}" names a ${String(err.data?.['kind'] ?? 'non-version')} object, not a version`, { data: { ref: name }, cause: err });
    }
    throw err;
  }
}

/**
 * Resolves many references at once, each only once (a feedback file names a handful of builds across
 * thousands of rows). Unknown references are returned in `unknown`, not thrown.
 */
export class VersionRefCache {
  private readonly cache = new Map<string, Promise<ResolvedVersionRef | undefined>>();

  constructor(private readonly repo: Repository) {}

  /** The version of a reference, or undefined when it names none (other errors are thrown). */
  lookup(ref: string): Promise<ResolvedVersionRef | undefined> {
    let p = this.cache.get(ref);
    if (p === undefined) {
      p = resolveVersionRef({ repo: this.repo, ref }).catch((err: unknown) => {
        if (isStrataError(err) && (err.code === 'UNKNOWN_REVISION' || err.code === 'AMBIGUOUS_ID')) return undefined;
        throw err;
      });
      this.cache.set(ref, p);
    }
    return p;
  }
}
