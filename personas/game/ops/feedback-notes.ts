/**
 * The feedback section of release notes (a ReleaseNotesSectionProvider): the player feedback linked to
 * the versions after `from` up to `to` (by version time), with its rating, sentiment and categories, and
 * the categories that rose significantly at one of those versions (the report's test, default Fisher's
 * exact at 0.05). Nothing to say when no feedback is linked there.
 */
import { isStrataError, type Repository } from '../../../porcelain/index.js';
import type { ReleaseNotesSection, ReleaseNotesSectionProvider } from '../core/release-notes-sections.js';
import { feedbackReport } from './feedback-query.js';

export interface FeedbackNotesData {
  items: number;
  rating: { mean: number | null; n: number };
  sentiment: { mean: number | null };
  /** Categories with items, most first. */
  categories: Array<{ category: string; count: number; share: number }>;
  versions: Array<{ version: string; label: string; items: number }>;
  rises: Array<{ version: string; label: string; category: string; after: number; before: number; p: number }>;
}

/** The provider (settings from the project, as the feedback commands read them). */
export const feedbackNotesSection: ReleaseNotesSectionProvider = async (options: { repo: Repository; from: string; to: string }): Promise<ReleaseNotesSection | undefined> => {
  const { repo } = options;
  const [from, to] = await Promise.all([repo.objects.readVersion(options.from), repo.objects.readVersion(options.to)]);
  const lo = Math.min(from.time, to.time);
  const hi = Math.max(from.time, to.time);
  let report;
  try {
    report = await feedbackReport({ repo, by: 'version' });
  } catch (err) {
    // Broken feedback settings must not cost the rest of the notes.
    if (!isStrataError(err)) throw err;
    return { id: 'feedback', title: 'Player feedback', markdown: [`Player feedback could not be summarised: ${err.message}`], data: { error: { code: err.code, message: err.message } } };
  }
  const groups = report.groups.filter((g) => g.time > lo && g.time <= hi && g.items > 0);
  if (groups.length === 0) return undefined;
  let items = 0;
  let ratingSum = 0;
  let ratingN = 0;
  let sentSum = 0;
  const counts = new Map<string, number>();
  for (const g of groups) {
    items += g.items;
    if (g.rating.mean !== null) {
      ratingSum += g.rating.mean * g.rating.n;
      ratingN += g.rating.n;
    }
    sentSum += (g.sentiment.mean ?? 0) * g.items;
    for (const c of g.categories) counts.set(c.category, (counts.get(c.category) ?? 0) + c.count);
  }
  const round = (x: number): number => Math.round(x * 100) / 100;
  const data: FeedbackNotesData = {
    items,
    rating: { mean: ratingN === 0 ? null : round(ratingSum / ratingN), n: ratingN },
    sentiment: { mean: round(sentSum / items) },
    categories: [...counts].filter(([, n]) => n > 0).map(([category, count]) => ({ category, count, share: Math.round((count / items) * 1e4) / 1e4 })).sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : 1)),
    versions: groups.map((g) => ({ version: g.version, label: g.label, items: g.items })),
    rises: groups.flatMap((g) => g.rises.map((r) => ({ version: g.version, label: g.label, category: r.category, after: r.after.share, before: r.before.share, p: r.p }))),
  };
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const markdown = [
    `${items} player feedback item${items === 1 ? '' : 's'} on ${groups.length} version${groups.length === 1 ? '' : 's'} of this range; mean rating ${data.rating.mean ?? '-'}${ratingN > 0 ? ` (${ratingN} rated)` : ''}, mean sentiment ${data.sentiment.mean} (AFINN-165).`,
    '',
    ...(data.categories.length === 0 ? [] : ['| category | items | share |', '|---|---:|---:|', ...data.categories.map((c) => `| ${c.category} | ${c.count} | ${pct(c.share)} |`), '']),
    ...(data.rises.length === 0
      ? [`No category rose significantly (one-sided ${report.test === 'fisher' ? "Fisher's exact test" : 'two-proportion z-test'}, alpha ${report.alpha}).`]
      : data.rises.map((r) => `- **${r.category}** rose at ${r.label}: ${pct(r.after)} of its feedback, from ${pct(r.before)} (p = ${r.p < 0.0001 ? r.p.toExponential(2) : r.p.toFixed(4)}); see \`strata game feedback correlate ${r.category}\`.`)),
  ];
  return { id: 'feedback', title: 'Player feedback', markdown, data };
};
