import { StrataError } from '../../plumbing/index.js';

/**
 * Glob patterns over paths, as `find` takes them:
 * - a pattern with a `/` (other than a trailing one) matches the whole path from the root (a leading
 *   `/` is allowed); a pattern without one matches the last name at any depth (`*.psd`);
 * - `*` matches any run of characters within one name, `?` one character, `[abc]`, `[a-z]`, `[!a-z]`
 *   one character of (or not of) a set, `{psd,png}` any of the alternatives, `\` quotes the next
 *   character, and `**` as a whole name matches any number of folders (`art/**`, `**\/v1/*.png`);
 * - names starting with `.` are matched like any other; matching is case-sensitive;
 * - a trailing `/` matches folders only (otherwise files, executables and symlinks are matched).
 *
 * Matching never backtracks exponentially: names are matched with the linear wildcard algorithm and
 * `**` by dynamic programming over path segments, so any pattern is safe on any path.
 */
export interface GlobMatcher {
  /** Tests a `/`-separated relative path. */
  test(path: string): boolean;
  /** The pattern matches folders (it ends with `/`) rather than files and symlinks. */
  folders: boolean;
}

/** One character position of a name pattern. */
type CharToken = { kind: 'char'; c: string } | { kind: 'any' } | { kind: 'set'; negate: boolean; test: (c: string) => boolean } | { kind: 'star' };
/** A path segment of a pattern: `**`, or a name pattern. */
type Segment = { kind: 'globstar' } | { kind: 'name'; tokens: CharToken[] };

/** At most this many alternatives after expanding braces. */
const MAX_ALTERNATIVES = 1024;

/** The index of the `]` closing a set opened at `start`, or -1. */
function setEnd(chars: string[], start: number): number {
  let j = start + 1;
  if (chars[j] === '!' || chars[j] === '^') j++;
  if (chars[j] === ']') j++;
  for (; j < chars.length; j++) {
    if (chars[j] === '\\') j++;
    else if (chars[j] === ']') return j;
    else if (chars[j] === '/') return -1;
  }
  return -1;
}

/** Expands the first `{a,b}` group (recursively), leaving unmatched braces as literal characters. */
function expandBraces(pattern: string, out: string[], original = pattern): void {
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = setEnd(chars, i);
      if (end > 0) i = end;
      continue;
    }
    if (c !== '{') continue;
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let j = i; j < chars.length && close < 0; j++) {
      const d = chars[j];
      if (d === '\\') j++;
      else if (d === '[') {
        const end = setEnd(chars, j);
        if (end > 0) j = end;
      } else if (d === '{') depth++;
      else if (d === '}' && --depth === 0) close = j;
      else if (d === ',' && depth === 1) commas.push(j);
    }
    if (close < 0 || commas.length === 0) continue;
    const head = chars.slice(0, i).join('');
    const tail = chars.slice(close + 1).join('');
    const bounds = [i, ...commas, close];
    for (let k = 0; k + 1 < bounds.length; k++) {
      expandBraces(`${head}${chars.slice((bounds[k] as number) + 1, bounds[k + 1]).join('')}${tail}`, out, original);
      if (out.length > MAX_ALTERNATIVES) {
        throw new StrataError('INVALID_ARGUMENT', `the pattern "${original}" has more than ${MAX_ALTERNATIVES} alternatives`);
      }
    }
    return;
  }
  out.push(pattern);
}

function parseSet(body: string[]): (c: string) => boolean {
  const singles = new Set<string>();
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < body.length; i++) {
    let c = body[i] as string;
    if (c === '\\' && i + 1 < body.length) c = body[++i] as string;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      let hi = body[i + 2] as string;
      i += 2;
      if (hi === '\\' && i + 1 < body.length) hi = body[++i] as string;
      const a = c.codePointAt(0) as number;
      const b = hi.codePointAt(0) as number;
      if (a > b) throw new StrataError('INVALID_ARGUMENT', `the range ${c}-${hi} in a pattern runs backwards`);
      ranges.push([a, b]);
    } else singles.add(c);
  }
  return (ch) => {
    if (singles.has(ch)) return true;
    const cp = ch.codePointAt(0) as number;
    return ranges.some(([a, b]) => cp >= a && cp <= b);
  };
}

