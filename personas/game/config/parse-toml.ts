/**
 * TOML (1.0, via smol-toml) with the line of every key. smol-toml gives values without positions, so
 * a line scanner finds where each table header and key assignment is; a value inside an inline table
 * or array of tables takes the line of the nearest key written out. A string value `"$delete"` becomes
 * a delete marker (TOML has no null).
 */
import { TomlDate, TomlError, parse } from 'smol-toml';
import { configParseError } from './parse-error.js';
import { DELETE_MARKER, type ConfigObject, type LayerNode, type PlainValue } from './types.js';

/** Splits a TOML key (`a."b.c".d`) into its parts. */
function splitKey(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return [...out, cur + text.slice(i)];
      const raw = text.slice(i + 1, end);
      cur += c === '"' ? raw.replace(/\\(["\\])/g, '$1') : raw;
      i = end + 1;
    } else if (c === '.') {
      out.push(cur.trim());
      cur = '';
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  out.push(cur.trim());
  return out;
}

/** Strips strings and comments from a line, to count brackets. */
function code(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""').replace(/#.*$/, '');
}

/** The line of each table header and assigned key, by its path joined with NUL. */
function scanLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table: string[] = [];
  let depth = 0;
  let multi: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const n = index + 1;
    if (multi !== undefined) {
      if (raw.split(multi).length % 2 === 0) multi = undefined;
      return;
    }
    if (depth > 0) {
      const c = code(raw);
      depth += (c.match(/[[{]/g)?.length ?? 0) - (c.match(/[\]}]/g)?.length ?? 0);
      return;
    }
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(raw);
    if (header) {
      table = splitKey(header[1] as string);
      const key = table.join('\0');
      if (!lines.has(key)) lines.set(key, n);
      return;
    }
    const assign = /^\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=(.*)$/.exec(raw);
    if (!assign) return;
    const path = [...table, ...splitKey(assign[1] as string)];
    const key = path.join('\0');
    if (!lines.has(key)) lines.set(key, n);
    const rest = assign[2] as string;
    for (const q of ['"""', "'''"]) {
      if (rest.includes(q) && rest.split(q).length % 2 === 0) multi = q;
    }
    if (multi === undefined) {
      const c = code(rest);
      depth = Math.max(0, (c.match(/[[{]/g)?.length ?? 0) - (c.match(/[\]}]/g)?.length ?? 0));
    }
  });
  return lines;
}

function plain(value: unknown): PlainValue {
  if (value instanceof TomlDate || value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value as PlainValue;
}

export function parseTomlLayer(file: string, text: string): ConfigObject {
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) throw configParseError(file, err.line, err.message.split('\n')[0] ?? 'malformed TOML');
    throw configParseError(file, 1, (err as Error).message);
  }
  const lines = scanLines(text);
  const lineOf = (path: string[], fallback: number): number => lines.get(path.join('\0')) ?? fallback;
  const convert = (value: unknown, path: string[], line: number): LayerNode => {
    const origin = { file, line };
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof TomlDate) && !(value instanceof Date)) {
      const children = new Map<string, LayerNode>();
      for (const [k, v] of Object.entries(value)) {
        const p = [...path, k];
        children.set(k, convert(v, p, lineOf(p, line)));
      }
      return { kind: 'object', children: children as ConfigObject['children'], origin };
    }
    const v = plain(value);
    return v === DELETE_MARKER ? { kind: 'delete', origin } : { kind: 'value', value: v, origin };
  };
  return convert(data, [], 1) as ConfigObject;
}
