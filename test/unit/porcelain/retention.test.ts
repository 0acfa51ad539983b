import { describe, expect, it } from 'vitest';
import { StrataError } from '../../../plumbing/index.js';
import {
  applyRetentionPolicy,
  isEmptyPolicy,
  parseRetentionDuration,
  periodKey,
  subtractDuration,
  type RetentionPolicy,
  type RetentionVersion,
} from '../../../porcelain/core/retention.js';

/** A version at an ISO time (UTC); ids are the labels padded, so tests read by label. */
function v(label: string, iso: string, extra: Partial<RetentionVersion> = {}): RetentionVersion {
  return { id: label, time: Date.parse(iso), tags: [], milestone: false, ...extra };
}

const NOW = Date.parse('2030-01-01T00:00:00Z');

function kept(versions: RetentionVersion[], policy: RetentionPolicy, now = NOW): string[] {
  return applyRetentionPolicy({ versions, policy, now }).keep.map((d) => d.version.id);
}

function reasons(versions: RetentionVersion[], policy: RetentionPolicy, now = NOW): Record<string, string[]> {
  const r = applyRetentionPolicy({ versions, policy, now });
  return Object.fromEntries([...r.keep, ...r.remove].map((d) => [d.version.id, d.reasons]));
}

/** Reversed and rotated copies: the decision must not depend on input order. */
function orders<T>(list: T[]): T[][] {
  return [list, [...list].reverse(), [...list.slice(3), ...list.slice(0, 3)]];
}

// Two weeks of history, several versions on some days, none on others (all times UTC).
const HISTORY = [
  v('a', '2024-03-01T09:00:00Z'),
  v('b', '2024-03-01T17:00:00Z'),
  v('c', '2024-03-02T08:00:00Z'),
  v('d', '2024-03-04T10:15:00Z'),
  v('e', '2024-03-04T10:45:00Z'),
  v('f', '2024-03-04T11:05:00Z'),
  v('g', '2024-03-08T12:00:00Z'),
  v('h', '2024-03-11T07:00:00Z'),
  v('i', '2024-03-14T20:00:00Z'),
  v('j', '2024-03-14T21:00:00Z'),
];

