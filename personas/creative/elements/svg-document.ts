/**
 * An SVG (XML) document as a tree of elements with the exact character range of each one, for byte-exact
 * splicing. The text is the file's bytes read as latin1, so that one character is one byte: offsets are
 * byte offsets, and writing the spliced text back as latin1 reproduces every untouched byte. Names and
 * attribute values are decoded from UTF-8 (and XML entities) only for display and lookups.
 */
import { XMLValidator } from 'fast-xml-parser';
import { StrataError } from '../../../porcelain/index.js';

export interface SvgAttribute {
  /** The attribute's name as written (`xlink:href`). */
  name: string;
  /** Its value, UTF-8 and entity decoded. */
  value: string;
}

export interface SvgElement {
  /** The tag as written (`g`, `svg:path`). */
  tag: string;
  attributes: SvgAttribute[];
  /** Offset of its `<`. */
  start: number;
  /** Offset just after the `>` of its start tag. */
  openEnd: number;
  /** Offset of its end tag's `<` (equal to `end` for an empty-element tag `<x/>`). */
  closeStart: number;
  /** Offset just after its end (`</x>` or `/>`). */
  end: number;
  selfClosing: boolean;
  parent: SvgElement | undefined;
  children: SvgElement[];
}

export interface SvgDocument {
  file: string;
  /** The file's bytes as latin1 text: one character per byte. */
  text: string;
  root: SvgElement;
  /** Every element in document order. */
  elements: SvgElement[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeUtf8(latin1: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(latin1)) return latin1;
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

export function decodeValue(raw: string): string {
  return decodeUtf8(raw).replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return ENTITIES[body] ?? whole;
  });
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function svgCorrupt(file: string, problem: string, hint?: string): StrataError {
  return new StrataError('ASSET_CORRUPT', `${file}: ${problem}.`, {
    hint: hint ?? 'The file is truncated or is not well-formed XML; open and re-save it in the program that made it.',
    data: { file },
  });
}

const NAME_START = /[A-Za-z_:\u0080-\u00ff]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u0080-\u00ff]/;

/** Reads an SVG file into its element tree; ASSET_CORRUPT / ASSET_UNSUPPORTED naming the file otherwise. */
export function parseSvgDocument(file: string, data: Buffer): SvgDocument {
  if (data.length === 0) throw svgCorrupt(file, 'file is empty');
  if ((data[0] === 0xfe && data[1] === 0xff) || (data[0] === 0xff && data[1] === 0xfe)) {
    throw new StrataError('ASSET_UNSUPPORTED', `${file}: UTF-16 SVG is not supported.`, {
      hint: 'Re-save it as UTF-8 (the encoding every SVG editor writes by default).',
      data: { file },
    });
  }
  if (data.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))) {
    throw new StrataError('ASSET_UNSUPPORTED', `${file}: compressed SVG (svgz) is not supported.`, {
      hint: 'Save it as plain SVG.',
      data: { file },
    });
  }
  const text = data.toString('latin1');
  const head = text.slice(0, 1024).replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart();
  if (!head.startsWith('<')) throw svgCorrupt(file, 'not an SVG file (it does not start with "<")', 'Give a .svg file (XML text).');
  const verdict = XMLValidator.validate(decodeUtf8(text), { allowBooleanAttributes: false });
  if (verdict !== true) {
    throw svgCorrupt(file, `not well-formed XML at line ${verdict.err.line}: ${verdict.err.msg}`);
  }
  const elements: SvgElement[] = [];
  const stack: SvgElement[] = [];
  let root: SvgElement | undefined;
  const n = text.length;
  let i = 0;
  const fail = (problem: string, at: number): never => {
    throw svgCorrupt(file, `${problem} (line ${lineOf(text, at)})`);
  };
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) fail('unterminated comment', lt);
      i = close + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      if (close < 0) fail('unterminated CDATA section', lt);
      i = close + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      if (close < 0) fail('unterminated processing instruction', lt);
      i = close + 2;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      // DOCTYPE, with an optional internal subset in brackets that may hold quoted '>' characters.
      let j = lt + 2;
      let depth = 0;
      let quote = '';
      for (; j < n; j++) {
        const c = text[j] as string;
        if (quote !== '') {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      if (j >= n) fail('unterminated declaration', lt);
      i = j + 1;
      continue;
    }
    if (text[lt + 1] === '/') {
      const close = text.indexOf('>', lt + 2);
      if (close < 0) fail('unterminated end tag', lt);
      const tag = text.slice(lt + 2, close).trim();
      const open = stack.pop();
      if (open === undefined || open.tag !== tag) fail(`end tag </${tag}> does not match <${open?.tag ?? ''}>`, lt);
      (open as SvgElement).closeStart = lt;
      (open as SvgElement).end = close + 1;
      i = close + 1;
      continue;
    }
    // A start tag.
    let j = lt + 1;
    if (!NAME_START.test(text[j] ?? '')) fail('"<" that starts no tag', lt);
    while (j < n && NAME_CHAR.test(text[j] as string)) j++;
    const tag = text.slice(lt + 1, j);
    const attributes: SvgAttribute[] = [];
    let selfClosing = false;
    for (;;) {
      while (j < n && /\s/.test(text[j] as string)) j++;
      if (j >= n) fail(`unterminated start tag <${tag}>`, lt);
      const c = text[j];
      if (c === '>') {
        j++;
        break;
      }
      if (c === '/' && text[j + 1] === '>') {
        selfClosing = true;
        j += 2;
        break;
      }
      const nameStart = j;
      while (j < n && NAME_CHAR.test(text[j] as string)) j++;
      if (j === nameStart) fail(`malformed attribute in <${tag}>`, lt);
      const name = text.slice(nameStart, j);
      while (j < n && /\s/.test(text[j] as string)) j++;
      if (text[j] !== '=') fail(`attribute ${name} of <${tag}> has no value`, lt);
      j++;
      while (j < n && /\s/.test(text[j] as string)) j++;
      const quote = text[j];
      if (quote !== '"' && quote !== "'") fail(`attribute ${name} of <${tag}> is not quoted`, lt);
      const close = text.indexOf(quote as string, j + 1);
      if (close < 0) fail(`unterminated attribute ${name} of <${tag}>`, lt);
      attributes.push({ name, value: decodeValue(text.slice(j + 1, close)) });
      j = close + 1;
    }
    const parent = stack[stack.length - 1];
    const element: SvgElement = { tag, attributes, start: lt, openEnd: j, closeStart: j, end: j, selfClosing, parent, children: [] };
    if (parent === undefined) {
      if (root !== undefined) fail('more than one root element', lt);
      root = element;
    } else parent.children.push(element);
    elements.push(element);
    if (!selfClosing) stack.push(element);
    i = j;
  }
  if (stack.length > 0) throw svgCorrupt(file, `<${(stack[stack.length - 1] as SvgElement).tag}> is never closed (truncated?)`);
  if (root === undefined) throw svgCorrupt(file, 'no root element');
  const local = root.tag.slice(root.tag.indexOf(':') + 1);
  if (local !== 'svg') {
    throw new StrataError('ASSET_UNSUPPORTED', `${file}: the root element is <${root.tag}>, not <svg>.`, { hint: 'Give an SVG file.', data: { file } });
  }
  return { file, text, root, elements };
}