/** Splits a pattern (braces expanded) into segments at unquoted `/`. */
function parseSegments(pattern: string): Segment[] {
  const chars = [...pattern];
  const segments: Segment[] = [];
  let tokens: CharToken[] = [];
  let raw = '';
  const finish = (): void => {
    segments.push(raw === '**' ? { kind: 'globstar' } : { kind: 'name', tokens });
    tokens = [];
    raw = '';
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '/') {
      finish();
      continue;
    }
    if (c === '\\' && i + 1 < chars.length) {
      const next = chars[++i] as string;
      tokens.push({ kind: 'char', c: next });
      raw += `\\${next}`;
    } else if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      raw += '*';
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
      raw += '?';
    } else if (c === '[' && setEnd(chars, i) > 0) {
      const end = setEnd(chars, i);
      let body = chars.slice(i + 1, end);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      tokens.push({ kind: 'set', negate, test: parseSet(body) });
      raw += chars.slice(i, end + 1).join('');
      i = end;
    } else {
      tokens.push({ kind: 'char', c });
      raw += c;
    }
  }
  finish();
  // Repeated `**` segments mean the same as one.
  return segments.filter((seg, i) => !(seg.kind === 'globstar' && segments[i + 1]?.kind === 'globstar'));
}

function matchesOne(t: CharToken, c: string): boolean {
  switch (t.kind) {
    case 'char':
      return t.c === c;
    case 'any':
      return true;
    case 'set':
      return t.test(c) !== t.negate;
    case 'star':
      return false;
  }
}

/** Wildcard matching of one name: linear, backing up only to the last `*`. */
function matchName(tokens: CharToken[], name: string): boolean {
  const chars = [...name];
  let ti = 0;
  let ci = 0;
  let starTi = -1;
  let starCi = 0;
  while (ci < chars.length) {
    const t = tokens[ti];
    if (t !== undefined && t.kind === 'star') {
      starTi = ti++;
      starCi = ci;
    } else if (t !== undefined && matchesOne(t, chars[ci] as string)) {
      ti++;
      ci++;
    } else if (starTi >= 0) {
      ti = starTi + 1;
      ci = ++starCi;
    } else return false;
  }
  while (tokens[ti]?.kind === 'star') ti++;
  return ti === tokens.length;
}

/** Whether path segments match pattern segments: `**` takes any number of names (at least one at the end). */
function matchSegments(pattern: Segment[], names: string[]): boolean {
  const memo = new Map<number, boolean>();
  const at = (pi: number, ni: number): boolean => {
    if (pi === pattern.length) return ni === names.length;
    const key = pi * (names.length + 1) + ni;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const seg = pattern[pi] as Segment;
    let result: boolean;
    if (seg.kind === 'globstar') {
      if (pi === pattern.length - 1) result = ni < names.length;
      else {
        result = false;
        for (let k = ni; !result && k <= names.length; k++) result = at(pi + 1, k);
      }
    } else {
      result = ni < names.length && matchName(seg.tokens, names[ni] as string) && at(pi + 1, ni + 1);
    }
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

/** Compiles a glob (see GlobMatcher); INVALID_ARGUMENT for an empty or malformed one. */
export function compileGlob(pattern: string): GlobMatcher {
  let p = pattern;
  const folders = p.length > 1 && p.endsWith('/') && !p.endsWith('\\/');
  if (folders) p = p.slice(0, -1);
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  if (p === '') throw new StrataError('INVALID_ARGUMENT', `"${pattern}" is not a pattern: give a name or path glob such as "*.psd" or "art/**"`);
  const alternatives: string[] = [];
  expandBraces(p, alternatives);
  const compiled = alternatives.map((alt) => {
    const segments = parseSegments(alt);
    if (segments.some((s) => s.kind === 'name' && s.tokens.length === 0)) {
      throw new StrataError('INVALID_ARGUMENT', `"${pattern}" has an empty name between slashes`);
    }
    return anchored ? segments : [{ kind: 'globstar' } as Segment, ...segments];
  });
  return {
    test: (path) => {
      const names = path.split('/');
      return compiled.some((segments) => matchSegments(segments, names));
    },
    folders,
  };
}
