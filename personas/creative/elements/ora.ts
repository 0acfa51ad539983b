/**
 * OpenRaster documents (`.ora`, written by GIMP, Krita, MyPaint) as elements: the layers and stacks of
 * `stack.xml` (named by their path from the top), a layer extracted as its own PNG (its size, not the
 * canvas), a stack composited on the canvas, and a layer or stack restored from another version: its
 * element spliced into the current `stack.xml` (every other byte kept), its PNGs copied (every other file's
 * compressed bytes kept), `mergedimage.png` and `Thumbnails/thumbnail.png` redrawn.
 */
import sharp from 'sharp';
import { StrataError } from '../../../porcelain/index.js';
import { encodePng } from '../image/encode.js';
import { MAX_PSD_PIXELS } from '../image/psd.js';
import { createRaster, type RasterImage } from '../image/raster.js';
import { findElement, type ElementFile, type ElementHandler, type ElementInfo, type OutputFile, type RestoreResult } from './element.js';
import { blendModeOf, drawLayer } from './raster-composite.js';
import { childPath, insertionIndex, parentPath, uniqueNames } from './raster-tree.js';
import { indentOf, scanXml, setAttribute, xmlProblem, type XmlElement } from './raster-xml.js';
import { entryData, findEntry, makeEntry, readZip, writeZip, type ZipArchive, type ZipEntry } from './zip-archive.js';

const KIND = 'OpenRaster document';
const ORA_MIME = 'image/openraster';

interface OraNode {
  name: string;
  parent?: string;
  el: XmlElement;
  /** Top-first index in its stack, and the path names of the stack's members. */
  index: number;
  siblingNames: string[];
  children: OraNode[];
}

interface OraDocument {
  file: string;
  archive: ZipArchive;
  stackEntry: ZipEntry;
  xml: string;
  width: number;
  height: number;
  root: XmlElement;
  roots: OraNode[];
  nodes: OraNode[];
}

function corrupt(file: string, why: string): StrataError {
  return new StrataError('ASSET_CORRUPT', `${file}: the OpenRaster document is damaged (${why}).`, { data: { file } });
}

function unsupported(file: string, why: string): StrataError {
  return new StrataError('ASSET_UNSUPPORTED', `${file}: ${why}`, { data: { file } });
}

function walk(stack: XmlElement, parent: string | undefined, nodes: OraNode[]): OraNode[] {
  const members = stack.children.filter((c) => c.tag === 'layer' || c.tag === 'stack');
  const names = uniqueNames(members.map((m) => m.attrs.name ?? '(unnamed)')).map((n) => childPath(parent, n));
  return members.map((el, index) => {
    const node: OraNode = { name: names[index] as string, ...(parent === undefined ? {} : { parent }), el, index, siblingNames: names, children: [] };
    nodes.push(node);
    if (el.tag === 'stack') node.children = walk(el, node.name, nodes);
    return node;
  });
}

function readOra(file: ElementFile): OraDocument {
  if (file.data.length === 0) throw corrupt(file.name, 'the file is empty');
  const archive = readZip(file.name, file.data, KIND);
  const mimeEntry = findEntry(archive, 'mimetype');
  const mime = mimeEntry === undefined ? undefined : entryData(archive, mimeEntry, KIND).toString('latin1').trim();
  if (mime !== undefined && mime !== ORA_MIME) throw unsupported(file.name, `not an OpenRaster document (its mimetype is ${mime === '' ? 'empty' : mime}).`);
  const stackEntry = findEntry(archive, 'stack.xml');
  if (stackEntry === undefined) {
    if (mime === ORA_MIME) throw corrupt(file.name, 'stack.xml is missing');
    throw unsupported(file.name, 'not an OpenRaster document (a zip archive without stack.xml).');
  }
  const xml = entryData(archive, stackEntry, KIND).toString('utf8');
  const problem = xmlProblem(xml);
  if (problem !== undefined) throw corrupt(file.name, `stack.xml is not well-formed: ${problem}`);
  const image = scanXml(xml).find((e) => e.tag === 'image');
  const root = image?.children.find((e) => e.tag === 'stack');
  if (image === undefined || root === undefined) throw corrupt(file.name, 'stack.xml has no image with a stack');
  const width = Number(image.attrs.w);
  const height = Number(image.attrs.h);
  if (!(width > 0 && height > 0)) throw corrupt(file.name, 'the image has no size (w, h)');
  const nodes: OraNode[] = [];
  const roots = walk(root, undefined, nodes);
  nodes.sort((a, b) => a.el.start - b.el.start);
  return { file: file.name, archive, stackEntry, xml, width, height, root, roots, nodes };
}

