/**
 * SVG elements: every element with an `id` (`#<id>`; Inkscape layers — `<g inkscape:groupmode="layer">`
 * — are kind `layer` with their `inkscape:label`), extracted as a standalone SVG and restored by splicing
 * the element's exact byte range, so that every byte outside it stays as it is.
 */
import type { ElementFile, ElementHandler, ElementInfo, OutputFile, RestoreResult } from './element.js';
import { findElement } from './element.js';
import {
  assertWellFormed,
  attribute,
  byId,
  dependencies,
  isInside,
  localName,
  parseSvgDocument,
  prefixOf,
  sourceOf,
  styleProperty,
  subtree,
  type SvgDocument,
  type SvgElement,
} from './svg-document.js';

const INKSCAPE = 'http://www.inkscape.org/namespaces/inkscape';

interface Entry {
  info: ElementInfo;
  element: SvgElement;
}

/** A Unicode string as latin1 text of its UTF-8 bytes (the form the document text is in). */
function toLatin1(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function displayNone(e: SvgElement): boolean {
  const value = styleProperty(attribute(e, 'style'), 'display') ?? attribute(e, 'display');
  return value?.trim().toLowerCase() === 'none';
}

function ownVisibility(e: SvgElement): string | undefined {
  const value = styleProperty(attribute(e, 'style'), 'visibility') ?? attribute(e, 'visibility');
  const v = value?.trim().toLowerCase();
  return v === undefined || v === 'inherit' ? undefined : v;
}

function isVisible(e: SvgElement): boolean {
  let visibility: string | undefined;
  for (let at: SvgElement | undefined = e; at !== undefined; at = at.parent) {
    if (displayNone(at)) return false;
    if (visibility === undefined) visibility = ownVisibility(at);
  }
  return visibility === undefined || visibility === 'visible';
}

function layerLabel(e: SvgElement): string | undefined | null {
  if (localName(e.tag) !== 'g') return null;
  const prefix = prefixOf(e, INKSCAPE) ?? 'inkscape';
  if (attribute(e, `${prefix}:groupmode`) !== 'layer') return null;
  return attribute(e, `${prefix}:label`);
}

function entries(doc: SvgDocument): Entry[] {
  const out: Entry[] = [];
  const names = new Map<SvgElement, string>();
  const taken = new Set<string>();
  for (const element of doc.elements) {
    const id = attribute(element, 'id');
    if (id === undefined || id === '') continue;
    let name = `#${id}`;
    for (let i = 2; taken.has(name); i++) name = `#${id}#${i}`;
    taken.add(name);
    names.set(element, name);
    let parent: string | undefined;
    for (let at = element.parent; at !== undefined; at = at.parent) {
      const named = names.get(at);
      if (named !== undefined) {
        parent = named;
        break;
      }
    }
    const label = layerLabel(element);
    const details: ElementInfo['details'] = {
      tag: element.tag,
      children: element.children.length,
      visible: isVisible(element),
    };
    const transform = attribute(element, 'transform');
    if (transform !== undefined) details.transform = transform;
    const href = element.attributes.find((a) => localName(a.name) === 'href')?.value;
    if (href !== undefined && (localName(element.tag) === 'use' || localName(element.tag) === 'image')) {
      details.href = href.startsWith('data:') ? `${href.slice(0, href.indexOf(',') + 1)}…` : href;
    }
    out.push({
      info: {
        name,
        kind: label === null ? 'element' : 'layer',
        ...(parent === undefined ? {} : { parent }),
        ...(label === null || label === undefined ? {} : { label }),
        details,
      },
      element,
    });
  }
  return out;
}

function lookup(file: string, list: Entry[], wanted: string): Entry {
  const info = findElement(file, list.map((e) => e.info), wanted);
  return list.find((e) => e.info === info) as Entry;
}

/** The whitespace before an element in its text, from the last line break (a single space when none). */
function leadingWhitespace(doc: SvgDocument, e: SvgElement): string {
  let i = e.start;
  while (i > 0 && /[ \t\r\n]/.test(doc.text[i - 1] as string)) i--;
  const ws = doc.text.slice(i, e.start);
  const nl = ws.lastIndexOf('\n');
  if (nl >= 0) return ws.slice(nl > 0 && ws[nl - 1] === '\r' ? nl - 1 : nl);
  return '\n';
}

export async function listSvgElements(file: ElementFile): Promise<ElementInfo[]> {
  return entries(parseSvgDocument(file.name, file.data)).map((e) => e.info);
}

/**
 * The element as a standalone SVG: the original prolog and `<svg>` start tag (size, viewBox,
 * namespaces), the `<style>` sheets of the document, the definitions it references (followed
 * transitively), and the element wrapped in a `<g transform>` composing its ancestors' transforms
 * (outermost first), so it sits where it sat in the whole drawing.
 */
export async function extractSvgElement(file: ElementFile, element: string, outName: string): Promise<OutputFile[]> {
  const doc = parseSvgDocument(file.name, file.data);
  const list = entries(doc);
  const target = lookup(file.name, list, element).element;
  const name = outName.replace(/\.[^./\\]*$/, '') + '.svg';
  if (target === doc.root) return [{ name, data: file.data }];
  const ids = byId(doc);
  const deps = dependencies(target, ids);
  const root = doc.root;
  let open = doc.text.slice(root.start, root.openEnd);
  const declared = new Set(root.attributes.map((a) => a.name));
  const extraNamespaces: string[] = [];
  const transforms: string[] = [];
  let inDefs = false;
  for (let at = target.parent; at !== undefined && at !== root; at = at.parent) {
    for (const a of at.attributes) {
      if ((a.name === 'xmlns' || a.name.startsWith('xmlns:')) && !declared.has(a.name)) {
        declared.add(a.name);
        extraNamespaces.push(` ${a.name}="${escapeAttribute(toLatin1(a.value))}"`);
      }
    }
    const t = attribute(at, 'transform');
    if (t !== undefined && t.trim() !== '') transforms.unshift(t.trim());
    if (localName(at.tag) === 'defs') inDefs = true;
  }
  if (extraNamespaces.length > 0) open = open.slice(0, -1) + extraNamespaces.join('') + '>';
  const styles = doc.elements.filter((e) => localName(e.tag) === 'style' && !isInside(e, target) && !deps.some((d) => isInside(e, d)));
  const parts: string[] = [doc.text.slice(0, root.start), open, '\n'];
  for (const style of styles) parts.push('  ', sourceOf(doc, style), '\n');
  const definitions = deps.map((d) => sourceOf(doc, d));
  if (inDefs) definitions.push(sourceOf(doc, target));
  if (definitions.length > 0) {
    parts.push('  <defs>\n');
    for (const d of definitions) parts.push('    ', d, '\n');
    parts.push('  </defs>\n');
  }
  if (!inDefs) {
    if (transforms.length > 0) parts.push(`  <g transform="${escapeAttribute(toLatin1(transforms.join(' ')))}">\n    `, sourceOf(doc, target), '\n  </g>\n');
    else parts.push('  ', sourceOf(doc, target), '\n');
  }
  parts.push(`</${root.tag}>\n`);
  const text = parts.join('');
  assertWellFormed(name, text);
  return [{ name, data: Buffer.from(text, 'latin1') }];
}

export interface SvgRestoreResult extends RestoreResult {
  /**
   * Where the element went: `replaced` (over the current element of the same id), `parent` (the current
   * file lacked it: added into the element `parent` names, next to its old siblings) or `root` (added at
   * the end of the root element, no ancestor of it existing in the current file).
   */
  placement: 'replaced' | 'parent' | 'root';
  /** The element it was added into, for `parent` and `root`. */
  parent?: string;
  /** Definitions (gradients, patterns, `<use>` targets…) it references that the current file lacked, added to its `<defs>`. */
  addedDefinitions: string[];
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * `current` with the element as it is in `old`: its bytes replace the current element's bytes exactly
 * (or are inserted into the parent with the same id, else at the end of the root), and the definitions it
 * references that `current` lacks are added to the first top-level `<defs>` (created when missing).
 * Every other byte of `current` is kept.
 */
export async function restoreSvgElement(current: ElementFile, old: ElementFile, element: string): Promise<SvgRestoreResult> {
  const oldDoc = parseSvgDocument(old.name, old.data);
  const curDoc = parseSvgDocument(current.name, current.data);
  const oldList = entries(oldDoc);
  const source = lookup(old.name, oldList, element);
  const curList = entries(curDoc);
  const existing = curList.find((e) => e.info.name === source.info.name);
  const oldElement = source.element;
  const replacement = sourceOf(oldDoc, oldElement);
  const edits: Edit[] = [];
  let placement: SvgRestoreResult['placement'] = 'replaced';
  let parentName: string | undefined;
  let removed: SvgElement | undefined;
  if (existing !== undefined) {
    removed = existing.element;
    edits.push({ start: removed.start, end: removed.end, text: replacement });
  } else {
    const curIds = byId(curDoc);
    let parent: SvgElement = curDoc.root;
    placement = 'root';
    for (let at = oldElement.parent; at !== undefined; at = at.parent) {
      if (at === oldDoc.root) break;
      const id = attribute(at, 'id');
      const match = id === undefined ? undefined : curIds.get(id);
      if (match !== undefined) {
        parent = match;
        placement = 'parent';
        break;
      }
    }
    parentName = attribute(parent, 'id') === undefined ? `<${parent.tag}>` : `#${attribute(parent, 'id') as string}`;
    const ws = leadingWhitespace(oldDoc, oldElement);
    const siblings = oldElement.parent?.children ?? [];
    const index = siblings.indexOf(oldElement);
    const inParent = (id: string | undefined): SvgElement | undefined => {
      const e = id === undefined ? undefined : curIds.get(id);
      return e !== undefined && e.parent === parent ? e : undefined;
    };
    let edit: Edit | undefined;
    for (let i = index - 1; i >= 0 && edit === undefined; i--) {
      const anchor = inParent(attribute(siblings[i] as SvgElement, 'id'));
      if (anchor !== undefined) edit = { start: anchor.end, end: anchor.end, text: ws + replacement };
    }
    for (let i = index + 1; i < siblings.length && edit === undefined; i++) {
      const anchor = inParent(attribute(siblings[i] as SvgElement, 'id'));
      if (anchor !== undefined) edit = { start: anchor.start, end: anchor.start, text: replacement + ws };
    }
    // At the end of the parent: indented like the parent's own children.
    if (edit === undefined) edit = appendInto(curDoc, parent, [replacement], undefined);
    edits.push(edit);
  }

  // Definitions it needs that the current file (less what is being replaced) lacks.
  const curIds = new Map<string, SvgElement>();
  for (const [id, e] of byId(curDoc)) if (removed === undefined || !isInside(e, removed)) curIds.set(id, e);
  const missing = dependencies(oldElement, byId(oldDoc)).filter((d) => {
    const id = attribute(d, 'id');
    return id !== undefined && !curIds.has(id);
  });
  const addedDefinitions = missing.map((d) => `#${attribute(d, 'id') as string}`);
  if (missing.length > 0) {
    const texts = missing.map((d) => sourceOf(oldDoc, d));
    const defs = curDoc.root.children.find((c) => localName(c.tag) === 'defs' && (removed === undefined || !isInside(c, removed)));
    if (defs !== undefined) edits.push(appendInto(curDoc, defs, texts, undefined));
    else {
      const indent = curDoc.root.children[0] === undefined ? '\n  ' : leadingWhitespace(curDoc, curDoc.root.children[0]);
      const inner = indent + (indent.endsWith('\t') ? '\t' : '  ');
      const block = `${indent}<defs>${texts.map((t) => inner + t).join('')}${indent}</defs>`;
      if (curDoc.root.selfClosing) edits.push(appendInto(curDoc, curDoc.root, [block.trimStart()], indent));
      else edits.push({ start: curDoc.root.openEnd, end: curDoc.root.openEnd, text: block });
    }
  }
  // Apply from the end so offsets stay valid; edits never overlap (definitions go outside the replaced range).
  edits.sort((a, b) => b.start - a.start);
  let text = curDoc.text;
  for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  assertWellFormed(current.name, text);
  const restored = [source.info.name];
  for (const d of subtree(oldElement)) {
    if (d === oldElement) continue;
    const name = oldList.find((e) => e.element === d)?.info.name;
    if (name !== undefined) restored.push(name);
  }
  restored.push(...addedDefinitions);
  return {
    data: Buffer.from(text, 'latin1'),
    companions: [],
    restored,
    placement,
    ...(parentName === undefined ? {} : { parent: parentName }),
    addedDefinitions,
  };
}

/** An edit adding `texts` as the last children of `parent` (an empty-element tag is opened and closed). */
function appendInto(doc: SvgDocument, parent: SvgElement, texts: string[], ws: string | undefined): Edit {
  const last = parent.children[parent.children.length - 1];
  const childWs = ws ?? (last !== undefined ? leadingWhitespace(doc, last) : leadingWhitespace(doc, parent) + '  ');
  const body = texts.map((t) => childWs + t).join('');
  if (last !== undefined) return { start: last.end, end: last.end, text: body };
  if (!parent.selfClosing) {
    const closeWs = leadingWhitespace(doc, parent);
    return { start: parent.openEnd, end: parent.openEnd, text: body + closeWs };
  }
  const openTag = doc.text.slice(parent.start, parent.end).replace(/\s*\/>$/, '>');
  return { start: parent.start, end: parent.end, text: `${openTag}${body}${leadingWhitespace(doc, parent)}</${parent.tag}>` };
}

export const svgHandler: ElementHandler = {
  extensions: ['svg'],
  list: listSvgElements,
  extract: extractSvgElement,
  restore: restoreSvgElement,
};
