/**
 * Pins: refs `refs/pins/<owner>/<name>` that name versions a higher layer depends on (a game
 * milestone, a shipped build). `forget` never forgets a pinned version, whatever the policy (it is
 * reported as kept with the reason `pinned`), and `gc` keeps it and everything it reaches because a
 * ref names it, even when its own `refs/versions/` ref has been deleted by other means
 * (objects-spec section 7.2). The owner is the layer or tool that made the pin, so tools do not
 * unpin each other's versions by accident.
 */
import { StrataError, isStrataError, refNameProblem, type Repository } from '../../plumbing/index.js';
import { resolveVersion } from './version-list.js';

export const PINS_REF_PREFIX = 'refs/pins/';

const OWNER = /^[a-z0-9][a-z0-9._-]*$/;

/** The ref of a pin; INVALID_ARGUMENT for an owner or name that cannot be one. */
export function pinRef(owner: string, name: string): string {
  if (!OWNER.test(owner) || owner.endsWith('.lock')) {
    throw new StrataError('INVALID_ARGUMENT', `"${owner}" is not a valid pin owner (lowercase letters, digits, . _ -)`);
  }
  const ref = `${PINS_REF_PREFIX}${owner}/${name}`;
  const problem = name === '' ? 'the name is empty' : refNameProblem(ref);
  if (problem !== undefined) throw new StrataError('INVALID_ARGUMENT', `"${name}" is not a valid pin name: ${problem}`, { data: { owner, name } });
  return ref;
}

export interface PinVersionOptions {
  repo: Repository;
  owner: string;
  name: string;
  /** Any revision naming a version. */
  version: string;
  /**
   * What the pin must name now, for a compare-and-swap: `null` (the default) when it must not exist
   * yet (TARGET_EXISTS otherwise), an id to move it from that version.
   */
  expected?: string | null;
}

export interface PinInfo {
  owner: string;
  name: string;
  ref: string;
  /** The version pinned. */
  id: string;
}

/** Pins a version: writes `refs/pins/<owner>/<name>` by compare-and-swap. */
export async function pinVersion(options: PinVersionOptions): Promise<PinInfo> {
  const { repo, owner, name } = options;
  const ref = pinRef(owner, name);
  const version = await resolveVersion(repo, options.version);
  const expected = options.expected === undefined ? null : options.expected;
  try {
    await repo.refs.update(ref, version.id, { expected, noDeref: true });
  } catch (err) {
    if (isStrataError(err) && err.code === 'REF_CHANGED') {
      const current = await repo.refs.readValue(ref);
      const now = current?.kind === 'direct' ? current.id : undefined;
      throw new StrataError('TARGET_EXISTS', `the pin ${ref} ${now === undefined ? 'changed' : `exists already (on ${now.slice(0, 12)})`} while it was being written`, {
        data: { owner, name, ref, ...(now === undefined ? {} : { id: now }) },
        cause: err,
      });
    }
    throw err;
  }
  return { owner, name, ref, id: version.id };
}

export interface UnpinVersionOptions {
  repo: Repository;
  owner: string;
  name: string;
  /** Remove it only if it still names this version. */
  expected?: string;
}

/**
 * Removes a pin. The version stays as long as another ref keeps it (its own `refs/versions/` ref
 * normally); retention may forget it later. UNKNOWN_REF when there is no such pin.
 */
export async function unpinVersion(options: UnpinVersionOptions): Promise<PinInfo> {
  const { repo, owner, name } = options;
  const ref = pinRef(owner, name);
  const current = await repo.refs.readValue(ref);
  if (current?.kind !== 'direct') {
    throw new StrataError('UNKNOWN_REF', `there is no pin ${ref}`, { data: { owner, name, ref } });
  }
  await repo.refs.delete(ref, { expected: options.expected ?? current.id });
  return { owner, name, ref, id: current.id };
}

export interface ListPinsOptions {
  repo: Repository;
  /** Only this owner's pins. */
  owner?: string;
}

/** Every pin (of one owner), sorted by ref. */
export async function listPins(options: ListPinsOptions): Promise<PinInfo[]> {
  const { repo } = options;
  const prefix = options.owner === undefined ? PINS_REF_PREFIX : `${pinRef(options.owner, 'x').slice(0, -1)}`;
  const out: PinInfo[] = [];
  for (const ref of (await repo.refs.list(prefix)).sort()) {
    const value = await repo.refs.readValue(ref);
    if (value?.kind !== 'direct') continue;
    const rest = ref.slice(PINS_REF_PREFIX.length);
    const slash = rest.indexOf('/');
    if (slash < 0) continue;
    out.push({ owner: rest.slice(0, slash), name: rest.slice(slash + 1), ref, id: value.id });
  }
  return out;
}
