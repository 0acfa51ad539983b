/**
 * From a row of a feedback file (a CSV row by its header, or a JSON object) to a draft item: which
 * column gives which field (`--map field=column`, else the usual names), personal columns dropped,
 * values checked (a rating is a number, a time a date), the player pseudonymised. Pure.
 */
import { StrataError } from '../../../porcelain/index.js';
import { FEEDBACK_FIELDS, type FeedbackDraft, type FeedbackField } from './item.js';

/** Column names tried for a field when the import does not map it, compared as normalised (see normaliseColumn). */
export const FIELD_ALIASES: Readonly<Record<FeedbackField, readonly string[]>> = {
  text: ['text', 'comment', 'comments', 'message', 'feedback', 'review', 'body', 'content', 'description'],
  rating: ['rating', 'score', 'stars', 'rate'],
  platform: ['platform', 'os', 'deviceplatform', 'system'],
  build: ['build', 'buildversion', 'buildid', 'version', 'appversion', 'gameversion', 'clientversion', 'buildstring'],
  player: ['player', 'playerid', 'user', 'userid', 'account', 'accountid', 'uid'],
  time: ['time', 'timestamp', 'date', 'created', 'createdat', 'submitted', 'submittedat', 'datetime'],
  tags: ['tags', 'tag', 'labels'],
  version: ['strataversion', 'versionid', 'versionref'],
};

/** Columns dropped on import unless the project says otherwise: contact details and device identifiers. */
export const DEFAULT_PERSONAL_COLUMNS: readonly string[] = ['email', 'e-mail', 'mail', 'ip', 'ip_address', 'phone', 'name', 'real_name', 'full_name', 'first_name', 'last_name', 'address', 'device_id', 'advertising_id', 'idfa', 'gaid'];

/** A column name compared without case, spaces, `_`, `-` or `.`: `IP Address` and `ip_address` are one. */
export function normaliseColumn(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Parses `--map field=column` options (repeatable); INVALID_ARGUMENT for an unknown field or a field given twice. */
export function parseFieldMap(specs: readonly string[]): Partial<Record<FeedbackField, string>> {
  const out: Partial<Record<FeedbackField, string>> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const field = (eq < 0 ? '' : spec.slice(0, eq).trim()) as FeedbackField;
    const column = eq < 0 ? '' : spec.slice(eq + 1).trim();
    if (eq < 0 || column === '') throw new StrataError('INVALID_ARGUMENT', `--map ${spec}: give field=column (fields: ${FEEDBACK_FIELDS.join(', ')})`);
    if (!FEEDBACK_FIELDS.includes(field)) throw new StrataError('INVALID_ARGUMENT', `--map ${spec}: unknown field "${field}" (fields: ${FEEDBACK_FIELDS.join(', ')})`);
    if (out[field] !== undefined) throw new StrataError('INVALID_ARGUMENT', `--map: the field ${field} is mapped twice`);
    out[field] = column;
  }
  return out;
}

/** What the row mapper needs. */
export interface RowMapperOptions {
  /** Field -> column (or, for JSON, a `.`-separated path) chosen by the user. */
  map: Partial<Record<FeedbackField, string>>;
  /** Columns to drop (compared normalised). */
  personal: readonly string[];
  /** The player pseudonym of an identifier. */
  pseudonymise: (player: string) => string;
  /** For a CSV file: its header, so that mapped columns are checked before any row is read. */
  header?: readonly string[];
}

export type MappedRow = { draft: FeedbackDraft } | { problem: string };

/** A value at a `.`-separated path of a JSON object, or a column of a CSV row. */
function valueAt(row: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(row, path)) return row[path];
  if (!path.includes('.')) return undefined;
  let cur: unknown = row;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A time: ISO 8601 (without a zone: UTC), or seconds / milliseconds since the epoch (numbers above 1e11 are ms). */
