import {
  REF_NAMESPACES,
  StrataError,
  isValidRefName,
  resolveRevision,
  withRepoLock,
  type Repository,
  type VersionBody,
} from '../../plumbing/index.js';
import { PINS_REF_PREFIX } from './pins.js';
import { applyRetentionPolicy, isEmptyPolicy, type RetentionPolicy, type RetentionVersion } from '../core/retention.js';

export interface ForgetOptions {
  repo: Repository;
  /** Which versions to keep; the rest are forgotten. Exactly one of `policy` and `versions` is needed. */
  policy?: RetentionPolicy;
  /** Forget these versions (any revisions naming versions) instead of applying a policy. */
  versions?: string[];
  /** Only consider the versions in this branch's history (as far as it is still stored). */
  branch?: string;
  /**
   * Metadata keys that split versions into groups, each kept by the policy on its own (default
   * `['host', 'source']`, which snapshot records, like restic's host and paths); `[]` is one group.
   */
  groupBy?: string[];
  /** Decide and report, delete nothing. */
  dryRun?: boolean;
  /** How long to wait for a repository lock held by another command, ms (default 0). */
  lockWaitMs?: number;
}

export interface ForgetVersion {
  id: string;
  time: number;
  name: string;
  description: string;
  tags: string[];
  milestone: boolean;
  /** The group's metadata values, e.g. `{ host: 'studio', source: '/work/game' }`. */
  group: Record<string, string>;
  /** Why it is kept (empty for a forgotten version). */
  reasons: string[];
}

export interface ForgetResult {
  dryRun: boolean;
  /** Versions kept, newest first. */
  keep: ForgetVersion[];
  /** Versions forgotten (their `refs/versions/` ref deleted), or to be, with dryRun; newest first. */
  remove: ForgetVersion[];
  /** Groups the policy was applied to. */
  groups: number;
}

interface Candidate extends RetentionVersion {
  ref: string;
  body: VersionBody;
  refs: string[];
  /** The pins (`refs/pins/…`) that name it. */
  pins: string[];
}

const DEFAULT_GROUP_BY = ['host', 'source'];

/**
 * Forgets versions: deletes their `refs/versions/<id>` refs so that `gc` can remove what only they
 * held. With a policy, keeps what restic's `forget` would (see core/retention.ts), applied to each
 * group of versions separately; milestones, pinned versions (`refs/pins/`) and versions a tag, branch
 * or other ref names are always kept. With explicit versions, refuses any such protected one. Objects stay until `gc`. Holds an
 * exclusive repository lock unless dryRun.
 */
export async function forget(options: ForgetOptions): Promise<ForgetResult> {
  const { repo } = options;
  const dryRun = options.dryRun ?? false;
  const explicit = options.versions ?? [];
  if (explicit.length > 0 && options.policy && !isEmptyPolicy(options.policy)) {
    throw new StrataError('USAGE', 'give either versions to forget or a policy (--keep-…), not both');
  }
  if (explicit.length === 0 && (!options.policy || isEmptyPolicy(options.policy))) {
    throw new StrataError('USAGE', 'no policy: give at least one --keep-… option (or versions to forget); forget never forgets everything', {
      hint: 'for example `strata forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --dry-run`',
    });
  }
  // Bad counts or durations are usage errors before anything is locked or read.
  if (options.policy) applyRetentionPolicy({ versions: [], policy: options.policy, now: 0 });
  const run = () => decideAndForget(repo, options, explicit, dryRun);
  if (dryRun) return run();
  return withRepoLock({ repo, kind: 'exclusive', command: 'forget', waitMs: options.lockWaitMs ?? 0 }, run);
}

