/**
 * INI files as written by Unreal Engine, PrusaSlicer, freeciv and most tools: `[section]` headers,
 * `key = value` lines, `;` or `#` comment lines, and Unreal's array operators on keys (`+Key=` add
 * unique, `.Key=` add even if a duplicate, `-Key=` remove the exact value (its first occurrence), `!Key=` clear the key;
 * `!Key` without `=` also deletes it, which is the explicit delete of a generic INI layer).
 * Values continue over several lines when a double-quoted string is open (freeciv's long texts) or a
 * `{ … }` table is open (freeciv's tables, kept as their text). A value wholly in double quotes is
 * unquoted; everything else stays as written (INI values are text).
 */
import { StrataError } from '../../../porcelain/index.js';
import { configParseError } from './parse-error.js';
import type { ConfigObject, Origin, PlainValue } from './types.js';

export type IniOp = 'set' | 'add' | 'addAlways' | 'remove' | 'clear';

export interface IniEntry {
  key: string;
  op: IniOp;
  value: string;
  line: number;
}

export interface IniSection {
  /** `''` for keys before the first header. */
  name: string;
  line: number;
  entries: IniEntry[];
}

export interface IniDocument {
  file: string;
  sections: IniSection[];
}

const OPS: Record<string, IniOp> = { '+': 'add', '.': 'addAlways', '-': 'remove', '!': 'clear' };

/** Unescaped double quotes in a text (a backslash escapes the next character). */
function quoteCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') n++;
  }
  return n;
}

function braceDepth(text: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '{') depth++;
    else if (!quoted && c === '}') depth--;
  }
  return depth;
}

