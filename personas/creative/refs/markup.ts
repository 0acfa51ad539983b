/**
 * A tolerant tag scanner for SVG and HTML: start tags with their attributes (value offsets kept), and
 * the text of `<style>` elements; comments, CDATA sections, doctype and processing instructions skipped.
 * A regular-expression scan rather than an XML parser: it keeps byte offsets for rewriting, reads
 * HTML that is not XML, and keeps going past errors in hand-edited files.
 */

export interface Attribute {
  /** Lower-cased name, prefix included (`xlink:href`). */
  name: string;
  /** The raw value (no quotes); offset of its first byte in the text. */
  value: string;
  start: number;
}

export interface Tag {
  /** Lower-cased element name. */
  name: string;
  attributes: Attribute[];
}

export interface MarkupParts {
  tags: Tag[];
  /** The text of each `<style>` element, and where it starts. */
  styles: Array<{ text: string; start: number }>;
}

const TOKEN_RE = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<[!?][^>]*>?|<([A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTR_RE = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

export function scanMarkup(text: string): MarkupParts {
  const tags: Tag[] = [];
  const styles: Array<{ text: string; start: number }> = [];
  let lower: string | undefined;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
    const rawName = m[1];
    if (rawName === undefined) continue;
    const name = rawName.toLowerCase();
    const body = m[2] ?? '';
    const bodyStart = m.index + 1 + rawName.length;
    const attributes: Attribute[] = [];
    ATTR_RE.lastIndex = 0;
    for (let a = ATTR_RE.exec(body); a; a = ATTR_RE.exec(body)) {
      const value = a[2] ?? a[3] ?? a[4];
      if (value === undefined) continue;
      const quoted = a[2] !== undefined || a[3] !== undefined ? 1 : 0;
      const valueStart = bodyStart + a.index + a[0].length - value.length - quoted;
      attributes.push({ name: (a[1] as string).toLowerCase(), value, start: valueStart });
    }
    tags.push({ name, attributes });
    if ((name === 'style' || name === 'script') && !body.trimEnd().endsWith('/')) {
      // Raw text up to the closing tag: skipped for scripts, kept for style sheets.
      const contentStart = m.index + m[0].length;
      lower ??= text.toLowerCase();
      const close = lower.indexOf(`</${name}`, contentStart);
      const end = close < 0 ? text.length : close;
      if (name === 'style') styles.push({ text: text.slice(contentStart, end), start: contentStart });
      TOKEN_RE.lastIndex = end;
    }
  }
  return { tags, styles };
}
