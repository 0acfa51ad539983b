/**
 * Retention policies: which versions a `forget` keeps. Pure: versions and a policy in, a decision out.
 *
 * The semantics are restic's (`restic forget`), with periods in UTC:
 * - versions are ordered newest first (equal times: the smaller id counts as the newer, so the result
 *   never depends on input order);
 * - `keepLast` keeps the N newest; each of `keepHourly`, `keepDaily`, `keepWeekly` (ISO weeks),
 *   `keepMonthly` and `keepYearly` keeps the newest version of each of the last N periods that have a
 *   version; -1 means no limit. When a bucket still has room after the last version, the oldest version
 *   is kept too (restic >= 0.16: it maximises the history kept);
 * - `keepWithin` keeps every version newer than the duration before the newest version (the newest
 *   that is not in the future), and `keepWithinHourly` … `keepWithinYearly` keep the newest version of
 *   each period inside such a window;
 * - `keepTags` keeps versions carrying a tag; an entry `a,b` needs both tags;
 * - milestones, pinned versions (`refs/pins/`, reason `pinned`), and versions that a ref other than
 *   their own `refs/versions/` ref names (a tag, a branch head), are always kept.
 * A version may be kept for several reasons; all are listed.
 */
import { StrataError } from '../../plumbing/index.js';

export interface RetentionPolicy {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  /** A duration such as `2w`, `30d`, `36h`, `1y6mo` (see parseRetentionDuration). */
  keepWithin?: string;
  keepWithinHourly?: string;
  keepWithinDaily?: string;
  keepWithinWeekly?: string;
  keepWithinMonthly?: string;
  keepWithinYearly?: string;
  /** Keep versions carrying these tags; `a,b` requires both. */
  keepTags?: string[];
}

export interface RetentionVersion {
  id: string;
  /** Milliseconds since the epoch. */
  time: number;
  tags: readonly string[];
  milestone: boolean;
  /** A pin (`refs/pins/<owner>/<name>`) names it: kept whatever the policy. */
  pinned?: boolean;
  /** Refs other than the version's own `refs/versions/` ref that name it (tags, branch heads, …). */
  refs?: readonly string[];
}

export interface RetentionDecision<V extends RetentionVersion = RetentionVersion> {
  version: V;
  /** Why it is kept (empty for a removed version), e.g. `daily`, `within 2w`, `tag release`, `milestone`. */
  reasons: string[];
}

export interface RetentionResult<V extends RetentionVersion = RetentionVersion> {
  /** Kept versions, newest first. */
  keep: Array<RetentionDecision<V>>;
  /** Versions to forget, newest first. */
  remove: Array<RetentionDecision<V>>;
}

export interface ApplyRetentionOptions<V extends RetentionVersion> {
  versions: readonly V[];
  policy: RetentionPolicy;
  /** The current time, ms: a version in the future does not count as the newest for the windows. */
  now: number;
}

/** A calendar duration: years and months are calendar arithmetic (UTC), the rest fixed lengths. */
export interface RetentionDuration {
  years: number;
  months: number;
  /** Weeks, days, hours and minutes, in milliseconds. */
  ms: number;
}

const COUNT_BUCKETS = [
  ['keepLast', 'last'],
  ['keepHourly', 'hourly'],
  ['keepDaily', 'daily'],
  ['keepWeekly', 'weekly'],
  ['keepMonthly', 'monthly'],
  ['keepYearly', 'yearly'],
] as const;

const WITHIN_BUCKETS = [
  ['keepWithinHourly', 'hourly'],
  ['keepWithinDaily', 'daily'],
  ['keepWithinWeekly', 'weekly'],
  ['keepWithinMonthly', 'monthly'],
  ['keepWithinYearly', 'yearly'],
] as const;

type Period = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

const UNIT_MS: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, min: 60_000 };

/**
 * Parses a retention duration: one or more `<integer><unit>` with units `y` (years), `mo` (months),
 * `w`, `d`, `h` and `min`, e.g. `2w`, `1y6mo`, `3d12h`. A bare `m` is refused: restic reads it as
 * months and strata's other durations as minutes, and a wrong guess would forget versions.
 */
export function parseRetentionDuration(text: string): RetentionDuration {
  const t = text.trim().toLowerCase();
  const out: RetentionDuration = { years: 0, months: 0, ms: 0 };
  const re = /(\d+)(y|mo|w|d|h|min|m)/gy;
  let pos = 0;
  let m: RegExpExecArray | null;
  while (pos < t.length && (m = re.exec(t)) !== null) {
    const n = Number(m[1]);
    const unit = m[2] as string;
    if (unit === 'm') {
      throw new StrataError('USAGE', `"${text}": "m" is ambiguous; write "mo" for months or "min" for minutes`);
    }
    if (unit === 'y') out.years += n;
    else if (unit === 'mo') out.months += n;
    else out.ms += n * (UNIT_MS[unit] as number);
    pos = re.lastIndex;
  }
  if (t === '' || pos !== t.length) {
    throw new StrataError('USAGE', `"${text}" is not a duration: use a number and a unit (y, mo, w, d, h, min), e.g. 2w, 30d, 1y6mo`);
  }
  return out;
}

