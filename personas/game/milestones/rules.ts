/**
 * The rules of milestones and releases, pure: the milestone kinds, valid names, and which creations and
 * promotions are refused (RELEASE_RULE) given the milestones that exist.
 *
 * - Kinds: `alpha < beta < rc < release` form the release ladder; `hotfix`, `demo`, `dev`, `nightly`,
 *   `playtest` and `prototype` are kinds of their own. `dev`, `nightly`, `rc`, `release` and `hotfix` are
 *   build types (recorded metadata, listed with `list --type`).
 * - A release or hotfix needs a semver without a pre-release tag (`1.2.0`, not `1.2.0-rc.1`); alpha, beta
 *   and rc may carry one.
 * - Shipped means a release or a hotfix. No two shipped milestones have semvers of equal precedence
 *   (a second release of one version); no two milestones have the very same semver text.
 * - A release's semver is greater than every shipped semver (a semver never goes backwards).
 * - A hotfix's semver has the major.minor of an earlier release, and is greater than every shipped semver
 *   of that major.minor line (so `1.0.1` can still follow `1.1.0`, for players who stay on 1.0).
 * - An alpha, beta or rc semver is greater than every shipped semver of its major.minor line (no
 *   `1.0.0-rc.1` after 1.0.0 shipped).
 * - Promotion climbs the ladder only (`beta -> rc`, `rc -> release`; never backwards, never sideways);
 *   a dev, nightly, playtest or prototype build may be promoted to any ladder kind; hotfix and demo are final.
 *   Promoting to release drops the pre-release tag unless a semver is given; the result obeys the rules above.
 */
import { StrataError } from '../../../porcelain/index.js';
import { compareSemver, formatSemver, parseSemver, withoutPrerelease, type SemVer } from './semver.js';

/** The owner of the pins that keep milestones' versions (`refs/pins/game-milestones/<name>`). */
export const MILESTONE_PIN_OWNER = 'game-milestones';

export const MILESTONE_TYPES = ['alpha', 'beta', 'rc', 'release', 'hotfix', 'demo', 'dev', 'nightly', 'playtest', 'prototype'] as const;
export type MilestoneType = (typeof MILESTONE_TYPES)[number];

/** The release ladder, lowest first. */
export const LADDER: readonly MilestoneType[] = ['alpha', 'beta', 'rc', 'release'];
/** Kinds that are build types (recorded metadata). */
export const BUILD_TYPES: readonly MilestoneType[] = ['dev', 'nightly', 'rc', 'release', 'hotfix'];
/** Kinds that may be promoted onto the ladder from outside it. */
const PROMOTABLE_BUILDS: readonly MilestoneType[] = ['dev', 'nightly', 'playtest', 'prototype'];
/** Kinds that ship: a release or a hotfix. */
export const SHIPPED_TYPES: readonly MilestoneType[] = ['release', 'hotfix'];

/** The fields of a milestone the rules look at. */
export interface MilestoneFacts {
  name: string;
  type: MilestoneType;
  semver?: string | undefined;
}

export function isMilestoneType(text: string): text is MilestoneType {
  return (MILESTONE_TYPES as readonly string[]).includes(text);
}