describe('applyRetentionPolicy: each bucket', () => {
  it('--keep-last N keeps the N newest, whatever the input order', () => {
    for (const list of orders(HISTORY)) expect(kept(list, { keepLast: 3 })).toEqual(['j', 'i', 'h']);
  });

  it('results are newest first and keep/remove partition the input', () => {
    const r = applyRetentionPolicy({ versions: HISTORY, policy: { keepLast: 4 }, now: NOW });
    expect(r.keep.map((d) => d.version.id)).toEqual(['j', 'i', 'h', 'g']);
    expect(r.remove.map((d) => d.version.id)).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);
    expect(r.remove.every((d) => d.reasons.length === 0)).toBe(true);
  });

  it('--keep-hourly keeps the newest version of each of the last N hours that have one', () => {
    // Hours with versions, newest first: 03-14T21 (j), 03-14T20 (i), 03-11T07 (h), 03-08T12 (g), 03-04T11 (f), 03-04T10 (e newest of d, e).
    expect(kept(HISTORY, { keepHourly: 6 })).toEqual(['j', 'i', 'h', 'g', 'f', 'e']);
    expect(reasons(HISTORY, { keepHourly: 6 }).d).toEqual([]);
  });

  it('--keep-daily counts only days that have a version, and keeps the newest of each', () => {
    // Days: 14 (j), 11 (h), 8 (g), 4 (f), 2 (c), 1 (b).
    expect(kept(HISTORY, { keepDaily: 4 })).toEqual(['j', 'h', 'g', 'f']);
    expect(kept(HISTORY, { keepDaily: 6 })).toEqual(['j', 'h', 'g', 'f', 'c', 'b']);
  });

  it('--keep-weekly uses ISO weeks (Monday to Sunday)', () => {
    // ISO weeks: W11 (Mar 11..17: h, i, j), W10 (Mar 4..10: d..g), W09 (Feb 26..Mar 3: a, b, c).
    expect(kept(HISTORY, { keepWeekly: 2 })).toEqual(['j', 'g']);
    expect(kept(HISTORY, { keepWeekly: 3 })).toEqual(['j', 'g', 'c']);
  });

  it('ISO weeks across a year end: Sunday 2024-12-29 is 2024-W52, Monday 2024-12-30 is 2025-W01', () => {
    expect(periodKey('weekly', Date.parse('2024-12-29T23:00:00Z'))).toBe('2024-W52');
    expect(periodKey('weekly', Date.parse('2024-12-30T01:00:00Z'))).toBe('2025-W1');
    expect(periodKey('weekly', Date.parse('2026-01-01T00:00:00Z'))).toBe('2026-W1');
    expect(periodKey('weekly', Date.parse('2021-01-03T00:00:00Z'))).toBe('2020-W53');
    const list = [v('sun', '2024-12-29T23:00:00Z'), v('mon', '2024-12-30T01:00:00Z'), v('sat', '2024-12-28T12:00:00Z')];
    expect(kept(list, { keepWeekly: 2 })).toEqual(['mon', 'sun']);
  });

  it('--keep-monthly and --keep-yearly', () => {
    const list = [
      v('y22', '2022-06-01T00:00:00Z'),
      v('y23a', '2023-01-15T00:00:00Z'),
      v('y23b', '2023-11-30T00:00:00Z'),
      v('jan', '2024-01-31T23:59:59Z'),
      v('feb1', '2024-02-01T00:00:00Z'),
      v('feb2', '2024-02-20T00:00:00Z'),
      v('mar', '2024-03-05T00:00:00Z'),
    ];
    expect(kept(list, { keepMonthly: 3 })).toEqual(['mar', 'feb2', 'jan']);
    expect(kept(list, { keepYearly: 2 })).toEqual(['mar', 'y23b']);
    expect(kept(list, { keepYearly: 3 })).toEqual(['mar', 'y23b', 'y22']);
  });

  it('-1 keeps one version in every period (and, having room left, the oldest)', () => {
    expect(kept(HISTORY, { keepDaily: -1 })).toEqual(['j', 'h', 'g', 'f', 'c', 'b', 'a']);
    expect(reasons(HISTORY, { keepDaily: -1 }).e).toEqual([]);
    expect(kept(HISTORY, { keepLast: -1 })).toHaveLength(HISTORY.length);
  });

  it('a bucket with room left also keeps the oldest version (restic), and says so', () => {
    // Six days have versions; ten are allowed: the oldest version (a) is kept as well.
    expect(kept(HISTORY, { keepDaily: 10 })).toEqual(['j', 'h', 'g', 'f', 'c', 'b', 'a']);
    expect(reasons(HISTORY, { keepDaily: 10 }).a).toEqual(['daily (oldest)']);
    // With no room left, it is not.
    expect(kept(HISTORY, { keepDaily: 6 })).not.toContain('a');
  });

  it('periods are UTC whatever the local time zone', () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      // 23:30 and 00:30 UTC are different UTC days, though the same day in Los Angeles.
      const list = [v('late', '2024-05-01T23:30:00Z'), v('early', '2024-05-02T00:30:00Z')];
      expect(kept(list, { keepDaily: 2 })).toEqual(['early', 'late']);
      expect(periodKey('daily', Date.parse('2024-05-01T23:30:00Z'))).toBe('2024-5-1');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

describe('applyRetentionPolicy: combinations and ties', () => {
  it('buckets combine as a union and each kept version lists every reason', () => {
    const r = reasons(HISTORY, { keepLast: 2, keepDaily: 3, keepWeekly: 2 });
    expect(kept(HISTORY, { keepLast: 2, keepDaily: 3, keepWeekly: 2 })).toEqual(['j', 'i', 'h', 'g']);
    expect(r.j).toEqual(['last', 'daily', 'weekly']);
    expect(r.i).toEqual(['last']);
    expect(r.h).toEqual(['daily']);
    expect(r.g).toEqual(['daily', 'weekly']);
  });

  it('buckets count independently (the same version may use several)', () => {
    expect(kept(HISTORY, { keepLast: 1, keepHourly: 1, keepDaily: 1 })).toEqual(['j']);
  });

  it('equal times: the smaller id counts as the newer, in any input order', () => {
    const t = '2024-07-01T12:00:00Z';
    const list = [v('m', t), v('k', t), v('z', t), v('older', '2024-07-01T11:00:00Z')];
    for (const l of orders(list)) {
      expect(kept(l, { keepLast: 1 })).toEqual(['k']);
      expect(kept(l, { keepDaily: 1 })).toEqual(['k']);
      expect(applyRetentionPolicy({ versions: l, policy: { keepLast: 1 }, now: NOW }).remove.map((d) => d.version.id)).toEqual(['m', 'z', 'older']);
    }
  });

  it('an empty list keeps and removes nothing', () => {
    expect(applyRetentionPolicy({ versions: [], policy: { keepLast: 3, keepWithin: '2w' }, now: NOW })).toEqual({ keep: [], remove: [] });
  });
});

describe('applyRetentionPolicy: protection', () => {
  it('milestones are always kept, and do not consume a bucket by being milestones', () => {
    const list = HISTORY.map((x) => (x.id === 'a' || x.id === 'i' ? { ...x, milestone: true } : x));
    expect(kept(list, { keepLast: 1 })).toEqual(['j', 'i', 'a']);
    expect(reasons(list, { keepLast: 1 }).a).toEqual(['milestone']);
    expect(reasons(list, { keepLast: 2 }).i).toEqual(['milestone', 'last']);
  });

  it('versions named by a tag ref or a branch head are always kept', () => {
    const list = HISTORY.map((x) => (x.id === 'c' ? { ...x, refs: ['refs/tags/v1'] } : x.id === 'e' ? { ...x, refs: ['refs/heads/art', 'refs/tags/beta'] } : x));
    expect(kept(list, { keepLast: 1 })).toEqual(['j', 'e', 'c']);
    expect(reasons(list, { keepLast: 1 }).e).toEqual(['ref refs/heads/art', 'ref refs/tags/beta']);
  });

  it('--keep-tag keeps versions carrying the tag; "a,b" needs both; several entries are alternatives', () => {
    const list = [
      v('t1', '2024-01-01T00:00:00Z', { tags: ['release'] }),
      v('t2', '2024-01-02T00:00:00Z', { tags: ['nightly', 'release'] }),
      v('t3', '2024-01-03T00:00:00Z', { tags: ['nightly'] }),
      v('t4', '2024-01-04T00:00:00Z'),
    ];
    expect(kept(list, { keepTags: ['release'] })).toEqual(['t2', 't1']);
    expect(kept(list, { keepTags: ['release,nightly'] })).toEqual(['t2']);
    expect(kept(list, { keepTags: ['release,nightly', 'nightly'] })).toEqual(['t3', 't2']);
    expect(reasons(list, { keepTags: ['release', 'nightly'] }).t2).toEqual(['tag release', 'tag nightly']);
    // Tagged versions do not use up --keep-last.
    expect(kept(list, { keepTags: ['release'], keepLast: 1 })).toEqual(['t4', 't2', 't1']);
  });
});

describe('applyRetentionPolicy: --keep-within', () => {
  it('keeps everything newer than the duration before the newest version (not before now)', () => {
    // Newest: j at 03-14T21:00. 1w before: 03-07T21:00, so g (03-08), h, i, j.
    expect(kept(HISTORY, { keepWithin: '1w' })).toEqual(['j', 'i', 'h', 'g']);
    expect(reasons(HISTORY, { keepWithin: '1w' }).g).toEqual(['within 1w']);
    // 2w before 03-14T21:00 is 02-29T21:00 (2024 is a leap year): everything; 13d is 03-01T21:00.
    expect(kept(HISTORY, { keepWithin: '2w' })).toHaveLength(HISTORY.length);
    expect(kept(HISTORY, { keepWithin: '13d' })).toEqual(['j', 'i', 'h', 'g', 'f', 'e', 'd', 'c']);
  });

  it('the boundary is exclusive: a version exactly that long before the newest is not kept by it', () => {
    const list = [v('new', '2024-03-15T00:00:00Z'), v('edge', '2024-03-14T00:00:00Z'), v('inside', '2024-03-14T00:00:00.001Z')];
    expect(kept(list, { keepWithin: '1d' })).toEqual(['new', 'inside']);
  });

  it('a version in the future does not move the window', () => {
    const list = [...HISTORY, v('future', '2031-01-01T00:00:00Z')];
    expect(kept(list, { keepWithin: '1w' })).toEqual(['future', 'j', 'i', 'h', 'g']);
  });

  it('years and months are calendar arithmetic', () => {
    const list = [v('new', '2024-03-31T12:00:00Z'), v('feb29', '2024-02-29T12:00:00Z'), v('mar2', '2024-03-02T12:00:00Z'), v('mar3', '2024-03-03T12:00:00Z')];
    // One month before March 31 is "February 31", which is March 2 (as in Go's AddDate).
    expect(kept(list, { keepWithin: '1mo' })).toEqual(['new', 'mar3']);
    expect(subtractDuration(Date.parse('2024-02-29T00:00:00Z'), parseRetentionDuration('1y'))).toBe(Date.parse('2023-03-01T00:00:00Z'));
    expect(subtractDuration(Date.parse('2024-03-31T12:00:00Z'), parseRetentionDuration('1y1mo2d3h'))).toBe(Date.parse('2023-02-29T09:00:00Z'));
  });

  it('--keep-within-daily keeps the newest version of each day inside the window', () => {
    // Window of 4 days before j (03-10T21:00): days 14 (j) and 11 (h).
    expect(kept(HISTORY, { keepWithinDaily: '4d' })).toEqual(['j', 'h']);
    expect(reasons(HISTORY, { keepWithinDaily: '4d' }).h).toEqual(['daily within 4d']);
    expect(kept(HISTORY, { keepWithinHourly: '12h' })).toEqual(['j', 'i']);
    expect(kept(HISTORY, { keepWithinWeekly: '3w' })).toEqual(['j', 'g', 'c']);
  });
});

describe('policies and durations', () => {
  it('an empty policy keeps everything (forget refuses to run without one)', () => {
    expect(isEmptyPolicy({})).toBe(true);
    expect(isEmptyPolicy({ keepLast: 0, keepTags: [''] })).toBe(true);
    expect(isEmptyPolicy({ keepTags: ['x'] })).toBe(false);
    expect(isEmptyPolicy({ keepWithin: '1d' })).toBe(false);
    expect(isEmptyPolicy({ keepYearly: -1 })).toBe(false);
    const r = applyRetentionPolicy({ versions: HISTORY, policy: {}, now: NOW });
    expect(r.remove).toEqual([]);
    expect(r.keep[0]?.reasons).toEqual(['no policy']);
  });

  it('refuses counts that are not whole numbers of at least -1', () => {
    for (const bad of [-2, 1.5, Number.NaN]) {
      expect(() => applyRetentionPolicy({ versions: HISTORY, policy: { keepDaily: bad }, now: NOW })).toThrow(/keep-daily/);
    }
  });

  it('parses durations', () => {
    expect(parseRetentionDuration('2w')).toEqual({ years: 0, months: 0, ms: 14 * 86_400_000 });
    expect(parseRetentionDuration('1y6mo')).toEqual({ years: 1, months: 6, ms: 0 });
    expect(parseRetentionDuration('3d12h')).toEqual({ years: 0, months: 0, ms: 3.5 * 86_400_000 });
    expect(parseRetentionDuration(' 90MIN ')).toEqual({ years: 0, months: 0, ms: 90 * 60_000 });
  });

  it('refuses an ambiguous "m" and anything else that is not a duration, as usage errors', () => {
    const fail = (text: string) => {
      try {
        parseRetentionDuration(text);
      } catch (err) {
        expect(err).toBeInstanceOf(StrataError);
        return (err as StrataError).code + ' ' + (err as StrataError).message;
      }
      throw new Error(`${text} was accepted`);
    };
    expect(fail('6m')).toMatch(/^USAGE .*ambiguous.*mo.*min/);
    for (const bad of ['', 'w', '2', '2x', '2w3', '-1d', '1.5d', 'two weeks']) expect(fail(bad)).toMatch(/^USAGE .*not a duration/);
    expect(() => applyRetentionPolicy({ versions: HISTORY, policy: { keepWithin: 'soon' }, now: NOW })).toThrow(/not a duration/);
  });
});