export function parseFeedbackTime(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(Math.abs(v) >= 1e11 ? v : v * 1000) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return parseFeedbackTime(Number(s));
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return undefined;
  const zone = m[3] === undefined ? 'Z' : m[3].toUpperCase() === 'Z' ? 'Z' : m[3].includes(':') ? m[3] : `${m[3].slice(0, 3)}:${m[3].slice(3)}`;
  const t = Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[2] !== undefined && m[2].length === 5 ? ':00' : ''}${zone}`);
  return Number.isNaN(t) ? undefined : t;
}

/** A rating: a number, or `4/5` (the first number). */
export function parseRating(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?\s*)?$/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/** Tags: an array, or a string split at `,` `;` `|`; trimmed, without empties or repeats, sorted. */
export function parseTags(v: unknown): string[] {
  const raw = Array.isArray(v) ? v.map((x) => asText(x) ?? '') : (asText(v) ?? '').split(/[,;|]/);
  return [...new Set(raw.map((t) => t.trim()).filter((t) => t !== ''))].sort();
}

/**
 * Builds the function that maps one row. Checks the mapping first: a mapped column missing from a CSV
 * header, or a personal column mapped to anything but the player, is INVALID_ARGUMENT.
 */
export function createRowMapper(options: RowMapperOptions): (row: Record<string, unknown>) => MappedRow {
  const personal = new Set(options.personal.map(normaliseColumn));
  for (const [field, column] of Object.entries(options.map) as Array<[FeedbackField, string]>) {
    if (personal.has(normaliseColumn(column)) && field !== 'player') {
      throw new StrataError('INVALID_ARGUMENT', `--map ${field}=${column}: the column ${column} is marked personal; it may only be mapped to player (which is pseudonymised)`);
    }
    if (options.header && !options.header.includes(column)) {
      throw new StrataError('INVALID_ARGUMENT', `--map ${field}=${column}: the file has no column "${column}" (its columns: ${options.header.join(', ')})`);
    }
  }
  // For a CSV header the columns of each field are fixed; for JSON they are found per row.
  const fixed = options.header ? columnsFor(options.header, options.map) : undefined;
  return (row) => {
    const columns = fixed ?? columnsFor(Object.keys(row), options.map);
    const get = (f: FeedbackField): unknown => {
      const c = columns[f];
      return c === undefined ? undefined : valueAt(row, c);
    };
    const text = (asText(get('text')) ?? '').trim();
    const ratingRaw = get('rating');
    const rating = ratingRaw === undefined || ratingRaw === null || ratingRaw === '' ? undefined : parseRating(ratingRaw);
    if (rating === undefined && !(ratingRaw === undefined || ratingRaw === null || ratingRaw === '')) return { problem: `rating "${asText(ratingRaw) ?? ''}" is not a number` };
    if (text === '' && rating === undefined) return { problem: 'no text and no rating' };
    const timeRaw = get('time');
    const time = timeRaw === undefined || timeRaw === null || timeRaw === '' ? undefined : parseFeedbackTime(timeRaw);
    if (time === undefined && !(timeRaw === undefined || timeRaw === null || timeRaw === '')) return { problem: `time "${asText(timeRaw) ?? ''}" is not a date (ISO 8601, or seconds or ms since 1970)` };
    const opt = (f: FeedbackField): string | undefined => {
      const s = asText(get(f))?.trim();
      return s === undefined || s === '' ? undefined : s;
    };
    const platform = opt('platform');
    const build = opt('build');
    const playerId = opt('player');
    const versionRef = opt('version');
    const used = new Set(Object.values(columns));
    const fields: Record<string, string> = {};
    for (const key of Object.keys(row)) {
      if (used.has(key) || personal.has(normaliseColumn(key))) continue;
      const s = asText(row[key]);
      if (s !== undefined && s !== '') fields[key] = s;
    }
    const draft: FeedbackDraft = {
      text,
      ...(rating === undefined ? {} : { rating }),
      ...(platform === undefined ? {} : { platform }),
      ...(build === undefined ? {} : { build }),
      ...(playerId === undefined ? {} : { player: options.pseudonymise(playerId) }),
      ...(time === undefined ? {} : { time }),
      tags: parseTags(get('tags')),
      ...(versionRef === undefined ? {} : { versionRef }),
      ...(Object.keys(fields).length === 0 ? {} : { fields }),
    };
    return { draft };
  };
}

/** The column of each field among `columns`: the mapped one, else the first alias present. */
function columnsFor(columns: readonly string[], map: Partial<Record<FeedbackField, string>>): Partial<Record<FeedbackField, string>> {
  const byNorm = new Map<string, string>();
  for (const c of columns) if (!byNorm.has(normaliseColumn(c))) byNorm.set(normaliseColumn(c), c);
  const taken = new Set(Object.values(map));
  const out: Partial<Record<FeedbackField, string>> = {};
  for (const f of FEEDBACK_FIELDS) {
    const mapped = map[f];
    if (mapped !== undefined) {
      out[f] = mapped;
      continue;
    }
    for (const alias of FIELD_ALIASES[f]) {
      const c = byNorm.get(alias);
      if (c !== undefined && !taken.has(c)) {
        out[f] = c;
        taken.add(c);
        break;
      }
    }
  }
  return out;
}