async function decideAndForget(repo: Repository, options: ForgetOptions, explicit: string[], dryRun: boolean): Promise<ForgetResult> {
  let candidates = await loadCandidates(repo);
  if (options.branch !== undefined) {
    const history = await branchHistory(repo, options.branch);
    candidates = candidates.filter((c) => history.has(c.id));
  }
  const groupBy = options.groupBy ?? DEFAULT_GROUP_BY;
  const groupOf = (c: Candidate): Record<string, string> => Object.fromEntries(groupBy.map((k) => [k, c.body.meta[k] ?? '']));
  const describe = (c: Candidate, reasons: string[]): ForgetVersion => ({
    id: c.id,
    time: c.time,
    name: c.body.name,
    description: c.body.description,
    tags: c.body.tags,
    milestone: c.milestone,
    group: groupOf(c),
    reasons,
  });

  let keep: ForgetVersion[] = [];
  let remove: ForgetVersion[] = [];
  let groups = 0;
  if (explicit.length > 0) {
    const wanted = new Set<string>();
    for (const rev of explicit) {
      const { id } = await resolveRevision(repo, rev);
      const c = candidates.find((v) => v.id === id);
      if (!c) {
        const where = options.branch === undefined ? '' : ` in the history of branch ${options.branch}`;
        throw new StrataError('INVALID_ARGUMENT', `${rev} (${id.slice(0, 12)}) is not a version kept by a refs/versions/ ref${where}`, {
          data: { rev, id },
        });
      }
      const protectedBy = [...(c.milestone ? ['it is a milestone'] : []), ...c.pins.map((r) => `pinned by ${r}`), ...c.refs.map((r) => `${r} names it`)];
      if (protectedBy.length > 0) {
        throw new StrataError('INVALID_ARGUMENT', `version ${id.slice(0, 12)} is protected and is not forgotten: ${protectedBy.join('; ')}`, {
          hint: 'delete the tag, move the branch or remove the pin first (`strata update-ref -d <ref>`)',
          data: { id, protectedBy },
        });
      }
      wanted.add(id);
    }
    const sorted = [...candidates].sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : 1));
    for (const c of sorted) (wanted.has(c.id) ? remove : keep).push(describe(c, wanted.has(c.id) ? [] : ['not named']));
    groups = 1;
  } else {
    const byGroup = new Map<string, Candidate[]>();
    for (const c of candidates) {
      const key = JSON.stringify(groupBy.map((k) => c.body.meta[k] ?? ''));
      byGroup.set(key, [...(byGroup.get(key) ?? []), c]);
    }
    groups = byGroup.size;
    for (const key of [...byGroup.keys()].sort()) {
      const decided = applyRetentionPolicy({ versions: byGroup.get(key) as Candidate[], policy: options.policy ?? {}, now: repo.clock.now() });
      keep.push(...decided.keep.map((d) => describe(d.version, d.reasons)));
      remove.push(...decided.remove.map((d) => describe(d.version, d.reasons)));
    }
    const order = (a: ForgetVersion, b: ForgetVersion) => b.time - a.time || (a.id < b.id ? -1 : 1);
    keep = keep.sort(order);
    remove = remove.sort(order);
  }

  if (!dryRun) {
    for (const v of remove) {
      try {
        await repo.refs.delete(`${REF_NAMESPACES.versions}${v.id}`, { expected: v.id });
      } catch (err) {
        // Already forgotten by someone else: the outcome is the same.
        if (!(err instanceof StrataError && err.code === 'UNKNOWN_REF')) throw err;
      }
    }
  }
  return { dryRun, keep, remove, groups };
}

/** Every version kept by a `refs/versions/` ref, with the other refs that name it. */
async function loadCandidates(repo: Repository): Promise<Candidate[]> {
  const namedBy = new Map<string, string[]>();
  const refNames = await repo.refs.list('refs/');
  const head = await repo.refs.readValue('HEAD');
  if (head?.kind === 'direct') namedBy.set(head.id, ['HEAD']);
  for (const name of refNames) {
    if (name.startsWith(REF_NAMESPACES.versions)) continue;
    const id = (await repo.refs.resolve(name))?.id;
    if (id !== undefined) namedBy.set(id, [...(namedBy.get(id) ?? []), name]);
  }
  const out: Candidate[] = [];
  for (const ref of refNames) {
    if (!ref.startsWith(REF_NAMESPACES.versions)) continue;
    const id = (await repo.refs.resolve(ref))?.id;
    if (id === undefined) continue;
    const header = await repo.objects.readHeader(id).catch((err: unknown) => {
      throw withCheckHint(err, ref);
    });
    if (header.kind !== 'version') continue; // not a version: nothing a policy decides about
    const body = await repo.objects.readVersion(id).catch((err: unknown) => {
      throw withCheckHint(err, ref);
    });
    const named = namedBy.get(id) ?? [];
    const pins = named.filter((r) => r.startsWith(PINS_REF_PREFIX));
    const refs = named.filter((r) => !r.startsWith(PINS_REF_PREFIX));
    out.push({ id, time: body.time, tags: body.tags, milestone: body.milestone, pinned: pins.length > 0, pins, refs, ref, body });
  }
  return out;
}

function withCheckHint(err: unknown, ref: string): unknown {
  if (err instanceof StrataError && (err.code === 'OBJECT_MISSING' || err.code === 'OBJECT_CORRUPT')) {
    return new StrataError(err.code, `${ref}: ${err.message}`, { hint: 'run `strata check` for the whole picture; forget decides nothing on a damaged repository', data: err.data, cause: err });
  }
  return err;
}

/** The versions in a branch's history: its head and every parent, as far as their objects are stored. */
async function branchHistory(repo: Repository, branch: string): Promise<Set<string>> {
  const ref = branch.startsWith('refs/') ? branch : `${REF_NAMESPACES.heads}${branch}`;
  if (!isValidRefName(ref)) throw new StrataError('INVALID_REF_NAME', `${branch} is not a valid branch name`);
  const head = (await repo.refs.resolve(ref))?.id;
  if (head === undefined) throw new StrataError('UNKNOWN_REF', `branch ${branch} does not exist`, { hint: 'list branches with `strata for-each-ref refs/heads/`' });
  const seen = new Set<string>();
  const queue = [head];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id)) continue;
    if (!(await repo.objects.has(id))) continue; // a forgotten parent ends the walk
    seen.add(id);
    const header = await repo.objects.readHeader(id);
    if (header.kind !== 'version') continue;
    queue.push(...(await repo.objects.readVersion(id)).parents);
  }
  return seen;
}
