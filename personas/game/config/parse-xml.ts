/**
 * XML layers: a small reader (elements, attributes, text, comments, CDATA, character and the five
 * predefined entities; the XML declaration, processing instructions and a DOCTYPE are skipped) that
 * keeps the line of every element and attribute, and the mapping of a document to the layer model:
 *
 * - the root element is the top-level key, by its tag;
 * - an element is an object: its attributes as keys `@name`, its child elements by tag, its text
 *   (trimmed, CDATA included) as `#text`; an element with only text is that text, an empty one `""`;
 * - a tag that occurs more than once among its siblings is an array of the elements, in order
 *   (values are plain data, the array's origin is the line of its first element);
 * - a `where` filter keeps only the elements (below the root) whose attribute equals one of the given
 *   values (and, with `includeMissing`, those without the attribute): one rule file, one view per
 *   platform. A tag repeated in the file stays an array in every view, even with one element or none.
 *
 * Attribute values are strings. One leniency: a raw `<` inside an attribute value is accepted (it is
 * not well-formed XML, but real rule files such as SuperTuxKart's write `version="<10.0"`).
 */
import { configParseError } from './parse-error.js';
import type { ConfigObject, ConfigNode, PlainValue } from './types.js';

export interface XmlAttribute {
  name: string;
  value: string;
  line: number;
}

export interface XmlElement {
  name: string;
  line: number;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** The element's own text (not its children's), CDATA included, entities decoded, untrimmed. */
  text: string;
}

export interface XmlDocument {
  file: string;
  root: XmlElement;
}

/** Keeps elements by an attribute: `{ attribute: 'os', equals: 'linux', includeMissing: true }`. */
export interface XmlWhere {
  attribute: string;
  equals: string | string[];
  includeMissing?: boolean | undefined;
}

const NAME = /[A-Za-z_:\u00c0-\uffff][A-Za-z0-9_:.\-\u00b7\u00c0-\uffff]*/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseXml(file: string, text: string): XmlDocument {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const fail = (problem: string, at = line): never => {
    throw configParseError(file, at, problem);
  };
  /** Advances to `to`, counting line breaks. */
  const advance = (to: number): void => {
    for (; i < to; i++) if (text.charCodeAt(i) === 10) line++;
  };
  const skipTo = (end: string, what: string): void => {
    const start = line;
    const j = text.indexOf(end, i);
    if (j < 0) fail(`unterminated ${what}`, start);
    advance(j + end.length);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) advance(i + 1);
  };
  const name = (what: string): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (m === null) return fail(text[i] === undefined ? `unexpected end of file: expected ${what}` : `expected ${what}, found ${JSON.stringify(text[i])}`);
    i += m[0].length;
    return m[0];
  };
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&\s<]*);?/g, (whole: string, ref: string, offset: number) => {
      const here = at + (raw.slice(0, offset).match(/\n/g) ?? []).length;
      if (!whole.endsWith(';')) fail(`"&" must start an entity such as &amp; (write "&amp;" for a literal "&")`, here);
      const predefined = PREDEFINED[ref];
      if (predefined !== undefined) return predefined;
      const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
      if (num !== null) {
        const code = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2] as string, 10);
        if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
      }
      return fail(`unknown entity &${ref};`, here);
    });
  /** Skips comments, processing instructions and (before the root) a DOCTYPE; true when it skipped one. */
  const misc = (prolog: boolean): boolean => {
    if (text.startsWith('<!--', i)) {
      const start = line;
      const j = text.indexOf('-->', i + 4);
      if (j < 0) fail('unterminated comment', start);
      advance(j + 3);
      return true;
    }
    if (text.startsWith('<?', i)) {
      skipTo('?>', 'processing instruction');
      return true;
    }
    if (prolog && text.startsWith('<!DOCTYPE', i)) {
      const start = line;
      let depth = 0;
      for (;;) {
        const c = text[i];
        if (c === undefined) fail('unterminated DOCTYPE', start);
        advance(i + 1);
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) return true;
      }
    }
    return false;
  };

  const element = (): XmlElement => {
    const startLine = line;
    i++; // <
    const tag = name('an element name');
    const el: XmlElement = { name: tag, line: startLine, attributes: [], children: [], text: '' };
    for (;;) {
      const before = i;
      ws();
      if (text.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      if (i === before && text[i] !== undefined) fail(`expected whitespace, ">" or "/>" in <${tag}>, found ${JSON.stringify(text[i])}`);
      if (text[i] === undefined) fail(`unexpected end of file inside the tag <${tag}> opened on line ${startLine}`);
      const attrLine = line;
      const attr = name(`an attribute name or ">" in <${tag}>`);
      ws();
      if (text[i] !== '=') fail(`expected "=" after the attribute ${attr} of <${tag}>`);
      i++;
      ws();
      const q = text[i];
      if (q !== '"' && q !== "'") fail(`the value of ${attr} in <${tag}> must be in quotes`);
      const valueLine = line;
      const end = text.indexOf(q as string, i + 1);
      if (end < 0) fail(`unterminated value of the attribute ${attr} in <${tag}>`, valueLine);
      const raw = text.slice(i + 1, end);
      advance(end + 1);
      if (el.attributes.some((a) => a.name === attr)) fail(`<${tag}> has the attribute ${attr} twice`, attrLine);
      el.attributes.push({ name: attr, value: decode(raw, valueLine).replace(/[\t\n\r]/g, ' '), line: attrLine });
    }
    for (;;) {
      if (i >= text.length) fail(`unexpected end of file: <${tag}> opened on line ${startLine} is not closed`);
      if (text.startsWith('</', i)) {
        const closeLine = line;
        i += 2;
        const closing = name('an element name after "</"');
        ws();
        if (text[i] !== '>') fail(`expected ">" to end </${closing}>`);
        i++;
        if (closing !== tag) fail(`</${closing}> does not match <${tag}> opened on line ${startLine}`, closeLine);
        return el;
      }
      if (text.startsWith('<![CDATA[', i)) {
        const start = line;
        const j = text.indexOf(']]>', i + 9);
        if (j < 0) fail('unterminated CDATA section', start);
        el.text += text.slice(i + 9, j);
        advance(j + 3);
        continue;
      }
      if (misc(false)) continue;
      if (text[i] === '<') {
        if (text.startsWith('<!', i)) fail(`unexpected ${JSON.stringify(text.slice(i, i + 9))} inside <${tag}>`);
        el.children.push(element());
        continue;
      }
      const j = text.indexOf('<', i);
      const end = j < 0 ? text.length : j;
      const textLine = line;
      const raw = text.slice(i, end);
      advance(end);
      el.text += decode(raw, textLine);
    }
  };

  let root: XmlElement | undefined;
  for (;;) {
    ws();
    if (i >= text.length) break;
    if (misc(root === undefined)) continue;
    if (text[i] === '<' && !text.startsWith('</', i)) {
      if (root !== undefined) fail(`a second top-level element <${text.slice(i + 1).split(/[\s/>]/)[0] ?? ''}>: an XML document has one root (<${root.name}>, line ${root.line})`);
      root = element();
      continue;
    }
    fail(text.startsWith('</', i) ? `unexpected closing tag ${text.slice(i).split('>')[0] ?? ''}>` : `unexpected text ${JSON.stringify(text.slice(i, i + 20))} outside the root element`);
  }
  if (root === undefined) return fail('no root element: the file holds no XML element', 1);
  return { file, root };
}