function unquote(value: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"$/s.exec(value);
  return m ? (m[1] as string).replace(/\\(["\\])/g, '$1') : value;
}

const isComment = (t: string): boolean => t.startsWith(';') || t.startsWith('#');

export function parseIni(file: string, text: string): IniDocument {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
  const sections: IniSection[] = [];
  let current: IniSection = { name: '', line: 1, entries: [] };
  sections.push(current);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const t = (lines[i] as string).trim();
    if (t === '' || isComment(t)) continue;
    if (t.startsWith('[')) {
      const close = t.lastIndexOf(']');
      if (close < 0) throw configParseError(file, n, `unterminated section header ${JSON.stringify(t)}: expected "]"`);
      const rest = t.slice(close + 1).trim();
      if (rest !== '' && !isComment(rest)) throw configParseError(file, n, `unexpected text after the section header: ${JSON.stringify(rest)}`);
      current = { name: t.slice(1, close).trim(), line: n, entries: [] };
      sections.push(current);
      continue;
    }
    const eq = t.indexOf('=');
    let rawKey = (eq < 0 ? t : t.slice(0, eq)).trim();
    let op: IniOp = 'set';
    const opChar = rawKey[0];
    if (opChar !== undefined && OPS[opChar] !== undefined && rawKey.length > 1) {
      op = OPS[opChar] as IniOp;
      rawKey = rawKey.slice(1).trim();
    }
    if (eq < 0 && op !== 'clear') throw configParseError(file, n, `expected "key = value", "[section]" or a comment, found ${JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}…` : t)}`);
    if (rawKey === '') throw configParseError(file, n, 'a key is missing before "="');
    let value = eq < 0 ? '' : t.slice(eq + 1).trim();
    // A value that opens a string or a table goes on until it is closed.
    const start = n;
    if (value === '' && eq >= 0) {
      // freeciv writes `key =` and the `{ … }` table on the next lines.
      let j = i + 1;
      while (j < lines.length && ((lines[j] as string).trim() === '' || isComment((lines[j] as string).trim()))) j++;
      if (j < lines.length && (lines[j] as string).trim().startsWith('{')) {
        i = j;
        value = (lines[i] as string).trim();
      }
    }
    if (value.startsWith('{')) {
      const parts = [value];
      let depth = braceDepth(value);
      while (depth > 0) {
        i++;
        if (i >= lines.length) throw configParseError(file, start, `the "{" table of ${rawKey} is not closed by "}" before the end of the file`);
        const u = (lines[i] as string).trim();
        if (isComment(u)) continue;
        parts.push(u);
        depth += braceDepth(u);
      }
      value = parts.filter((p) => p !== '').join('\n');
    } else if (quoteCount(value) % 2 === 1) {
      const parts = [value];
      let count = quoteCount(value);
      while (count % 2 === 1) {
        i++;
        if (i >= lines.length) throw configParseError(file, start, `the string value of ${rawKey} is not closed by '"' before the end of the file`);
        const u = lines[i] as string;
        parts.push(u);
        count += quoteCount(u);
      }
      value = parts.join('\n');
    }
    current.entries.push({ key: rawKey, op, value: unquote(value), line: start });
  }
  return { file, sections: sections.filter((s) => s.name !== '' || s.entries.length > 0) };
}

/** Applies one INI line to an object of keys (a section), with Unreal's array semantics. */
export function applyIniEntry(target: ConfigObject, entry: IniEntry, origin: Origin): void {
  const existing = target.children.get(entry.key);
  const current: PlainValue | undefined = existing?.kind === 'value' ? existing.value : undefined;
  const set = (value: PlainValue): void => {
    target.children.set(entry.key, { kind: 'value', value, origin });
  };
  switch (entry.op) {
    case 'set':
      return set(entry.value);
    case 'clear':
      target.children.delete(entry.key);
      return;
    case 'add':
    case 'addAlways': {
      const list = current === undefined ? [] : Array.isArray(current) ? current : [current];
      if (entry.op === 'add' && list.some((v) => v === entry.value)) return;
      return set([...list, entry.value]);
    }
    case 'remove': {
      if (current === undefined) return;
      if (!Array.isArray(current)) {
        if (current === entry.value) target.children.delete(entry.key);
        return;
      }
      // Unreal removes one matching value (the first), as TMultiMap::RemoveSingle does.
      const at = current.findIndex((v) => v === entry.value);
      if (at >= 0) set([...current.slice(0, at), ...current.slice(at + 1)]);
      return;
    }
  }
}

/**
 * The lines of one section with its `inherits` chain resolved (PrusaSlicer's profiles:
 * `inherits = *common*; *PLA*`, parents first, later parents over earlier, the section itself last).
 * A parent is a section of the same file, named as written or with the child's `type:` prefix.
 */
export function resolveIniSection(doc: IniDocument, name: string, inheritsKey: string | undefined): IniEntry[] {
  const byName = new Map<string, IniSection[]>();
  for (const s of doc.sections) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const out: IniEntry[] = [];
  const visit = (section: string, chain: string[]): void => {
    if (chain.includes(section)) {
      throw new StrataError('LAYER_CYCLE', `${doc.file}: section inheritance goes round in a cycle: ${[...chain.slice(chain.indexOf(section)), section].map((s) => `[${s}]`).join(' -> ')}`, {
        data: { file: doc.file, chain: [...chain.slice(chain.indexOf(section)), section] },
      });
    }
    const parts = byName.get(section) ?? [];
    const entries = parts.flatMap((p) => p.entries);
    if (inheritsKey !== undefined) {
      const inherits = [...entries].reverse().find((e) => e.key === inheritsKey && e.op === 'set');
      const prefix = section.includes(':') ? section.slice(0, section.indexOf(':') + 1) : '';
      for (const parent of (inherits?.value ?? '').split(';').map((p) => p.trim()).filter((p) => p !== '')) {
        const resolved = byName.has(parent) ? parent : byName.has(prefix + parent) ? prefix + parent : undefined;
        if (resolved === undefined) {
          throw configParseError(doc.file, inherits?.line ?? 1, `[${section}] inherits "${parent}", which is no section of this file`);
        }
        visit(resolved, [...chain, section]);
      }
    }
    out.push(...entries);
  };
  if (!byName.has(name)) {
    throw new StrataError('INVALID_ARGUMENT', `${doc.file} has no section [${name}]`, { hint: `its sections: ${[...byName.keys()].filter((s) => s !== '').slice(0, 12).join(', ')}` });
  }
  visit(name, []);
  return out;
}
