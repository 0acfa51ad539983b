/**
 * Reading stored feedback: `list` / `query` (filters by version range, milestone, category, platform,
 * rating, time, text, player), `analyze` (categories and sentiment of the selection), `report --by
 * version|milestone` (per group counts, categories, sentiment, rating, and the categories that rose
 * significantly from the group before) and `correlate <category>` (for each version where it rose, what
 * changed since the version compared with, by porcelain's diff, ranked).
 */
import { StrataError, diffVersions, isStrataError, type Repository } from '../../../porcelain/index.js';
import { resolveVersionRef } from '../core/version-ref.js';
import type { CategoryRule } from '../feedback/categories.js';
import { parseFeedbackTime } from '../feedback/map.js';
import { pseudonymise } from '../feedback/pseudonym.js';
import { analyseItem, buildReportGroups, summarise, type AnalysedItem, type FeedbackSummary, type GroupInput, type ReportGroup } from '../feedback/report.js';
import { P_ADJUSTMENTS, SIGNIFICANCE_TESTS, type PAdjustment, type SignificanceTest } from '../feedback/stats.js';
import { assetGroupOf, type AssetGroup } from '../milestones/asset-groups.js';
import { fileChanges, type FileChange } from '../milestones/release-notes.js';
import { listMilestones, type MilestoneInfo } from './milestone.js';
import { loadFeedbackSecret, loadFeedbackSettings, readAllItems } from './feedback-store.js';

/** What selects items. Every criterion given must hold. */
export interface FeedbackFilter {
  /** Linked to this version (id, tag, branch or milestone). */
  version?: string;
  /** Linked to a version from `from` to `to` (inclusive, by version time); either end may be left open. */
  versionRange?: { from?: string; to?: string };
  /** In this milestone's span: linked to its version or a later one before the next milestone. */
  milestone?: string;
  /** Has one of these categories. */
  category?: string[];
  /** On one of these platforms (without regard to case). */
  platform?: string[];
  /** A rating condition: `5`, `>=4`, `<3`, `1-2`. */
  rating?: string;
  /** Written at or after / before this time (ms, or a date). */
  since?: number | string;
  until?: number | string;
  /** Text containing this, without regard to case. */
  text?: string;
  /** By this player (the identifier as the player gave it; matched by pseudonym). */
  player?: string;
  /** Only unlinked items (true) or only linked ones (false). */
  unlinked?: boolean;
  /** Having this tag. */
  tag?: string;
}

export interface QueryFeedbackOptions {
  repo: Repository;
  filter?: FeedbackFilter;
  /** At most this many items (newest first); default all. */
  limit?: number;
  /** A settings file (for the category rules). */
  config?: string;
}

export interface QueriedItem extends AnalysedItem {
  /** The linked version's time, its name (the milestone naming it, else a tag) and the milestone whose span holds it. */
  versionTime?: number;
  versionLabel?: string;
  milestone?: string;
}

export interface QueryFeedbackResult {
  /** Items matching, before the limit. */
  total: number;
  items: QueriedItem[];
}

/** What every reading command loads once: the items analysed, version times, milestones. */
interface Loaded {
  items: QueriedItem[];
  rules: CategoryRule[];
  milestones: MilestoneInfo[];
  times: Map<string, number | undefined>;
  rulesSource?: string;
  labels: Map<string, string>;
}

async function load(repo: Repository, config: string | undefined): Promise<Loaded> {
  const settings = await loadFeedbackSettings({ repo, ...(config === undefined ? {} : { config }) });
  const raw = await readAllItems(repo);
  const milestones = await listMilestones({ repo });
  const times = new Map<string, number | undefined>();
  for (const it of raw) {
    if (it.version === undefined || times.has(it.version)) continue;
    try {
      times.set(it.version, (await repo.objects.readVersion(it.version)).time);
    } catch (err) {
      // Retention forgot the version: the item keeps its link, without a time.
      if (!(isStrataError(err) && (err.code === 'OBJECT_MISSING' || err.code === 'OBJECT_CORRUPT'))) throw err;
      times.set(it.version, undefined);
    }
  }
  const labels = await versionLabels(repo, milestones);
  const items = raw.map((it): QueriedItem => {
    const a = analyseItem(it, settings.rules);
    const vt = it.version === undefined ? undefined : times.get(it.version);
    const m = vt === undefined ? undefined : milestoneAt(milestones, vt);
    const label = it.version === undefined ? undefined : labels.get(it.version);
    return { ...a, ...(vt === undefined ? {} : { versionTime: vt }), ...(label === undefined ? {} : { versionLabel: label }), ...(m === undefined ? {} : { milestone: m.name }) };
  });
  return { items, rules: settings.rules, milestones, times, labels, ...(settings.source === undefined ? {} : { rulesSource: settings.source }) };
}

