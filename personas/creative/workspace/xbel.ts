/**
 * GTK's recently-used.xbel (XML Bookmark Exchange Language, as GLib's GBookmarkFile writes it): one
 * `<bookmark href="file:///…">` per recent document, naming the applications that opened it. The file
 * is shared by every GTK application, so a workspace keeps only its application's bookmarks and a
 * restore merges them into this machine's file, leaving the other applications' bookmarks as they are.
 * Handled as text (GLib writes one regular layout), so the kept bookmarks keep their exact bytes.
 */
export interface XbelBookmark {
  /** The bookmark element's text, as written. */
  text: string;
  href: string;
  /** The local path for file: URLs, else the URL. */
  path: string;
  /** The `<bookmark:application name=…>` names and exec lines. */
  applications: Array<{ name: string; exec: string }>;
  modified: string;
  visited: string;
}

export class XbelError extends Error {}

const BOOKMARK = /<bookmark\b[^>]*?(?:\/>|>[\s\S]*?<\/bookmark>)/g;

/** Decodes the five XML entities and numeric character references. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e] as string;
  });
}

function attribute(tag: string, name: string): string {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag);
  return m ? decodeXmlText(m[2] ?? m[3] ?? '') : '';
}

/** A file: URL as a local path (`file:///C:/x` -> `C:/x`); other URLs as they are. */
export function fileUrlToPath(url: string): string {
  if (!url.startsWith('file://')) return url;
  let path = url.slice('file://'.length).replace(/^[^/]*/, ''); // drop a host part
  try {
    path = decodeURIComponent(path);
  } catch {
    // a malformed escape: show the URL's path as written
  }
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/** The bookmarks of an xbel text; XbelError when it is not an xbel document. */
export function parseXbel(text: string): XbelBookmark[] {
  if (!/<xbel\b/.test(text)) throw new XbelError('no <xbel> element');
  if (!/<\/xbel>\s*$/.test(text) && !/<xbel\b[^>]*\/>\s*$/.test(text)) throw new XbelError('the <xbel> element is never closed');
  const out: XbelBookmark[] = [];
  for (const m of text.matchAll(BOOKMARK)) {
    const element = m[0];
    const start = /^<bookmark\b[^>]*>/.exec(element)?.[0] ?? element;
    const href = attribute(start, 'href');
    const applications = [...element.matchAll(/<bookmark:application\b[^>]*>/g)].map((a) => ({ name: attribute(a[0], 'name'), exec: attribute(a[0], 'exec') }));
    out.push({ text: element, href, path: fileUrlToPath(href), applications, modified: attribute(start, 'modified'), visited: attribute(start, 'visited') });
  }
  return out;
}

/** True when one of the bookmark's applications has a name or exec line the pattern matches. */
export function bookmarkUsedBy(bookmark: XbelBookmark, app: RegExp): boolean {
  return bookmark.applications.some((a) => app.test(a.name) || app.test(a.exec));
}

const EMPTY_XBEL = '<?xml version="1.0" encoding="UTF-8"?>\n<xbel version="1.0"\n      xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks"\n      xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info"\n>\n</xbel>\n';

/** The head of an xbel text: everything up to and including the `<xbel …>` start tag. */
function headOf(text: string): string {
  const m = /<xbel\b[^>]*>/.exec(text);
  if (m === null || m[0].endsWith('/>')) return EMPTY_XBEL.slice(0, EMPTY_XBEL.indexOf('</xbel>'));
  return text.slice(0, m.index + m[0].length);
}

/** The document with only the application's bookmarks (the head kept as written). */
export function filterXbel(text: string, app: RegExp): { text: string; kept: number } {
  const kept = parseXbel(text).filter((b) => bookmarkUsedBy(b, app));
  const head = headOf(text).replace(/\s*$/, '\n');
  return { text: `${head}${kept.map((b) => `  ${b.text}\n`).join('')}</xbel>\n`, kept: kept.length };
}

/**
 * This machine's document (or none) with its bookmarks of the application replaced by the captured
 * ones; every other bookmark is kept byte for byte. XbelError when the current document is damaged.
 */
export function mergeXbel(current: string | undefined, captured: string, app: RegExp): string {
  const incoming = parseXbel(captured).filter((b) => bookmarkUsedBy(b, app));
  if (current === undefined) return filterXbel(captured, app).text;
  const existing = parseXbel(current);
  const mine = existing.filter((b) => bookmarkUsedBy(b, app));
  // Already the captured bookmarks, in the captured order: leave the file as it is.
  if (mine.length === incoming.length && mine.every((b, i) => b.text === incoming[i]?.text)) return current;
  let out = current;
  for (const b of existing) {
    if (!bookmarkUsedBy(b, app)) continue;
    const at = out.indexOf(b.text);
    if (at < 0) continue;
    let from = at;
    while (from > 0 && (out[from - 1] === ' ' || out[from - 1] === '\t')) from--;
    let to = at + b.text.length;
    if (out[to] === '\n') to++;
    out = out.slice(0, from) + out.slice(to);
  }
  const close = out.lastIndexOf('</xbel>');
  if (close < 0) return filterXbel(captured, app).text;
  return `${out.slice(0, close)}${incoming.map((b) => `  ${b.text}\n`).join('')}${out.slice(close)}`;
}