function keeps(el: XmlElement, where: XmlWhere | undefined): boolean {
  if (where === undefined) return true;
  const attr = el.attributes.find((a) => a.name === where.attribute);
  if (attr === undefined) return where.includeMissing === true;
  return [where.equals].flat().includes(attr.value);
}

/** An element as plain data (inside arrays). */
function plainOf(el: XmlElement, where: XmlWhere | undefined): PlainValue {
  const node = nodeOf('', el, where);
  const toPlain = (n: ConfigNode): PlainValue => {
    if (n.kind === 'value') return n.value;
    const o: { [k: string]: PlainValue } = {};
    for (const [k, v] of n.children) o[k] = toPlain(v);
    return o;
  };
  return toPlain(node);
}

function nodeOf(file: string, el: XmlElement, where: XmlWhere | undefined): ConfigNode {
  const origin = { file, line: el.line };
  const text = el.text.trim();
  if (el.attributes.length === 0 && el.children.length === 0) return { kind: 'value', value: text, origin };
  const children = new Map<string, ConfigNode>();
  for (const a of el.attributes) children.set(`@${a.name}`, { kind: 'value', value: a.value, origin: { file, line: a.line } });
  const groups = new Map<string, XmlElement[]>();
  for (const c of el.children) {
    const g = groups.get(c.name);
    if (g === undefined) groups.set(c.name, [c]);
    else g.push(c);
  }
  for (const [tag, all] of groups) {
    const kept = all.filter((c) => keeps(c, where));
    if (all.length === 1) {
      const only = kept[0];
      if (only !== undefined) children.set(tag, nodeOf(file, only, where));
      continue;
    }
    const first = kept[0] ?? (all[0] as XmlElement);
    children.set(tag, { kind: 'value', value: kept.map((c) => plainOf(c, where)), origin: { file, line: first.line } });
  }
  if (text !== '') children.set('#text', { kind: 'value', value: text, origin });
  return { kind: 'object', children, origin };
}

/** A parsed XML document as a configuration layer, optionally filtered by an attribute (see the top of this file). */
export function xmlToLayer(doc: XmlDocument, where?: XmlWhere): ConfigObject {
  const top: ConfigObject = { kind: 'object', children: new Map(), origin: { file: doc.file, line: doc.root.line } };
  top.children.set(doc.root.name, nodeOf(doc.file, doc.root, where));
  return top;
}

/** Parses an XML file straight to a layer (no filter). */
export function parseXmlLayer(file: string, text: string, where?: XmlWhere): ConfigObject {
  return xmlToLayer(parseXml(file, text), where);
}
