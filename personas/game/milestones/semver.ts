/**
 * Semantic versions (semver.org 2.0.0): `MAJOR.MINOR.PATCH`, an optional `-prerelease` of dot-separated
 * identifiers and an optional `+build` of dot-separated identifiers. Pure.
 */
import { StrataError } from '../../../porcelain/index.js';

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers (`rc.1` -> ['rc', '1']); empty for a normal version. */
  prerelease: string[];
  /** Build metadata identifiers; ignored by precedence. */
  build: string[];
}

const NUMERIC = /^(0|[1-9]\d*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;
const SHAPE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

/** Why a text is not a semantic version, or undefined when it is one. */
export function semverProblem(text: string): string | undefined {
  const m = SHAPE.exec(text);
  if (!m) {
    if (/^v\d/.test(text)) return 'write it without the leading "v"';
    if (/^\d+(\.\d+)?$/.test(text)) return 'give all three numbers, MAJOR.MINOR.PATCH';
    if (/(^|\.)0\d/.test(text.split(/[-+]/)[0] ?? '')) return 'numbers have no leading zeros';
    return 'the form is MAJOR.MINOR.PATCH with an optional -prerelease and +build (e.g. 1.2.0, 1.2.0-rc.1, 1.2.0+build.7)';
  }
  for (const n of [m[1], m[2], m[3]]) if (!Number.isSafeInteger(Number(n))) return `${n} is too large`;
  const pre = m[4] === undefined ? [] : m[4].split('.');
  for (const id of pre) {
    if (id === '' || !IDENT.test(id)) return 'a pre-release identifier is empty';
    if (/^\d+$/.test(id) && !NUMERIC.test(id)) return `the numeric pre-release identifier "${id}" has a leading zero`;
  }
  const build = m[5] === undefined ? [] : m[5].split('.');
  if (build.some((id) => id === '')) return 'a build identifier is empty';
  return undefined;
}

/** Parses a semantic version; INVALID_ARGUMENT naming the problem. */
export function parseSemver(text: string): SemVer {
  const problem = semverProblem(text);
  if (problem !== undefined) throw new StrataError('INVALID_ARGUMENT', `"${text}" is not a semantic version: ${problem}`, { data: { semver: text } });
  const m = SHAPE.exec(text) as RegExpExecArray;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] === undefined ? [] : m[4].split('.'),
    build: m[5] === undefined ? [] : m[5].split('.'),
  };
}

export function formatSemver(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease.length > 0 ? `-${v.prerelease.join('.')}` : ''}${v.build.length > 0 ? `+${v.build.join('.')}` : ''}`;
}

function compareIdentifiers(a: string, b: string): number {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  if (an) return -1; // numeric identifiers have lower precedence than alphanumeric ones
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0; // ASCII order
}

/**
 * Semver precedence: -1, 0 or 1. Numbers compare numerically; a pre-release is lower than the normal
 * version; pre-releases compare identifier by identifier, a longer set winning a tie; build metadata
 * does not count (`1.0.0+a` and `1.0.0+b` are equal).
 */
export function compareSemver(a: SemVer | string, b: SemVer | string): number {
  const x = typeof a === 'string' ? parseSemver(a) : a;
  const y = typeof b === 'string' ? parseSemver(b) : b;
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
  }
  if (x.prerelease.length === 0 || y.prerelease.length === 0) {
    return x.prerelease.length === y.prerelease.length ? 0 : x.prerelease.length === 0 ? 1 : -1;
  }
  const n = Math.min(x.prerelease.length, y.prerelease.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(x.prerelease[i] as string, y.prerelease[i] as string);
    if (c !== 0) return c;
  }
  return Math.sign(x.prerelease.length - y.prerelease.length);
}

/** The normal version of a semver: its pre-release dropped (`1.0.0-rc.2+b7` -> `1.0.0+b7`). */
export function withoutPrerelease(v: SemVer): SemVer {
  return { ...v, prerelease: [] };
}