export function attribute(element: SvgElement, name: string): string | undefined {
  return element.attributes.find((a) => a.name === name)?.value;
}

/** The local part of a tag or attribute name (`path` of `svg:path`). */
export function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** The prefix the document binds to `namespace` (searching the element and its ancestors), if any. */
export function prefixOf(element: SvgElement, namespace: string): string | undefined {
  for (let at: SvgElement | undefined = element; at !== undefined; at = at.parent) {
    for (const a of at.attributes) if (a.name.startsWith('xmlns:') && a.value === namespace) return a.name.slice(6);
  }
  return undefined;
}

/** The value of a CSS property in a `style` attribute. */
export function styleProperty(style: string | undefined, property: string): string | undefined {
  if (style === undefined) return undefined;
  let found: string | undefined;
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    if (declaration.slice(0, colon).trim().toLowerCase() === property) found = declaration.slice(colon + 1).replace(/!important/i, '').trim();
  }
  return found;
}

/** Ids an element's attributes refer to: `url(#id)` anywhere, `href`/`xlink:href` of `#id`. */
export function referencedIds(element: SvgElement): string[] {
  const ids: string[] = [];
  for (const a of element.attributes) {
    if (localName(a.name) === 'href' && a.value.trim().startsWith('#')) ids.push(a.value.trim().slice(1));
    for (const match of a.value.matchAll(/url\(\s*['"]?#([^'")\s]+)['"]?\s*\)/g)) ids.push(match[1] as string);
  }
  return ids;
}

/** The element and every element inside it, in document order. */
export function subtree(element: SvgElement): SvgElement[] {
  const out: SvgElement[] = [];
  const visit = (e: SvgElement): void => {
    out.push(e);
    for (const c of e.children) visit(c);
  };
  visit(element);
  return out;
}

export function isInside(element: SvgElement, ancestor: SvgElement): boolean {
  for (let at: SvgElement | undefined = element; at !== undefined; at = at.parent) if (at === ancestor) return true;
  return false;
}

/** The source text of an element, as latin1 (one character per byte). */
export function sourceOf(doc: SvgDocument, element: SvgElement): string {
  return doc.text.slice(element.start, element.end);
}

/** The first element with this id (decoded), if any. */
export function byId(doc: SvgDocument): Map<string, SvgElement> {
  const map = new Map<string, SvgElement>();
  for (const e of doc.elements) {
    const id = attribute(e, 'id');
    if (id !== undefined && !map.has(id)) map.set(id, e);
  }
  return map;
}

/**
 * The elements `element` needs from elsewhere in the document (gradients, patterns, clip paths, markers,
 * filters, symbols and `<use>` targets), followed transitively; none inside `element` itself. The
 * outermost of nested ones only, in document order.
 */
export function dependencies(element: SvgElement, ids: Map<string, SvgElement>): SvgElement[] {
  const needed = new Set<SvgElement>();
  const queue = [...subtree(element)];
  const seen = new Set<SvgElement>(queue);
  while (queue.length > 0) {
    const e = queue.shift() as SvgElement;
    for (const id of referencedIds(e)) {
      const target = ids.get(id);
      if (target === undefined || isInside(target, element) || needed.has(target)) continue;
      needed.add(target);
      for (const d of subtree(target)) {
        if (!seen.has(d)) {
          seen.add(d);
          queue.push(d);
        }
      }
    }
  }
  const list = [...needed].filter((e) => ![...needed].some((other) => other !== e && isInside(e, other)));
  return list.sort((a, b) => a.start - b.start);
}

/** Validates the text as XML (fast-xml-parser's XMLValidator); ASSET_CORRUPT naming the file if not. */
export function assertWellFormed(file: string, latin1Text: string): void {
  const verdict = XMLValidator.validate(decodeUtf8(latin1Text));
  if (verdict !== true) throw svgCorrupt(file, `the result would not be well-formed XML (line ${verdict.err.line}: ${verdict.err.msg})`);
}