function layerBytes(doc: OraDocument, node: OraNode): Buffer {
  const src = node.el.attrs.src;
  if (src === undefined || src === '') throw corrupt(doc.file, `layer "${node.name}" has no src`);
  const entry = findEntry(doc.archive, src);
  if (entry === undefined) throw corrupt(doc.file, `the picture of layer "${node.name}" (${src}) is missing`);
  return entryData(doc.archive, entry, KIND);
}

/** Width and height from a PNG's IHDR, without decoding it. */
function pngSize(data: Buffer): { width: number; height: number } | undefined {
  if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47 || data.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

const num = (v: string | undefined, fallback: number) => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? fallback : Number(v));
const visible = (n: OraNode) => n.el.attrs.visibility !== 'hidden';

function countMembers(node: OraNode): number {
  return node.children.reduce((n, c) => n + 1 + countMembers(c), 0);
}

function infoOf(doc: OraDocument, node: OraNode): ElementInfo {
  const a = node.el.attrs;
  const blend = blendModeOf(a['composite-op'] ?? 'svg:src-over');
  const details: ElementInfo['details'] = {
    type: node.el.tag,
    visible: visible(node),
    opacity: Math.round(num(a.opacity, 1) * 1000) / 1000,
    blendMode: a['composite-op'] ?? 'svg:src-over',
    blendHonoured: blend.honoured,
    x: num(a.x, 0),
    y: num(a.y, 0),
  };
  if (node.el.tag === 'layer') {
    details.src = a.src ?? null;
    const e = a.src === undefined ? undefined : findEntry(doc.archive, a.src);
    const size = e === undefined ? undefined : pngSize(entryData(doc.archive, e, KIND));
    details.width = size?.width ?? null;
    details.height = size?.height ?? null;
  } else {
    details.members = countMembers(node);
    if (a.isolation !== undefined) details.isolation = a.isolation;
  }
  return { name: node.name, kind: node.el.tag === 'stack' ? 'group' : 'layer', ...(node.parent === undefined ? {} : { parent: node.parent }), details };
}

function infos(doc: OraDocument): ElementInfo[] {
  return doc.nodes.map((n) => infoOf(doc, n));
}

