/**
 * `feedback import` and `feedback add`: rows read and mapped (feedback/read-rows.ts, map.ts), players
 * pseudonymised, each item given its stable id and linked to a stored version, and the new ones stored
 * as one record (feedback-store.ts). Linking, in order: the row's version reference (an id, tag, branch
 * or milestone); its build string through the project's build map, or as a reference itself; for rows
 * with neither, its time (the version current on the branch then). Rows that cannot be read are
 * reported with their line and skipped; items that cannot be linked are stored unlinked, with the reason.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { StrataError, currentBranch, walkFirstParents, type Repository } from '../../../porcelain/index.js';
import { VersionRefCache } from '../core/version-ref.js';
import type { FeedbackSettings } from '../feedback/config.js';
import { itemId, type FeedbackDraft, type FeedbackField, type FeedbackItem, type LinkKind } from '../feedback/item.js';
import { createRowMapper, parseFeedbackTime, parseFieldMap, parseTags, type MappedRow } from '../feedback/map.js';
import { pseudonymise } from '../feedback/pseudonym.js';
import { readRows, type FeedbackFormat } from '../feedback/read-rows.js';
import { loadFeedbackIndex, loadFeedbackSecret, loadFeedbackSettings, writeFeedbackRecord } from './feedback-store.js';

/** At most this many malformed rows and unlinked items are listed (all are counted). */
export const PROBLEMS_LISTED = 1000;

export interface FeedbackProblem {
  /** The line (CSV, JSON lines) or item number (JSON) where the row starts. */
  at: number;
  problem: string;
}

export interface UnlinkedItem {
  at: number;
  id: string;
  reason: string;
}

export interface ImportFeedbackResult {
  file: string;
  format: FeedbackFormat;
  /** The record holding the new items (absent when nothing was new). */
  record?: string;
  /** Rows read (malformed ones included). */
  rows: number;
  /** Items stored for the first time. */
  added: number;
  /** Items stored before unlinked that this import could link (stored again, linked). */
  relinked: number;
  /** Items already stored (the same row imported before). */
  present: number;
  /** Rows repeating an earlier row of the same file. */
  duplicates: number;
  malformedCount: number;
  /** The first PROBLEMS_LISTED malformed rows. */
  malformed: FeedbackProblem[];
  unlinkedCount: number;
  unlinked: UnlinkedItem[];
  /** New or relinked items by how they were linked. */
  links: Record<LinkKind, number>;
  /** Versions the new items were linked to, with their item counts, newest first. */
  versions: Array<{ version: string; time: number; items: number; ref?: string }>;
  /** The settings file used (absent: the shipped defaults). */
  settings?: string;
}

export interface ImportFeedbackOptions {
  repo: Repository;
  file: string;
  format: FeedbackFormat;
  /** `field=column` specs, as `--map` gives them. */
  map?: string[];
  /** A settings file (default: strata-feedback.json in the project, then the repository folder). */
  config?: string;
  /** The branch for linking by time (default: the settings', else HEAD's branch). */
  branch?: string;
}

/** Links drafts to versions, resolving each reference and build once. */
class Linker {
  private readonly refs: VersionRefCache;
  private history: Promise<Array<{ id: string; time: number }> | string> | undefined;
  readonly times = new Map<string, number>();
  /** The first reference each version was reached through (a milestone, tag or build map target). */
  readonly firstRef = new Map<string, string>();

  constructor(
    private readonly repo: Repository,
    private readonly settings: FeedbackSettings,
    private readonly branch: string | undefined,
  ) {
    this.refs = new VersionRefCache(repo);
  }

