/**
 * CSS: `url(…)` (quoted or not), `@import "…"` and `@import url(…)`; a `url()` inside `@font-face` is a
 * font. Comments are skipped. Also used for `<style>` elements and `style="…"` attributes of SVG/HTML.
 */
import { LineIndex, byteText, makeRef, type Quoting, type Reference } from './reference.js';
import { resolveAll, type ResolveContext } from './resolve.js';

const URL_RE = /url\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|((?:[^)"'\s\\]|\\.)*))\s*\)/gi;
const IMPORT_STRING_RE = /@import\s+(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')/gi;

/**
 * The references in a CSS text `css` that starts at byte `base` of its file (`lines` indexes the whole
 * file). `quoting` is how the
 * values are escaped (`css` in a style sheet, `xml` in an attribute); `urlKind` names plain `url()`s.
 */
export function scanCssText(css: string, base: number, lines: LineIndex, quoting: Quoting, urlKind: string): Reference[] {
  // Comments blanked out (same length, so offsets hold).
  const text = css.includes('/*') ? css.replace(/\/\*[\s\S]*?(\*\/|$)/g, (c) => ' '.repeat(c.length)) : css;
  const fontBlocks: Array<[number, number]> = [];
  for (const m of text.matchAll(/@font-face\s*\{[^}]*\}?/gi)) fontBlocks.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
  const out: Reference[] = [];
  const at = (offset: number): number => base + offset;
  for (const m of text.matchAll(URL_RE)) {
    const raw = m[1] ?? m[2] ?? m[3] ?? '';
    if (/^\s*data:/i.test(raw)) continue;
    const index = m.index ?? 0;
    // The value's offset: after `url(`, white space and an opening quote.
    const start = index + (/^url\(\s*["']?/i.exec(m[0])?.[0].length ?? 4);
    const before = text.slice(Math.max(0, index - 40), index);
    const kind = /@import\s*$/i.test(before) ? 'css-import' : fontBlocks.some(([s, e]) => index >= s && index < e) ? 'font' : urlKind;
    const ref = makeRef(lines, raw, at(start), kind, 'uri', quoting);
    if (ref) out.push(ref);
  }
  for (const m of text.matchAll(IMPORT_STRING_RE)) {
    const raw = m[1] ?? m[2] ?? '';
    const start = (m.index ?? 0) + m[0].length - 1 - raw.length;
    const ref = makeRef(lines, raw, at(start), 'css-import', 'uri', quoting);
    if (ref) out.push(ref);
  }
  return out.sort((a, b) => (a.span?.[0] ?? 0) - (b.span?.[0] ?? 0));
}

export function scanCss(data: Buffer): Reference[] {
  const text = byteText(data);
  return scanCssText(text, 0, new LineIndex(text), 'css', 'css-url');
}

/** The references of a style sheet at `path` (root-relative), resolved with `ctx`. */
export function cssReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanCss(data), ctx);
}