async function decodeLayer(doc: OraDocument, node: OraNode): Promise<RasterImage> {
  try {
    const { data, info } = await sharp(layerBytes(doc, node)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw corrupt(doc.file, `the picture of layer "${node.name}" cannot be decoded: ${(err as Error).message}`);
  }
}

/** Draws `nodes` (top first, as in stack.xml) onto `canvas`, bottom up. */
async function renderNodes(doc: OraDocument, nodes: readonly OraNode[], canvas: RasterImage): Promise<void> {
  for (const node of [...nodes].reverse()) {
    if (!visible(node)) continue;
    const a = node.el.attrs;
    const options = { opacity: num(a.opacity, 1), mode: blendModeOf(a['composite-op']).mode };
    if (node.el.tag === 'stack') {
      const sub = createRaster(canvas.width, canvas.height);
      await renderNodes(doc, node.children, sub);
      drawLayer(canvas, sub, { left: 0, top: 0, ...options });
    } else {
      drawLayer(canvas, await decodeLayer(doc, node), { left: num(a.x, 0), top: num(a.y, 0), ...options });
    }
  }
}

function checkCanvas(doc: OraDocument): void {
  if (doc.width * doc.height > MAX_PSD_PIXELS) {
    throw unsupported(doc.file, `the canvas is ${doc.width} x ${doc.height}, larger than the ${MAX_PSD_PIXELS / 1e6} megapixels strata draws.`);
  }
}

function pngName(outName: string): string {
  return /\.png$/i.test(outName) ? outName : `${outName.replace(/\.[^./\\]*$/, '')}.png`;
}

function subtree(doc: OraDocument, node: OraNode): OraNode[] {
  return doc.nodes.filter((n) => n === node || n.name.startsWith(`${node.name}/`));
}

function reindent(text: string, from: string, to: string): string {
  return from === to ? text : text.split(`\n${from}`).join(`\n${to}`);
}

/** stack.xml with `text` inserted where `source` was in the old document. */
function insertNode(cur: OraDocument, source: OraNode, text: string, oldIndent: string): { xml: string; body: string } {
  let parentName = source.parent;
  let parent: OraNode | undefined;
  while (parentName !== undefined) {
    parent = cur.nodes.find((n) => n.name === parentName && n.el.tag === 'stack');
    if (parent !== undefined) break;
    parentName = parentPath(parentName);
  }
  const stack = parent?.el ?? cur.root;
  const members = parent?.children ?? cur.roots;
  const xml = cur.xml;
  const at = parentName === source.parent ? insertionIndex(source.siblingNames, source.index, members.map((m) => m.name)) : Math.min(source.index, members.length);
  const stackIndent = indentOf(xml, stack);
  const childIndent = members[0] === undefined ? `${stackIndent}  ` : indentOf(xml, members[0].el);
  const body = reindent(text, oldIndent, childIndent);
  const before = members[at];
  if (before !== undefined) return { xml: `${xml.slice(0, before.el.start)}${body}\n${childIndent}${xml.slice(before.el.start)}`, body };
  const last = members[members.length - 1];
  if (last !== undefined) return { xml: `${xml.slice(0, last.el.end)}\n${childIndent}${body}${xml.slice(last.el.end)}`, body };
  if (stack.selfClosing) {
    const open = xml.slice(stack.start, stack.end).replace(/\s*\/>$/, '>');
    return { xml: `${xml.slice(0, stack.start)}${open}\n${childIndent}${body}\n${stackIndent}</stack>${xml.slice(stack.end)}`, body };
  }
  return { xml: `${xml.slice(0, stack.openEnd)}\n${childIndent}${body}${xml.slice(stack.openEnd)}`, body };
}

/** A path like `data/x.png` not used by any entry: `data/x-2.png`, `data/x-3.png`… */
function freshPath(path: string, used: Set<string>): string {
  const dot = path.lastIndexOf('.');
  const stem = dot > path.lastIndexOf('/') ? path.slice(0, dot) : path;
  const ext = dot > path.lastIndexOf('/') ? path.slice(dot) : '';
  for (let k = 2; ; k++) {
    const candidate = `${stem}-${k}${ext}`;
    if (!used.has(candidate)) return candidate;
  }
}

async function thumbnailOf(raster: RasterImage): Promise<Buffer> {
  const scale = Math.min(1, 256 / Math.max(raster.width, raster.height));
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 4 } })
    .resize(Math.max(1, Math.round(raster.width * scale)), Math.max(1, Math.round(raster.height * scale)), { fit: 'fill' })
    .png()
    .toBuffer();
}