  async link(d: FeedbackDraft): Promise<{ version?: string; link: LinkKind; reason?: string }> {
    if (d.versionRef !== undefined) {
      const v = await this.refs.lookup(d.versionRef);
      if (v) return this.found(v.id, v.time, 'version', d.versionRef);
      return { link: 'none', reason: `version "${d.versionRef}" names no stored version, tag, branch or milestone` };
    }
    if (d.build !== undefined) {
      const mapped = Object.hasOwn(this.settings.builds, d.build) ? this.settings.builds[d.build] : undefined;
      if (mapped !== undefined) {
        const v = await this.refs.lookup(mapped);
        if (!v) {
          throw new StrataError('UNKNOWN_REVISION', `the build map${this.settings.source === undefined ? '' : ` in ${this.settings.source}`} maps "${d.build}" to "${mapped}", which is not a version id, tag, branch or milestone`, {
            hint: 'correct the map, or create the tag or milestone it names; nothing was imported',
            data: { build: d.build, ref: mapped, ...(this.settings.source === undefined ? {} : { file: this.settings.source }) },
          });
        }
        return this.found(v.id, v.time, 'build-map', mapped);
      }
      const v = await this.refs.lookup(d.build);
      if (v) return this.found(v.id, v.time, 'build', d.build);
      return { link: 'none', reason: `build "${d.build}" is not in the build map and names no version` };
    }
    if (d.time !== undefined) {
      const history = await this.loadHistory();
      if (typeof history === 'string') return { link: 'none', reason: history };
      // The newest version at or before the item's time.
      let lo = 0;
      let hi = history.length - 1;
      let best = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((history[mid] as { time: number }).time <= d.time) {
          best = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (best < 0) return { link: 'none', reason: `written ${new Date(d.time).toISOString()}, before the branch's first version` };
      const v = history[best] as { id: string; time: number };
      return this.found(v.id, v.time, 'time');
    }
    return { link: 'none', reason: 'no version, build or time to link it by' };
  }

  private found(id: string, time: number, link: LinkKind, ref?: string): { version: string; link: LinkKind } {
    this.times.set(id, time);
    if (ref !== undefined && !this.firstRef.has(id)) this.firstRef.set(id, ref);
    return { version: id, link };
  }

  private loadHistory(): Promise<Array<{ id: string; time: number }> | string> {
    this.history ??= (async () => {
      const ref = this.branch ?? this.settings.branch ?? (await currentBranch(this.repo));
      const short = ref.replace(/^refs\/heads\//, '');
      const tip = await this.repo.refs.resolve(`refs/heads/${short}`);
      if (!tip?.id) return `the branch ${short} has no versions to link by time`;
      const out: Array<{ id: string; time: number }> = [];
      await walkFirstParents(this.repo, tip.id, (v) => {
        out.push({ id: v.id, time: v.time });
        return true;
      });
      // First-parent history is newest first; times may not be monotonic (clock changes): keep order by time.
      return out.reverse().sort((a, b) => a.time - b.time);
    })();
    return this.history;
  }
}

/** Ingests mapped rows: ids, dedup against the store and the file, links, one record. */
async function ingest(options: {
  repo: Repository;
  secret: Buffer;
  settings: FeedbackSettings;
  branch: string | undefined;
  rows: AsyncIterable<{ at: number; mapped: MappedRow }>;
  file: string;
  kind: 'import' | 'add';
  fileFormat?: FeedbackFormat;
}): Promise<{ result: Omit<ImportFeedbackResult, 'format' | 'file'>; first?: FeedbackItem }> {
  const { repo } = options;
  const index = await loadFeedbackIndex(repo);
  const linker = new Linker(repo, options.settings, options.branch);
  const seen = new Set<string>();
  const items: string[] = [];
  const ids: Array<[string, boolean]> = [];
  const perVersion = new Map<string, number>();
  let first: FeedbackItem | undefined;
  const malformed: FeedbackProblem[] = [];
  const unlinked: UnlinkedItem[] = [];
  const links: Record<LinkKind, number> = { version: 0, 'build-map': 0, build: 0, time: 0, none: 0 };
  let rows = 0;
  let malformedCount = 0;
  let unlinkedCount = 0;
  let present = 0;
  let duplicates = 0;
  let relinked = 0;
  for await (const { at, mapped } of options.rows) {
    rows++;
    if ('problem' in mapped) {
      malformedCount++;
      if (malformed.length < PROBLEMS_LISTED) malformed.push({ at, problem: mapped.problem });
      continue;
    }
    const d = mapped.draft;
    const id = itemId(d);
    if (seen.has(id)) {
      duplicates++;
      continue;
    }
    seen.add(id);
    const before = index.ids.get(id);
    if (before === true) {
      present++;
      continue;
    }
    const l = await linker.link(d);
    if (before === false && l.version === undefined) {
      present++;
      continue;
    }
    if (before === false) relinked++;
    links[l.link]++;
    if (l.version === undefined) {
      unlinkedCount++;
      if (unlinked.length < PROBLEMS_LISTED) unlinked.push({ at, id, reason: l.reason ?? 'not linked' });
    }
    const item: FeedbackItem = { id, ...d, ...(l.version === undefined ? {} : { version: l.version }), link: l.link, source: { file: options.file, at } };
    first ??= item;
    items.push(JSON.stringify(item));
    ids.push([id, l.version !== undefined]);
    if (l.version !== undefined) perVersion.set(l.version, (perVersion.get(l.version) ?? 0) + 1);
  }
  let record: string | undefined;
  if (items.length > 0) {
    const r = await writeFeedbackRecord({
      repo,
      items,
      ids,
      index,
      secret: options.secret,
      doc: { kind: options.kind, file: options.file, ...(options.fileFormat === undefined ? {} : { fileFormat: options.fileFormat }), rows, added: items.length - relinked, relinked, present, malformed, unlinked },
    });
    record = r.id;
  }
  const versions = [...perVersion].map(([version, n]) => ({ version, time: linker.times.get(version) ?? 0, items: n, ...(linker.firstRef.has(version) ? { ref: linker.firstRef.get(version) as string } : {}) })).sort((a, b) => b.time - a.time || (a.version < b.version ? -1 : 1));
  return {
    ...(first === undefined ? {} : { first }),
    result: {
      ...(record === undefined ? {} : { record }),
      rows,
      added: items.length - relinked,
      relinked,
      present,
      duplicates,
      malformedCount,
      malformed,
      unlinkedCount,
      unlinked,
      links,
      versions,
      ...(options.settings.source === undefined ? {} : { settings: options.settings.source }),
    },
  };
}

/** Imports a CSV, JSON or JSON-lines file of player feedback. */
export async function importFeedback(options: ImportFeedbackOptions): Promise<ImportFeedbackResult> {
  const { repo, file, format } = options;
  const map = parseFieldMap(options.map ?? []);
  try {
    if (!(await stat(file)).isFile()) throw new StrataError('FILE_NOT_FOUND', `${file} is not a file`, { data: { path: file } });
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError('FILE_NOT_FOUND', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { data: { path: file } });
  }
  const settings = await loadFeedbackSettings({ repo, ...(options.config === undefined ? {} : { config: options.config }) });
  const secret = await loadFeedbackSecret({ repo, create: true });
  const name = basename(file);
  const events = readRows(format, createReadStream(file, { highWaterMark: 1 << 20 }), name);
  const pseudonyms = new Map<string, string>(); // players write many items: one HMAC each
  const pseudonymOf = (p: string): string => {
    let v = pseudonyms.get(p);
    if (v === undefined) pseudonyms.set(p, (v = pseudonymise(secret, p)));
    return v;
  };
  const mapperOptions = { map, personal: settings.personal, pseudonymise: pseudonymOf };
  let mapper = format === 'csv' ? undefined : createRowMapper(mapperOptions);
  async function* mappedRows(): AsyncGenerator<{ at: number; mapped: MappedRow }> {
    for await (const ev of events) {
      if (ev.kind === 'header') mapper = createRowMapper({ ...mapperOptions, header: ev.columns });
      else if (ev.kind === 'bad') yield { at: ev.at, mapped: { problem: ev.problem } };
      else if (mapper) yield { at: ev.at, mapped: mapper(ev.row) };
    }
  }
  const { result } = await ingest({ repo, secret, settings, branch: options.branch, rows: mappedRows(), file: name, kind: 'import', fileFormat: format });
  return { file: name, format, ...result };
}

export interface AddFeedbackOptions {
  repo: Repository;
  text: string;
  rating?: number;
  platform?: string;
  build?: string;
  /** The player's identifier (stored pseudonymised). */
  player?: string;
  /** When it was written: ms, or a date string (default: now, from the repository's clock). */
  time?: number | string;
  tags?: string[];
  /** A version id, tag, branch or milestone. */
  version?: string;
  config?: string;
  branch?: string;
}

export interface AddFeedbackResult {
  item: FeedbackItem;
  /** False when the same item was stored before (nothing written). */
  added: boolean;
  record?: string;
  /** Why it is unlinked, when it is. */
  unlinked?: string;
}

/** Adds one feedback item. */
export async function addFeedback(options: AddFeedbackOptions): Promise<AddFeedbackResult> {
  const { repo } = options;
  const time = options.time === undefined ? repo.clock.now() : parseFeedbackTime(options.time);
  if (time === undefined) throw new StrataError('INVALID_ARGUMENT', `--time ${String(options.time)} is not a date (ISO 8601, or seconds or ms since 1970)`);
  if (options.text.trim() === '' && options.rating === undefined) throw new StrataError('INVALID_ARGUMENT', 'give the feedback text, or a rating');
  if (options.rating !== undefined && !Number.isFinite(options.rating)) throw new StrataError('INVALID_ARGUMENT', 'the rating must be a number');
  const settings = await loadFeedbackSettings({ repo, ...(options.config === undefined ? {} : { config: options.config }) });
  const secret = await loadFeedbackSecret({ repo, create: true });
  const row: Record<string, unknown> = { text: options.text, time };
  const set = (f: FeedbackField, v: unknown): void => {
    if (v !== undefined) row[f] = v;
  };
  set('rating', options.rating);
  set('platform', options.platform);
  set('build', options.build);
  set('player', options.player);
  set('tags', options.tags === undefined ? undefined : parseTags(options.tags));
  set('version', options.version);
  const mapper = createRowMapper({ map: { version: 'version' }, personal: [], pseudonymise: (p) => pseudonymise(secret, p) });
  const mapped = mapper(row);
  if ('problem' in mapped) throw new StrataError('INVALID_ARGUMENT', mapped.problem);
  async function* one(): AsyncGenerator<{ at: number; mapped: MappedRow }> {
    yield { at: 1, mapped };
  }
  const { result, first } = await ingest({ repo, secret, settings, branch: options.branch, rows: one(), file: '(add)', kind: 'add' });
  const id = itemId(mapped.draft);
  const item = first ?? { id, ...mapped.draft, link: 'none' as const, source: { file: '(add)', at: 1 } };
  return {
    item,
    added: result.added > 0 || result.relinked > 0,
    ...(result.record === undefined ? {} : { record: result.record }),
    ...(result.unlinked[0] === undefined ? {} : { unlinked: result.unlinked[0].reason }),
  };
}