/** The time `duration` before `time` (calendar years and months, then fixed lengths), in ms. */
export function subtractDuration(time: number, duration: RetentionDuration): number {
  const d = new Date(time);
  if (duration.years !== 0 || duration.months !== 0) {
    d.setUTCFullYear(d.getUTCFullYear() - duration.years, d.getUTCMonth() - duration.months);
  }
  return d.getTime() - duration.ms;
}

/** Midnight UTC of a date (Date.UTC would read years 0..99 as 1900..1999). */
function utcDate(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

/** ISO 8601 week-numbering year and week of a UTC time. */
function isoWeek(time: number): { year: number; week: number } {
  const d = new Date(time);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  // The Thursday of this week decides the year.
  const thursday = utcDate(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - utcDate(year, 0, 1)) / (7 * 86_400_000));
  return { year, week };
}

/** The period a time falls in, as a comparable key (UTC). */
export function periodKey(period: Period, time: number): string {
  const d = new Date(time);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth() + 1;
  switch (period) {
    case 'yearly':
      return `${y}`;
    case 'monthly':
      return `${y}-${mo}`;
    case 'weekly': {
      const w = isoWeek(time);
      return `${w.year}-W${w.week}`;
    }
    case 'daily':
      return `${y}-${mo}-${d.getUTCDate()}`;
    case 'hourly':
      return `${y}-${mo}-${d.getUTCDate()}T${d.getUTCHours()}`;
  }
}

function checkCount(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < -1) {
    throw new StrataError('USAGE', `${name}: ${value} is not a count (a whole number; -1 keeps every period)`);
  }
  return value;
}

/** True when the policy keeps nothing by itself (no count, window or tag is set). */
export function isEmptyPolicy(policy: RetentionPolicy): boolean {
  const counts = COUNT_BUCKETS.some(([k]) => (policy[k] ?? 0) !== 0);
  const windows = policy.keepWithin !== undefined || WITHIN_BUCKETS.some(([k]) => policy[k] !== undefined);
  const tags = (policy.keepTags ?? []).some((t) => t.trim() !== '');
  return !counts && !windows && !tags;
}

/** Newest first; equal times: the smaller id first. */
function newestFirst(a: RetentionVersion, b: RetentionVersion): number {
  if (a.time !== b.time) return b.time - a.time;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Decides which versions a policy keeps. An empty policy keeps everything (the caller refuses to
 * forget without one). Never keeps fewer than what milestones, refs and tags protect.
 */
export function applyRetentionPolicy<V extends RetentionVersion>(options: ApplyRetentionOptions<V>): RetentionResult<V> {
  const { policy } = options;
  const list = [...options.versions].sort(newestFirst);
  const counts = COUNT_BUCKETS.map(([key, reason]) => ({ left: checkCount(`--${kebab(key)}`, policy[key]), reason, last: undefined as string | undefined }));
  const within = policy.keepWithin === undefined ? undefined : { text: policy.keepWithin, duration: parseRetentionDuration(policy.keepWithin) };
  const windows = WITHIN_BUCKETS.flatMap(([key, period]) => {
    const text = policy[key];
    return text === undefined ? [] : [{ text, period, duration: parseRetentionDuration(text), last: undefined as string | undefined }];
  });
  const tagSets = (policy.keepTags ?? [])
    .map((t) => ({ text: t, tags: t.split(',').map((s) => s.trim()).filter((s) => s !== '') }))
    .filter((t) => t.tags.length > 0);
  const empty = isEmptyPolicy(policy);

  // The newest version that is not in the future anchors the windows.
  const notFuture = list.filter((v) => v.time <= options.now);
  const latest = (notFuture[0] ?? list[0])?.time ?? options.now;
  const withinCutoff = within ? subtractDuration(latest, within.duration) : undefined;

  const result: RetentionResult<V> = { keep: [], remove: [] };
  list.forEach((version, index) => {
    const reasons: string[] = [];
    if (empty) reasons.push('no policy');
    if (version.milestone) reasons.push('milestone');
    if (version.pinned) reasons.push('pinned');
    for (const ref of version.refs ?? []) reasons.push(`ref ${ref}`);
    for (const t of tagSets) {
      if (t.tags.every((tag) => version.tags.includes(tag))) reasons.push(`tag ${t.text}`);
    }
    if (within && withinCutoff !== undefined && version.time > withinCutoff) reasons.push(`within ${within.text}`);
    const oldest = index === list.length - 1;
    counts.forEach((bucket, i) => {
      if (bucket.left === 0) return;
      const key = i === 0 ? String(index) : periodKey(bucket.reason as Period, version.time);
      if (key !== bucket.last) {
        bucket.last = key;
        if (bucket.left > 0) bucket.left--;
        reasons.push(bucket.reason);
      } else if (oldest) {
        // restic: a bucket with room left also keeps the oldest version.
        if (bucket.left > 0) bucket.left--;
        reasons.push(`${bucket.reason} (oldest)`);
      }
    });
    for (const w of windows) {
      if (version.time <= subtractDuration(latest, w.duration)) continue;
      const key = periodKey(w.period, version.time);
      if (key === w.last) continue;
      w.last = key;
      reasons.push(`${w.period} within ${w.text}`);
    }
    (reasons.length > 0 ? result.keep : result.remove).push({ version, reasons });
  });
  return result;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
