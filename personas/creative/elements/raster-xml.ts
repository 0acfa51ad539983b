/**
 * A small XML element scanner that remembers where each element starts and ends in the text, so a
 * document (Krita's `maindoc.xml`, OpenRaster's `stack.xml`) can be edited by splicing: one element's
 * text is replaced or inserted and every other byte stays as it was. Well-formedness is checked with
 * fast-xml-parser's validator before scanning.
 */
import { XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  /** Offset of `<` of the start tag. */
  start: number;
  /** Offset just past the start tag's `>`. */
  openEnd: number;
  /** Offset of the end tag's `<` (equal to `openEnd` for an empty element). */
  closeStart: number;
  /** Offset just past the element (past `/>` or the end tag). */
  end: number;
  selfClosing: boolean;
  children: XmlElement[];
  parent?: XmlElement;
}

/** Why the text is not well-formed XML, or undefined when it is. */
export function xmlProblem(text: string): string | undefined {
  const result = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (result === true) return undefined;
  return `${result.err.msg} (line ${result.err.line})`;
}

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** An attribute value escaped for a double-quoted attribute. */
export function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The root elements of a well-formed document (call `xmlProblem` first), with offsets. */
export function scanXml(text: string): XmlElement[] {
  const roots: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let at = 0;
  while (at < text.length) {
    const lt = text.indexOf('<', at);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      at = close < 0 ? text.length : close + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      at = close < 0 ? text.length : close + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      at = close < 0 ? text.length : close + 2;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      // DOCTYPE, possibly with an internal subset in brackets.
      let depth = 0;
      let i = lt + 2;
      for (; i < text.length; i++) {
        const c = text[i];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      at = i + 1;
      continue;
    }
    // A start or end tag: find its `>` outside quoted attribute values.
    let i = lt + 1;
    let quote = '';
    for (; i < text.length; i++) {
      const c = text[i] as string;
      if (quote !== '') {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    const tagEnd = i + 1;
    const inner = text.slice(lt + 1, i);
    if (inner.startsWith('/')) {
      const el = stack.pop();
      if (el !== undefined) {
        el.closeStart = lt;
        el.end = tagEnd;
      }
    } else {
      const selfClosing = inner.endsWith('/');
      const body = selfClosing ? inner.slice(0, -1) : inner;
      const nameMatch = /^[^\s/>]+/.exec(body);
      const tag = nameMatch?.[0] ?? '';
      const attrs: Record<string, string> = {};
      ATTR.lastIndex = tag.length;
      for (let m = ATTR.exec(body); m !== null; m = ATTR.exec(body)) attrs[m[1] as string] = decodeEntities(m[2] ?? m[3] ?? '');
      const parent = stack[stack.length - 1];
      const el: XmlElement = { tag, attrs, start: lt, openEnd: tagEnd, closeStart: tagEnd, end: tagEnd, selfClosing, children: [] };
      if (parent !== undefined) {
        el.parent = parent;
        parent.children.push(el);
      } else roots.push(el);
      if (!selfClosing) stack.push(el);
    }
    at = tagEnd;
  }
  return roots;
}

/** The start tag's text with attribute `name` set to `value` (added at the end when absent). */
export function setAttribute(startTag: string, name: string, value: string): string {
  const re = new RegExp(`(\\s${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*)("[^"]*"|'[^']*')`);
  if (re.test(startTag)) return startTag.replace(re, (_, pre: string) => `${pre}"${escapeAttr(value)}"`);
  const close = startTag.endsWith('/>') ? startTag.length - 2 : startTag.length - 1;
  return `${startTag.slice(0, close)} ${name}="${escapeAttr(value)}"${startTag.slice(close)}`;
}

/** The white space before `el` on its line (its indentation), or '' when it does not start a line. */
export function indentOf(text: string, el: XmlElement): string {
  let i = el.start;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i === 0 || text[i - 1] === '\n' ? text.slice(i, el.start) : '';
}
