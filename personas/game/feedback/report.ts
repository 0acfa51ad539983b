/**
 * The pure part of `feedback analyze` and `feedback report`: each item's categories and sentiment,
 * summaries of a set of items, and per-group (version or milestone) rows with the categories whose
 * share rose significantly from the group before. Pure.
 */
import { categorise, type CategoryRule } from './categories.js';
import type { FeedbackItem } from './item.js';
import { sentiment } from './sentiment.js';
import { holmAdjust, proportionTest, type PAdjustment, type SignificanceTest } from './stats.js';

/** An item with what analysis found. */
export interface AnalysedItem extends FeedbackItem {
  categories: string[];
  /** AFINN-165 score (sum), see sentiment.ts. */
  sentiment: number;
}

export function analyseItem(item: FeedbackItem, rules: readonly CategoryRule[]): AnalysedItem {
  return { ...item, categories: categorise(item.text, rules), sentiment: sentiment(item.text).score };
}

export interface CategoryCount {
  category: string;
  count: number;
  /** count / items. */
  share: number;
}

export interface FeedbackSummary {
  items: number;
  /** Mean rating of the items that have one (null: none has). */
  rating: { mean: number | null; n: number };
  /** Mean sentiment score; counts of positive (> 0), negative (< 0) and neutral items. */
  sentiment: { mean: number | null; positive: number; negative: number; neutral: number };
  /** Every category of the rules, in their order. */
  categories: CategoryCount[];
  /** Items with no category. */
  uncategorised: number;
}

export function summarise(items: readonly AnalysedItem[], categories: readonly string[]): FeedbackSummary {
  let ratingSum = 0;
  let ratingN = 0;
  let sentSum = 0;
  let positive = 0;
  let negative = 0;
  let uncategorised = 0;
  const counts = new Map<string, number>(categories.map((c) => [c, 0]));
  for (const it of items) {
    if (it.rating !== undefined) {
      ratingSum += it.rating;
      ratingN++;
    }
    sentSum += it.sentiment;
    if (it.sentiment > 0) positive++;
    else if (it.sentiment < 0) negative++;
    if (it.categories.length === 0) uncategorised++;
    for (const c of it.categories) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const n = items.length;
  return {
    items: n,
    rating: { mean: ratingN === 0 ? null : round(ratingSum / ratingN), n: ratingN },
    sentiment: { mean: n === 0 ? null : round(sentSum / n), positive, negative, neutral: n - positive - negative },
    categories: [...counts].map(([category, count]) => ({ category, count, share: n === 0 ? 0 : round(count / n) })),
    uncategorised,
  };
}

/** Four decimals: enough for shares and means, stable in JSON. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** A group of items: a version, or a milestone with the versions after it. */
export interface GroupInput {
  key: string;
  label: string;
  /** The version that stands for the group (a version group's own; a milestone's version). */
  version: string;
  time: number;
  milestone?: string;
  items: AnalysedItem[];
}

export interface CategoryRise {
  category: string;
  /** Items in the category, of all items, in this group and in the group before. */
  after: { hits: number; n: number; share: number };
  before: { hits: number; n: number; share: number };
  test: SignificanceTest;
  p: number;
  /** With an adjustment for many tests: the adjusted p-value (compared with alpha instead of p). */
  pAdjusted?: number;
  z?: number;
}

export interface ReportGroup extends FeedbackSummary {
  key: string;
  label: string;
  version: string;
  time: number;
  milestone?: string;
  /** The group compared with (the one before, in time). */
  previous?: { key: string; label: string; version: string };
  /** Categories whose share rose with p < alpha, smallest p first. */
  rises: CategoryRise[];
}

/**
 * Rows for groups in time order; each group's category shares are tested against the group before it
 * (one-sided: did the share rise?). With `adjust: 'holm'` the p-values of all those tests together are
 * adjusted by Holm's method before they are compared with alpha.
 */
export function buildReportGroups(groups: readonly GroupInput[], categories: readonly string[], test: SignificanceTest, alpha: number, adjust: PAdjustment = 'none'): ReportGroup[] {
  const ordered = [...groups].sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : 1));
  const rows: Array<{ group: GroupInput; summary: FeedbackSummary; previous?: GroupInput; tests: CategoryRise[] }> = [];
  let prev: { group: GroupInput; summary: FeedbackSummary } | undefined;
  for (const g of ordered) {
    const summary = summarise(g.items, categories);
    const tests: CategoryRise[] = [];
    if (prev && summary.items > 0 && prev.summary.items > 0) {
      for (const c of summary.categories) {
        const before = prev.summary.categories.find((x) => x.category === c.category)?.count ?? 0;
        const r = proportionTest(test, { hits: c.count, n: summary.items }, { hits: before, n: prev.summary.items });
        tests.push({
          category: c.category,
          after: { hits: c.count, n: summary.items, share: round(r.after) },
          before: { hits: before, n: prev.summary.items, share: round(r.before) },
          test,
          p: r.p,
          ...(r.z === undefined ? {} : { z: round(r.z) }),
        });
      }
    }
    rows.push({ group: g, summary, ...(prev ? { previous: prev.group } : {}), tests });
    if (summary.items > 0) prev = { group: g, summary };
  }
  if (adjust === 'holm') {
    const all = rows.flatMap((r) => r.tests);
    const adjusted = holmAdjust(all.map((t) => t.p));
    all.forEach((t, i) => {
      t.pAdjusted = adjusted[i] as number;
    });
  }
  return rows.map(({ group: g, summary, previous, tests }) => ({
    key: g.key,
    label: g.label,
    version: g.version,
    time: g.time,
    ...(g.milestone === undefined ? {} : { milestone: g.milestone }),
    ...(previous ? { previous: { key: previous.key, label: previous.label, version: previous.version } } : {}),
    ...summary,
    rises: tests.filter((t) => t.after.hits / t.after.n > t.before.hits / t.before.n && (t.pAdjusted ?? t.p) < alpha).sort((a, b) => a.p - b.p),
  }));
}