/** The newest milestone at or before a version time (milestones sorted by version time). */
function milestoneAt(milestones: readonly MilestoneInfo[], time: number): MilestoneInfo | undefined {
  let found: MilestoneInfo | undefined;
  for (const m of milestones) {
    if (m.versionTime <= time) found = m;
    else break;
  }
  return found;
}

/** Parses a rating condition into a test; INVALID_ARGUMENT for anything else. */
export function parseRatingFilter(spec: string): (r: number) => boolean {
  const s = spec.replace(/\s+/g, '');
  let m = /^(<=|>=|<|>|=)?(-?\d+(?:\.\d+)?)$/.exec(s);
  if (m) {
    const v = Number(m[2]);
    const op = m[1] ?? '=';
    return op === '<=' ? (r) => r <= v : op === '>=' ? (r) => r >= v : op === '<' ? (r) => r < v : op === '>' ? (r) => r > v : (r) => r === v;
  }
  m = /^(-?\d+(?:\.\d+)?)(?:-|\.\.)(-?\d+(?:\.\d+)?)$/.exec(s);
  if (m) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    return (r) => r >= lo && r <= hi;
  }
  throw new StrataError('INVALID_ARGUMENT', `--rating ${spec}: give a number, a comparison (>=4, <3) or a range (1-2)`);
}

function timeOf(v: number | string, what: string): number {
  const t = typeof v === 'number' ? v : parseFeedbackTime(v);
  if (t === undefined) throw new StrataError('INVALID_ARGUMENT', `--${what} ${String(v)} is not a date (ISO 8601, or seconds or ms since 1970)`);
  return t;
}

/** Builds the predicate of a filter (resolving references and checking names first). */
async function compileFilter(repo: Repository, loaded: Loaded, f: FeedbackFilter): Promise<(it: QueriedItem) => boolean> {
  const tests: Array<(it: QueriedItem) => boolean> = [];
  if (f.version !== undefined) {
    const id = (await resolveVersionRef({ repo, ref: f.version })).id;
    tests.push((it) => it.version === id);
  }
  if (f.versionRange !== undefined) {
    const lo = f.versionRange.from === undefined ? -Infinity : (await resolveVersionRef({ repo, ref: f.versionRange.from })).time;
    const hi = f.versionRange.to === undefined ? Infinity : (await resolveVersionRef({ repo, ref: f.versionRange.to })).time;
    tests.push((it) => it.versionTime !== undefined && it.versionTime >= lo && it.versionTime <= hi);
  }
  if (f.milestone !== undefined) {
    const wanted = f.milestone.toLowerCase();
    const m = loaded.milestones.find((x) => x.name.toLowerCase() === wanted);
    if (!m) throw new StrataError('UNKNOWN_MILESTONE', `there is no milestone ${f.milestone}`, { hint: 'list them with `strata game milestone list`', data: { name: f.milestone } });
    tests.push((it) => it.milestone === m.name);
  }
  if (f.category !== undefined && f.category.length > 0) {
    const names = new Set(loaded.rules.map((r) => r.name));
    for (const c of f.category) {
      if (!names.has(c)) throw new StrataError('INVALID_ARGUMENT', `there is no category "${c}" (categories: ${[...names].join(', ')})`);
    }
    const want = new Set(f.category);
    tests.push((it) => it.categories.some((c) => want.has(c)));
  }
  if (f.platform !== undefined && f.platform.length > 0) {
    const want = new Set(f.platform.map((p) => p.toLowerCase()));
    tests.push((it) => it.platform !== undefined && want.has(it.platform.toLowerCase()));
  }
  if (f.rating !== undefined) {
    const ok = parseRatingFilter(f.rating);
    tests.push((it) => it.rating !== undefined && ok(it.rating));
  }
  if (f.since !== undefined) {
    const t = timeOf(f.since, 'since');
    tests.push((it) => it.time !== undefined && it.time >= t);
  }
  if (f.until !== undefined) {
    const t = timeOf(f.until, 'until');
    tests.push((it) => it.time !== undefined && it.time < t);
  }
  if (f.text !== undefined) {
    const needle = f.text.toLowerCase();
    tests.push((it) => it.text.toLowerCase().includes(needle));
  }
  if (f.player !== undefined) {
    const secret = await loadFeedbackSecret({ repo, create: false });
    const p = secret.length === 0 ? '' : pseudonymise(secret, f.player);
    tests.push((it) => it.player === p);
  }
  if (f.unlinked !== undefined) {
    const want = f.unlinked;
    tests.push((it) => (it.version === undefined) === want);
  }
  if (f.tag !== undefined) {
    const tag = f.tag;
    tests.push((it) => it.tags.includes(tag));
  }
  return (it) => tests.every((t) => t(it));
}

