/**
 * INI files as KDE's KConfig (kritarc, kritashortcutsrc) and Qt's QSettings (input profiles) write
 * them: `[Group]` or nested `[Group][Sub]` headers, `key=value` lines, `#`/`;` comments, KConfig's
 * `[$e]`/`[$i]` flags, KConfig value escapes (`\s \t \n \r \\ \xHH`), Qt's quoted values and its
 * percent-escaped keys and groups (`%2F`, `%U00E9`, `\` for `/`). Read-only: the bytes of a captured
 * file are never rewritten, so parsing only needs to be faithful enough to compare and summarise.
 */
export interface IniEntry {
  key: string;
  value: string;
}

export interface IniSection {
  /** The group name, nested groups joined by `/`; keys before any header are in `General`. */
  name: string;
  entries: IniEntry[];
}

/** Decodes Qt's escapes in a key or group name: `%XX`, `%UXXXX`, and `\` meaning `/` in keys. */
export function decodeQtKey(text: string, isKey: boolean): string {
  let out = text.replace(/%U([0-9A-Fa-f]{4})|%([0-9A-Fa-f]{2})/g, (_m, u?: string, b?: string) => String.fromCharCode(parseInt((u ?? b) as string, 16)));
  if (isKey) out = out.replace(/\\/g, '/');
  return out;
}

/** A value with KConfig escapes, or a Qt quoted value (`"a, b"`, with backslash escapes). */
export function decodeIniValue(raw: string): string {
  const text = raw.trim();
  if (text.startsWith('"')) {
    let out = '';
    let i = 1;
    for (; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '"') break;
      if (c === '\\' && i + 1 < text.length) {
        i++;
        out += escape(text, i, (skip) => (i += skip));
      } else out += c;
    }
    // `"a", "b"` (a Qt string list) keeps what follows the first quoted part as written.
    return i + 1 < text.length ? out + text.slice(i + 1) : out;
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      i++;
      out += escape(text, i, (skip) => (i += skip));
    } else out += c;
  }
  return out;
}

function escape(text: string, i: number, advance: (n: number) => void): string {
  const e = text[i] as string;
  switch (e) {
    case 's':
      return ' ';
    case 't':
      return '\t';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 'x': {
      const hex = /^[0-9A-Fa-f]{1,2}/.exec(text.slice(i + 1))?.[0];
      if (hex === undefined) return 'x';
      advance(hex.length);
      return String.fromCharCode(parseInt(hex, 16));
    }
    default:
      return e; // \\ \" \; \, and anything else stand for themselves
  }
}

/** Parses INI text into its groups, in file order; a key given twice in a group keeps the last value. */
export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  const byName = new Map<string, IniSection>();
  const section = (name: string): IniSection => {
    let s = byName.get(name);
    if (s === undefined) {
      s = { name, entries: [] };
      byName.set(name, s);
      sections.push(s);
    }
    return s;
  };
  let current: IniSection | undefined;
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const groups = [...line.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] as string).filter((g) => !g.startsWith('$'));
      current = section(groups.map((g) => decodeQtKey(g, false)).join('/'));
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = decodeQtKey(line.slice(0, eq).trim().replace(/\[\$[a-z]+\]$/, ''), true);
    const value = decodeIniValue(line.slice(eq + 1));
    const target = current ?? section('General');
    const existing = target.entries.find((e) => e.key === key);
    if (existing) existing.value = value;
    else target.entries.push({ key, value });
  }
  return sections;
}

/** The value of one key of one group, or undefined. */
export function iniValue(sections: readonly IniSection[], group: string, key: string): string | undefined {
  return sections.find((s) => s.name === group)?.entries.find((e) => e.key === key)?.value;
}
