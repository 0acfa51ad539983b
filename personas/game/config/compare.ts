/**
 * Comparisons of effective configurations: a key-by-platform matrix of what differs, and the keys
 * added, removed and changed between two evaluations of one platform.
 */
import { flattenConfig, valueKey, type ConfigObject, type EffectiveEntry, type PlainValue } from './types.js';

/** A value with where it was set. */
export interface OriginValue {
  value: PlainValue;
  file: string;
  line: number;
}

export interface MatrixRow {
  key: string;
  path: string[];
  /** By platform: its effective value and origin, or null when the key is absent there. */
  values: Record<string, OriginValue | null>;
}

const originValue = (e: EffectiveEntry): OriginValue => ({ value: e.value, file: e.file, line: e.line });

/** The keys whose effective value is not the same on every platform (absent counts as a value). */
export function platformMatrix(configs: ReadonlyArray<{ platform: string; root: ConfigObject }>): MatrixRow[] {
  const maps = configs.map((c) => ({ platform: c.platform, entries: new Map(flattenConfig(c.root).map((e) => [e.key, e])) }));
  const keys = new Map<string, string[]>();
  for (const m of maps) for (const e of m.entries.values()) if (!keys.has(e.key)) keys.set(e.key, e.path);
  const rows: MatrixRow[] = [];
  for (const [key, path] of keys) {
    const seen = new Set(maps.map((m) => valueKey(m.entries.get(key)?.value)));
    if (seen.size < 2) continue;
    const values: Record<string, OriginValue | null> = {};
    for (const m of maps) {
      const e = m.entries.get(key);
      values[m.platform] = e === undefined ? null : originValue(e);
    }
    rows.push({ key, path, values });
  }
  return rows;
}

export interface KeyChange {
  key: string;
  path: string[];
  before?: OriginValue;
  after?: OriginValue;
}

export interface ConfigDiff {
  added: KeyChange[];
  removed: KeyChange[];
  changed: KeyChange[];
}

/** How the effective configuration changed from `before` to `after` (a missing side has no keys). */
export function diffConfigs(before: ConfigObject | undefined, after: ConfigObject | undefined): ConfigDiff {
  const a = new Map((before === undefined ? [] : flattenConfig(before)).map((e) => [e.key, e]));
  const b = new Map((after === undefined ? [] : flattenConfig(after)).map((e) => [e.key, e]));
  const out: ConfigDiff = { added: [], removed: [], changed: [] };
  for (const [key, e] of a) {
    const other = b.get(key);
    if (other === undefined) out.removed.push({ key, path: e.path, before: originValue(e) });
    else if (valueKey(other.value) !== valueKey(e.value)) out.changed.push({ key, path: e.path, before: originValue(e), after: originValue(other) });
  }
  for (const [key, e] of b) if (!a.has(key)) out.added.push({ key, path: e.path, after: originValue(e) });
  return out;
}
