/**
 * JSON with comments and trailing commas, as VS Code writes and reads its settings.json and
 * keybindings.json: `//` and block comments and a comma before `}` or `]` are allowed.
 */
export class JsoncError extends Error {}

/** The text with comments blanked out and trailing commas dropped (strings untouched). */
export function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  let pendingComma = -1; // index in `out` of a comma that may turn out to be trailing
  while (i < n) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= n) throw new JsoncError('a string is never closed');
      out += text.slice(i, j + 1);
      i = j + 1;
      pendingComma = -1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new JsoncError('a /* comment is never closed');
      out += text.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else if (c === ',') {
      pendingComma = out.length;
      out += c;
      i++;
    } else if ((c === '}' || c === ']') && pendingComma >= 0) {
      out = `${out.slice(0, pendingComma)} ${out.slice(pendingComma + 1)}${c}`;
      pendingComma = -1;
      i++;
    } else {
      if (!/\s/.test(c)) pendingComma = -1;
      out += c;
      i++;
    }
  }
  return out;
}

/** Parses JSONC; an empty (or comment-only) text is `undefined`. JsoncError on bad syntax. */
export function parseJsonc(text: string): unknown {
  const clean = stripJsonc(text.replace(/^\uFEFF/, ''));
  if (clean.trim() === '') return undefined;
  try {
    return JSON.parse(clean) as unknown;
  } catch (err) {
    throw new JsoncError((err as Error).message);
  }
}