function newestFirst(a: QueriedItem, b: QueriedItem): number {
  return (b.time ?? -Infinity) - (a.time ?? -Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Items matching a filter, newest first (items without a time last). */
export async function queryFeedback(options: QueryFeedbackOptions): Promise<QueryFeedbackResult> {
  const { repo } = options;
  const loaded = await load(repo, options.config);
  const keep = await compileFilter(repo, loaded, options.filter ?? {});
  const found = loaded.items.filter(keep).sort(newestFirst);
  return { total: found.length, items: options.limit === undefined ? found : found.slice(0, options.limit) };
}

export interface AnalyzeFeedbackOptions extends QueryFeedbackOptions {
  /** Also return each item's categories and sentiment. */
  withItems?: boolean;
}

export interface AnalyzeFeedbackResult extends FeedbackSummary {
  /** The rules used: each category's patterns. */
  rules: Array<{ category: string; patterns: string[] }>;
  rulesSource?: string;
  lexicon: 'AFINN-165';
  list?: Array<{ id: string; categories: string[]; sentiment: number; text: string }>;
}

/** Categories and sentiment of the selected items. */
export async function analyzeFeedback(options: AnalyzeFeedbackOptions): Promise<AnalyzeFeedbackResult> {
  const { repo } = options;
  const loaded = await load(repo, options.config);
  const keep = await compileFilter(repo, loaded, options.filter ?? {});
  const found = loaded.items.filter(keep).sort(newestFirst);
  const summary = summarise(found, loaded.rules.map((r) => r.name));
  const list = options.withItems === true ? (options.limit === undefined ? found : found.slice(0, options.limit)).map((it) => ({ id: it.id, categories: it.categories, sentiment: it.sentiment, text: it.text })) : undefined;
  return {
    ...summary,
    rules: loaded.rules.map((r) => ({ category: r.name, patterns: r.patterns })),
    ...(loaded.rulesSource === undefined ? {} : { rulesSource: loaded.rulesSource }),
    lexicon: 'AFINN-165',
    ...(list === undefined ? {} : { list }),
  };
}

export interface FeedbackReportOptions {
  repo: Repository;
  by: 'version' | 'milestone';
  filter?: FeedbackFilter;
  test?: SignificanceTest;
  /** Significance level (default 0.05). */
  alpha?: number;
  /** Adjust the p-values of all the report's tests for their number (default none). */
  adjust?: PAdjustment;
  config?: string;
}

export interface FeedbackReportResult {
  by: 'version' | 'milestone';
  test: SignificanceTest;
  alpha: number;
  adjust: PAdjustment;
  categories: string[];
  /** Groups oldest first. */
  groups: ReportGroup[];
  /** Selected items with no group: unlinked, linked to a forgotten version, or (by milestone) before the first milestone. */
  ungrouped: number;
  /** Every selected item together. */
  total: FeedbackSummary;
}

function checkTest(test: string | undefined, alpha: number | undefined, adjust: string | undefined): { test: SignificanceTest; alpha: number; adjust: PAdjustment } {
  const t = (test ?? 'fisher') as SignificanceTest;
  if (!SIGNIFICANCE_TESTS.includes(t)) throw new StrataError('INVALID_ARGUMENT', `--test ${test ?? ''}: one of ${SIGNIFICANCE_TESTS.join(', ')}`);
  const a = alpha ?? 0.05;
  if (!(a > 0 && a < 1)) throw new StrataError('INVALID_ARGUMENT', `--alpha ${a}: a significance level between 0 and 1 (exclusive)`);
  const adj = (adjust ?? 'none') as PAdjustment;
  if (!P_ADJUSTMENTS.includes(adj)) throw new StrataError('INVALID_ARGUMENT', `--adjust ${adjust ?? ''}: one of ${P_ADJUSTMENTS.join(', ')}`);
  return { test: t, alpha: a, adjust: adj };
}

/** Per-version or per-milestone rows, and the categories that rose significantly. */
export async function feedbackReport(options: FeedbackReportOptions): Promise<FeedbackReportResult> {
  const { repo, by } = options;
  const { test, alpha, adjust } = checkTest(options.test, options.alpha, options.adjust);
  const loaded = await load(repo, options.config);
  const keep = await compileFilter(repo, loaded, options.filter ?? {});
  const selected = loaded.items.filter(keep);
  const categories = loaded.rules.map((r) => r.name);
  const groups = new Map<string, GroupInput>();
  let ungrouped = 0;
  const labels = loaded.labels;
  for (const it of selected) {
    if (it.version === undefined || it.versionTime === undefined || (by === 'milestone' && it.milestone === undefined)) {
      ungrouped++;
      continue;
    }
    let key: string;
    let g: GroupInput | undefined;
    if (by === 'version') {
      key = it.version;
      g = groups.get(key);
      if (!g) groups.set(key, (g = { key, label: labels.get(key) ?? key.slice(0, 12), version: key, time: it.versionTime, items: [] }));
    } else {
      const m = loaded.milestones.find((x) => x.name === it.milestone) as MilestoneInfo;
      key = m.name;
      g = groups.get(key);
      if (!g) groups.set(key, (g = { key, label: m.name, version: m.version, time: m.versionTime, milestone: m.name, items: [] }));
    }
    g.items.push(it);
  }
  return { by, test, alpha, adjust, categories, groups: buildReportGroups([...groups.values()], categories, test, alpha, adjust), ungrouped, total: summarise(selected, categories) };
}

/** A readable label of versions: the milestone naming it, else its first tag. */
async function versionLabels(repo: Repository, milestones: readonly MilestoneInfo[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const m of milestones) if (!out.has(m.version)) out.set(m.version, m.name);
  for (const name of await repo.refs.list('refs/tags/')) {
    const r = await repo.refs.resolve(name);
    if (r?.id && !out.has(r.id)) out.set(r.id, name.slice('refs/tags/'.length));
  }
  return out;
}

export interface CorrelateFeedbackOptions extends Omit<FeedbackReportOptions, 'by'> {
  category: string;
  /** Files listed per version (default all). */
  fileLimit?: number;
}

export interface CorrelatedVersion {
  version: string;
  label: string;
  time: number;
  /** The version compared with (the one before that has feedback). */
  previous: { version: string; label: string };
  rise: ReportGroup['rises'][number];
  /** Files changed from the previous version to this one. */
  files: FileChange[];
  /** Changed files per asset group, most first. */
  groups: Array<{ group: AssetGroup; files: number }>;
}

export interface CorrelateFeedbackResult {
  category: string;
  test: SignificanceTest;
  alpha: number;
  adjust: PAdjustment;
  versions: CorrelatedVersion[];
  /** Asset groups ranked: in how many of the versions they changed, then how many files. */
  assetGroups: Array<{ group: AssetGroup; versions: number; files: number }>;
  /** Files ranked: in how many of the versions they changed, then by path. */
  files: Array<{ path: string; group: AssetGroup; versions: number; changes: string[] }>;
}

/** For each version where the category rose significantly, what changed since the version before it with feedback, ranked. */
export async function correlateFeedback(options: CorrelateFeedbackOptions): Promise<CorrelateFeedbackResult> {
  const { repo, category } = options;
  const report = await feedbackReport({ ...options, by: 'version' });
  if (!report.categories.includes(category)) throw new StrataError('INVALID_ARGUMENT', `there is no category "${category}" (categories: ${report.categories.join(', ')})`);
  const versions: CorrelatedVersion[] = [];
  const groupRank = new Map<AssetGroup, { versions: number; files: number }>();
  const fileRank = new Map<string, { path: string; group: AssetGroup; versions: number; changes: string[] }>();
  for (const g of report.groups) {
    const rise = g.rises.find((r) => r.category === category);
    if (!rise || !g.previous) continue;
    const diff = await diffVersions({ repo, from: g.previous.version, to: g.version });
    const files = fileChanges(diff.entries);
    const perGroup = new Map<AssetGroup, number>();
    for (const f of files) {
      perGroup.set(f.group, (perGroup.get(f.group) ?? 0) + 1);
      let r = fileRank.get(f.path);
      if (!r) fileRank.set(f.path, (r = { path: f.path, group: assetGroupOf(f.path), versions: 0, changes: [] }));
      r.versions++;
      r.changes.push(`${f.change} in ${g.label}`);
    }
    for (const [group, n] of perGroup) {
      const r = groupRank.get(group) ?? { versions: 0, files: 0 };
      groupRank.set(group, { versions: r.versions + 1, files: r.files + n });
    }
    versions.push({
      version: g.version,
      label: g.label,
      time: g.time,
      previous: { version: g.previous.version, label: g.previous.label },
      rise,
      files: options.fileLimit === undefined ? files : files.slice(0, options.fileLimit),
      groups: [...perGroup].map(([group, n]) => ({ group, files: n })).sort((a, b) => b.files - a.files || (a.group < b.group ? -1 : 1)),
    });
  }
  return {
    category,
    test: report.test,
    alpha: report.alpha,
    adjust: report.adjust,
    versions,
    assetGroups: [...groupRank].map(([group, r]) => ({ group, ...r })).sort((a, b) => b.versions - a.versions || b.files - a.files || (a.group < b.group ? -1 : 1)),
    files: [...fileRank.values()].sort((a, b) => b.versions - a.versions || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}