async function restoreOra(current: ElementFile, old: ElementFile, element: string): Promise<RestoreResult> {
  const prev = readOra(old);
  const wanted = findElement(old.name, infos(prev), element);
  const cur = readOra(current);
  const source = prev.nodes.find((n) => n.name === wanted.name) as OraNode;
  const incoming = subtree(prev, source);
  const existing = cur.nodes.find((n) => n.name === source.name);
  const replaced = new Set(existing === undefined ? [] : subtree(cur, existing));
  const kept = cur.nodes.filter((n) => !replaced.has(n));
  const keptSrc = new Set(kept.map((n) => n.el.attrs.src).filter((s): s is string => s !== undefined));
  const used = new Set(cur.archive.entries.map((e) => e.name));

  // Pictures: each restored layer's PNG, renamed when a kept layer uses its path.
  const srcMap = new Map<OraNode, string>();
  for (const n of incoming) {
    const src = n.el.attrs.src;
    if (n.el.tag !== 'layer' || src === undefined) continue;
    layerBytes(prev, n); // present and intact
    const target = keptSrc.has(src) ? freshPath(src, used) : src;
    used.add(target);
    keptSrc.add(target);
    srcMap.set(n, target);
  }
  let text = prev.xml.slice(source.el.start, source.el.end);
  for (const n of [...incoming].reverse()) {
    const target = srcMap.get(n);
    if (target === undefined || target === n.el.attrs.src) continue;
    const at = n.el.start - source.el.start;
    const tag = setAttribute(prev.xml.slice(n.el.start, n.el.openEnd), 'src', target);
    text = text.slice(0, at) + tag + text.slice(at + (n.el.openEnd - n.el.start));
  }
  const oldIndent = indentOf(prev.xml, source.el);
  let xml: string;
  let body: string;
  if (existing !== undefined) {
    body = reindent(text, oldIndent, indentOf(cur.xml, existing.el));
    xml = cur.xml.slice(0, existing.el.start) + body + cur.xml.slice(existing.el.end);
  } else ({ xml, body } = insertNode(cur, source, text, oldIndent));
  const problem = xmlProblem(xml);
  if (problem !== undefined) throw new StrataError('ASSET_CORRUPT', `${current.name}: splicing "${source.name}" into stack.xml gave malformed XML (${problem}); nothing was written.`, { data: { file: current.name } });

  const droppedSrc = new Set([...replaced].map((n) => n.el.attrs.src).filter((s): s is string => s !== undefined && !kept.some((k) => k.el.attrs.src === s)));
  const added = new Map<string, ZipEntry>();
  for (const [n, target] of srcMap) added.set(target, { ...(findEntry(prev.archive, n.el.attrs.src as string) as ZipEntry), name: target });
  const entries: ZipEntry[] = [];
  for (const e of cur.archive.entries) {
    if (e.name === 'mimetype') entries.push(makeEntry({ name: 'mimetype', data: entryData(cur.archive, e, KIND), store: true }, e));
    else if (e.name === 'stack.xml') entries.push(makeEntry({ name: 'stack.xml', data: Buffer.from(xml, 'utf8') }, e));
    else if (added.has(e.name)) {
      entries.push(added.get(e.name) as ZipEntry);
      added.delete(e.name);
    } else if (!droppedSrc.has(e.name)) entries.push(e);
  }
  const mergedAt = entries.findIndex((e) => e.name === 'mergedimage.png' || e.name.startsWith('Thumbnails/'));
  entries.splice(mergedAt < 0 ? entries.length : mergedAt, 0, ...added.values());

  // mergedimage.png and the thumbnail, redrawn from the layers.
  const after = readOra({ name: current.name, data: writeZip(entries) });
  checkCanvas(after);
  const raster = createRaster(after.width, after.height);
  await renderNodes(after, after.roots, raster);
  const merged = await encodePng(raster);
  const thumb = await thumbnailOf(raster);
  const stamp = cur.stackEntry;
  const final = entries.filter((e) => e.name !== 'mergedimage.png' && e.name !== 'Thumbnails/thumbnail.png');
  final.push(makeEntry({ name: 'Thumbnails/thumbnail.png', data: thumb }, findEntry(cur.archive, 'Thumbnails/thumbnail.png') ?? stamp));
  final.push(makeEntry({ name: 'mergedimage.png', data: merged }, findEntry(cur.archive, 'mergedimage.png') ?? stamp));
  const root = after.nodes.find((n) => after.xml.slice(n.el.start, n.el.end) === body) as OraNode;
  return { data: writeZip(final), companions: [], restored: subtree(after, root).map((n) => n.name) };
}

export const oraHandler: ElementHandler = {
  extensions: ['ora'],

  async list(file) {
    return infos(readOra(file));
  },

  async extract(file, element, outName): Promise<OutputFile[]> {
    const doc = readOra(file);
    const info = findElement(file.name, infos(doc), element);
    const node = doc.nodes.find((n) => n.name === info.name) as OraNode;
    if (node.el.tag === 'layer') {
      const bytes = layerBytes(doc, node);
      // The layer's own PNG, as stored; any other picture format is converted.
      const data = pngSize(bytes) !== undefined ? bytes : await encodePng(await decodeLayer(doc, node));
      return [{ name: pngName(outName), data }];
    }
    checkCanvas(doc);
    const raster = createRaster(doc.width, doc.height);
    await renderNodes(doc, node.children, raster);
    return [{ name: pngName(outName), data: await encodePng(raster) }];
  },

  restore: restoreOra,
};