/** The kind a user typed; INVALID_ARGUMENT listing the kinds otherwise. */
export function parseMilestoneType(text: string): MilestoneType {
  const t = text.trim().toLowerCase();
  if (isMilestoneType(t)) return t;
  throw new StrataError('INVALID_ARGUMENT', `"${text}" is not a milestone type: use one of ${MILESTONE_TYPES.join(', ')}`, { data: { type: text } });
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Why a milestone name is not valid, or undefined. Names are letters, digits, `.`, `_` and `-`, start
 * with a letter or digit, at most 64 characters, and are unique without regard to case.
 */
export function milestoneNameProblem(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  if (name.length > 64) return 'a name has at most 64 characters';
  if (!NAME.test(name)) return 'use letters, digits, ".", "_" and "-", starting with a letter or digit';
  if (name.includes('..')) return 'a name cannot contain ".."';
  if (name.toLowerCase().endsWith('.lock')) return 'a name cannot end in ".lock"';
  if (['head', 'kept'].includes(name.toLowerCase())) return `"${name}" is reserved`;
  return undefined;
}

export function checkMilestoneName(name: string): void {
  const problem = milestoneNameProblem(name);
  if (problem !== undefined) throw new StrataError('INVALID_ARGUMENT', `"${name}" is not a valid milestone name: ${problem}`, { data: { name } });
}

function refuse(message: string, data: Record<string, unknown>, hint?: string): never {
  throw new StrataError('RELEASE_RULE', message, { data, ...(hint === undefined ? {} : { hint }) });
}

function line(v: SemVer): string {
  return `${v.major}.${v.minor}`;
}

/**
 * Checks that a milestone with this kind and semver may exist beside the others (`others` excludes the
 * milestone itself, for a promotion). RELEASE_RULE naming the rule otherwise; INVALID_ARGUMENT for a
 * semver that does not parse.
 */
export function checkSemverRules(candidate: MilestoneFacts, others: readonly MilestoneFacts[]): void {
  const { name, type } = candidate;
  const shipped = SHIPPED_TYPES.includes(type);
  if (candidate.semver === undefined) {
    if (shipped) refuse(`a ${type} needs a semver: give --semver X.Y.Z`, { name, type }, `for example \`--semver 1.0.0\``);
    return;
  }
  const v = parseSemver(candidate.semver);
  const text = formatSemver(v);
  if (shipped && v.prerelease.length > 0) {
    refuse(`a ${type} semver has no pre-release tag: ${text} is a pre-release; ship ${formatSemver(withoutPrerelease(v))} instead`, { name, type, semver: text });
  }
  const withSemver = others.filter((o) => o.semver !== undefined).map((o) => ({ ...o, v: parseSemver(o.semver as string) }));
  const shippedOthers = withSemver.filter((o) => SHIPPED_TYPES.includes(o.type));
  if (shipped) {
    const twin = shippedOthers.find((o) => compareSemver(o.v, v) === 0);
    if (twin) refuse(`${text} has shipped already: ${twin.name} is the ${twin.type} of ${twin.semver}; a version is released once`, { name, type, semver: text, existing: twin.name }, 'give the next version, e.g. a higher patch number');
  }
  const same = withSemver.find((o) => o.semver === text);
  if (same) refuse(`the semver ${text} is already milestone ${same.name}'s (${same.type})`, { name, type, semver: text, existing: same.name });
  const newest = (list: typeof shippedOthers) => list.reduce<(typeof shippedOthers)[number] | undefined>((best, o) => (best === undefined || compareSemver(o.v, best.v) > 0 ? o : best), undefined);
  if (type === 'release') {
    const top = newest(shippedOthers);
    if (top && compareSemver(v, top.v) <= 0) {
      refuse(`the semver goes backwards: release ${text} is not greater than ${top.semver} (${top.type} ${top.name})`, { name, type, semver: text, newest: top.semver, existing: top.name });
    }
    return;
  }
  if (type === 'hotfix') {
    const releases = shippedOthers.filter((o) => o.type === 'release' && line(o.v) === line(v));
    if (releases.length === 0) {
      refuse(`a hotfix follows a release of its major.minor line: no release ${line(v)}.x exists for hotfix ${text}`, { name, type, semver: text }, 'create the release first, or give the semver of a released line');
    }
    const top = newest(shippedOthers.filter((o) => line(o.v) === line(v)));
    if (top && compareSemver(v, top.v) <= 0) {
      refuse(`the semver goes backwards: hotfix ${text} is not greater than ${top.semver} (${top.type} ${top.name}) on the ${line(v)} line`, { name, type, semver: text, newest: top.semver, existing: top.name });
    }
    return;
  }
  if (type === 'alpha' || type === 'beta' || type === 'rc') {
    const top = newest(shippedOthers.filter((o) => line(o.v) === line(v)));
    if (top && compareSemver(v, top.v) <= 0) {
      refuse(`the semver goes backwards: ${type} ${text} comes before ${top.semver}, which has shipped (${top.type} ${top.name})`, { name, type, semver: text, newest: top.semver, existing: top.name });
    }
  }
}

/** The outcome of a promotion: the new kind and semver. */
export interface PromotionPlan {
  from: MilestoneType;
  to: MilestoneType;
  semver?: string;
}

/**
 * Plans promoting `milestone` to `to` (with an optional new semver), checking the ladder and then the
 * semver rules against the other milestones. RELEASE_RULE when refused.
 */
export function planPromotion(milestone: MilestoneFacts, to: MilestoneType, others: readonly MilestoneFacts[], semver?: string): PromotionPlan {
  const from = milestone.type;
  const data = { name: milestone.name, from, to };
  if (!LADDER.includes(to)) {
    refuse(`a milestone is promoted to ${LADDER.join(', ')}; ${to} is a kind of its own: create a ${to} milestone instead`, data);
  }
  if (from === to) refuse(`${milestone.name} is already a ${to}`, data);
  if (LADDER.includes(from)) {
    if (LADDER.indexOf(to) < LADDER.indexOf(from)) {
      refuse(`promotion goes forward only (${LADDER.join(' < ')}): ${milestone.name} is a ${from}, and ${to} comes before it`, data, `create a new ${to} milestone instead`);
    }
  } else if (!PROMOTABLE_BUILDS.includes(from)) {
    refuse(`a ${from} is final and is not promoted: create a new ${to} milestone instead`, data);
  }
  let next = semver ?? milestone.semver;
  if (semver === undefined && next !== undefined && to === 'release') next = formatSemver(withoutPrerelease(parseSemver(next)));
  checkSemverRules({ name: milestone.name, type: to, semver: next }, others);
  return { from, to, ...(next === undefined ? {} : { semver: next }) };
}

/**
 * Whether `candidate` (of kind `type`) may be deleted without force: a shipped milestone (release,
 * hotfix) needs force, because players have it.
 */
export function deleteNeedsForce(type: MilestoneType): boolean {
  return SHIPPED_TYPES.includes(type);
}
