/**
 * Krita documents (`.kra`) as elements: the layer tree of `maindoc.xml` (layers, groups and masks, named
 * by their path from the top), a paint layer or mask extracted as a canvas-sized PNG (what Krita's
 * "Export layer" gives), a group composited, and a layer or group restored from another version: its XML
 * node spliced into the current `maindoc.xml` (every other byte kept) and its data files copied (every
 * other file's compressed bytes kept), with file names and uuids renumbered only where they would clash.
 * `mergedimage.png` and `preview.png` are redrawn when every visible layer is one strata can draw.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { StrataError } from '../../../porcelain/index.js';
import { encodePng } from '../image/encode.js';
import { MAX_PSD_PIXELS } from '../image/psd.js';
import { createRaster, type RasterImage } from '../image/raster.js';
import { findElement, type ElementFile, type ElementHandler, type ElementInfo, type OutputFile, type RestoreResult } from './element.js';
import { indexTiles, decodeTiles, tileExtent } from './kra-tiles.js';
import { applyMask, blendModeOf, drawLayer, type PlacedMask } from './raster-composite.js';
import { childPath, insertionIndex, parentPath, uniqueNames } from './raster-tree.js';
import { indentOf, scanXml, setAttribute, xmlProblem, type XmlElement } from './raster-xml.js';
import { entryData, findEntry, makeEntry, readZip, writeZip, type ZipArchive, type ZipEntry } from './zip-archive.js';

const KIND = 'Krita document';
const KRITA_MIME = 'application/x-krita';
/** Largest canvas drawn (extract, mergedimage): the same bound as PSD composites. */
const MAX_PIXELS = MAX_PSD_PIXELS;

export interface KraNode {
  name: string;
  parent?: string;
  el: XmlElement;
  /** The `<layers>` or `<masks>` element holding it. */
  container: XmlElement;
  /** Top-first index in its container, and the path names of the container's nodes. */
  index: number;
  siblingNames: string[];
  nodetype: string;
  filename: string;
  children: KraNode[];
}

export interface KraDocument {
  file: string;
  archive: ZipArchive;
  maindoc: ZipEntry;
  xml: string;
  /** The IMAGE element's name: the folder of the layer files. */
  docName: string;
  width: number;
  height: number;
  colourSpace: string;
  image: XmlElement;
  /** The IMAGE's top `<layers>`. */
  top: XmlElement;
  roots: KraNode[];
  nodes: KraNode[];
}

function corrupt(file: string, why: string): StrataError {
  return new StrataError('ASSET_CORRUPT', `${file}: the Krita document is damaged (${why}).`, { data: { file } });
}

function unsupported(file: string, why: string): StrataError {
  return new StrataError('ASSET_UNSUPPORTED', `${file}: ${why}`, { data: { file } });
}

function containersOf(el: XmlElement): XmlElement[] {
  return el.children.filter((c) => c.tag === 'layers' || c.tag === 'masks');
}

function walk(el: XmlElement, parent: string | undefined, nodes: KraNode[]): KraNode[] {
  const members: { el: XmlElement; container: XmlElement }[] = [];
  for (const container of containersOf(el)) {
    for (const child of container.children) if (child.tag === 'layer' || child.tag === 'mask') members.push({ el: child, container });
  }
  const names = uniqueNames(members.map((m) => m.el.attrs.name ?? '(unnamed)')).map((n) => childPath(parent, n));
  return members.map((m, i) => {
    const name = names[i] as string;
    const siblings = members.map((x, j) => ({ x, j })).filter(({ x }) => x.container === m.container);
    const node: KraNode = {
      name,
      ...(parent === undefined ? {} : { parent }),
      el: m.el,
      container: m.container,
      index: siblings.findIndex(({ j }) => j === i),
      siblingNames: siblings.map(({ j }) => names[j] as string),
      nodetype: m.el.attrs.nodetype ?? (m.el.tag === 'mask' ? 'mask' : 'layer'),
      filename: m.el.attrs.filename ?? '',
      children: [],
    };
    nodes.push(node);
    node.children = walk(m.el, name, nodes);
    return node;
  });
}

/** Parses the container and its layer tree (no pixel data is read). */
export function readKra(file: ElementFile): KraDocument {
  if (file.data.length === 0) throw corrupt(file.name, 'the file is empty');
  const archive = readZip(file.name, file.data, KIND);
  const mimeEntry = findEntry(archive, 'mimetype');
  const mime = mimeEntry === undefined ? undefined : entryData(archive, mimeEntry, KIND).toString('latin1').trim();
  if (mime === 'image/openraster' || mime?.startsWith('application/vnd.oasis.opendocument') === true) {
    throw unsupported(file.name, `not a Krita document (its mimetype is ${mime}).`);
  }
  const maindoc = findEntry(archive, 'maindoc.xml');
  if (maindoc === undefined) {
    if (mime === KRITA_MIME) throw corrupt(file.name, 'maindoc.xml is missing');
    throw unsupported(file.name, `not a Krita document (a zip archive without maindoc.xml${mime === undefined || mime === '' ? '' : `, mimetype ${mime}`}).`);
  }
  const xml = entryData(archive, maindoc, KIND).toString('utf8');
  const problem = xmlProblem(xml);
  if (problem !== undefined) throw corrupt(file.name, `maindoc.xml is not well-formed: ${problem}`);
  const doc = scanXml(xml).find((e) => e.tag === 'DOC');
  const image = doc?.children.find((e) => e.tag === 'IMAGE');
  const top = image?.children.find((e) => e.tag === 'layers');
  if (image === undefined || top === undefined) throw corrupt(file.name, 'maindoc.xml has no IMAGE with layers');
  const width = Number(image.attrs.width);
  const height = Number(image.attrs.height);
  if (!(width > 0 && height > 0)) throw corrupt(file.name, 'the image has no size');
  const nodes: KraNode[] = [];
  const roots = walk(image, undefined, nodes);
  nodes.sort((a, b) => a.el.start - b.el.start);
  return { file: file.name, archive, maindoc, xml, docName: image.attrs.name ?? '', width, height, colourSpace: image.attrs.colorspacename ?? 'RGBA', image, top, roots, nodes };
}

const MASK_TYPES = new Set(['transparencymask', 'selectionmask', 'filtermask', 'transformmask', 'colorizemask']);

/** The zip entry holding a node's pixels (a paint layer's tiles, a mask's selection), if any. */
function dataPath(doc: KraDocument, node: KraNode): string | undefined {
  if (node.filename === '') return undefined;
  if (node.nodetype === 'paintlayer') return `${doc.docName}/layers/${node.filename}`;
  if (MASK_TYPES.has(node.nodetype)) return `${doc.docName}/layers/${node.filename}.pixelselection`;
  return undefined;
}

function entryBytes(doc: KraDocument, path: string): Buffer | undefined {
  const e = findEntry(doc.archive, path);
  return e === undefined ? undefined : entryData(doc.archive, e, KIND);
}

function countMembers(node: KraNode): number {
  return node.children.reduce((n, c) => n + 1 + countMembers(c), 0);
}

function infoOf(doc: KraDocument, node: KraNode): ElementInfo {
  const a = node.el.attrs;
  const blend = blendModeOf(a.compositeop);
  const details: ElementInfo['details'] = {
    type: node.nodetype,
    visible: a.visible !== '0',
    opacity: Math.round((Number(a.opacity ?? 255) / 255) * 1000) / 1000,
    blendMode: a.compositeop ?? 'normal',
    blendHonoured: blend.honoured,
    x: Number(a.x ?? 0),
    y: Number(a.y ?? 0),
    locked: a.locked === '1',
    file: node.filename,
  };
  if (a.colorspacename !== undefined) details.colourSpace = a.colorspacename;
  if (node.nodetype === 'grouplayer') {
    details.members = countMembers(node);
    details.passThrough = a.passthrough === '1';
  }
  const path = dataPath(doc, node);
  const data = path === undefined ? undefined : entryBytes(doc, path);
  if (data !== undefined) {
    const extent = tileExtent(indexTiles(`${doc.file}: ${path}`, data));
    const dx = Number(a.x ?? 0);
    const dy = Number(a.y ?? 0);
    details.left = extent === undefined ? 0 : extent.left + dx;
    details.top = extent === undefined ? 0 : extent.top + dy;
    details.right = extent === undefined ? 0 : extent.right + dx;
    details.bottom = extent === undefined ? 0 : extent.bottom + dy;
    details.width = (details.right as number) - (details.left as number);
    details.height = (details.bottom as number) - (details.top as number);
  }
  if (a.keyframes !== undefined) details.animated = true;
  if (a.clonefrom !== undefined) details.cloneOf = a.clonefrom;
  const kind = node.nodetype === 'grouplayer' ? 'group' : 'layer';
  return { name: node.name, kind, ...(node.parent === undefined ? {} : { parent: node.parent }), details };
}

function infos(doc: KraDocument): ElementInfo[] {
  return doc.nodes.map((n) => infoOf(doc, n));
}

function checkCanvas(doc: KraDocument): void {
  if (doc.width * doc.height > MAX_PIXELS) {
    throw unsupported(doc.file, `the canvas is ${doc.width} x ${doc.height}, larger than the ${MAX_PIXELS / 1e6} megapixels strata draws.`);
  }
}

/** A paint layer or mask drawn on a transparent canvas of the document's size. */
function nodePixels(doc: KraDocument, node: KraNode): RasterImage {
  const path = dataPath(doc, node) as string;
  const data = entryBytes(doc, path);
  if (data === undefined) throw corrupt(doc.file, `the data of layer "${node.name}" (${path}) is missing`);
  const isMask = node.nodetype !== 'paintlayer';
  return decodeTiles({
    file: `${doc.file}: ${path}`,
    data,
    ...(() => {
      const def = entryBytes(doc, `${path}.defaultpixel`);
      return def === undefined ? {} : { defaultPixel: def };
    })(),
    colourSpace: isMask ? 'ALPHA' : (node.el.attrs.colorspacename ?? doc.colourSpace),
    x: Number(node.el.attrs.x ?? 0),
    y: Number(node.el.attrs.y ?? 0),
    width: doc.width,
    height: doc.height,
  });
}

function maskOf(doc: KraDocument, node: KraNode): PlacedMask {
  const r = nodePixels(doc, node);
  const plane = new Uint8Array(r.width * r.height);
  for (let i = 0; i < plane.length; i++) plane[i] = r.data[i * 4] as number;
  return { left: 0, top: 0, width: r.width, height: r.height, data: plane, fill: 0 };
}

const visible = (n: KraNode) => n.el.attrs.visible !== '0';

/**
 * Draws `nodes` (top first, as in maindoc.xml) onto `canvas`, bottom up: paint layers and groups with
 * visibility, opacity and blend mode, transparency masks applied to the layer or group they belong to.
 * `complete` is cleared when a visible node cannot be drawn (vector, clone, file, fill or filter layers,
 * filter masks, inherit-alpha, disabled channels).
 */
function renderNodes(doc: KraDocument, nodes: readonly KraNode[], canvas: RasterImage, state: { complete: boolean }): void {
  for (const node of [...nodes].reverse()) {
    if (!visible(node)) continue;
    const a = node.el.attrs;
    if (MASK_TYPES.has(node.nodetype)) {
      if (node.nodetype !== 'transparencymask' && node.nodetype !== 'selectionmask') state.complete = false;
      continue; // masks are applied by their owner
    }
    let pixels: RasterImage;
    if (node.nodetype === 'paintlayer') pixels = nodePixels(doc, node);
    else if (node.nodetype === 'grouplayer') {
      pixels = createRaster(canvas.width, canvas.height);
      renderNodes(doc, node.children, pixels, state);
    } else {
      state.complete = false;
      continue;
    }
    if (a.inheritalpha === '1' || (a.channelflags !== undefined && a.channelflags.includes('0'))) state.complete = false;
    for (const m of node.children) if (m.nodetype === 'transparencymask' && visible(m)) applyMask(pixels, maskOf(doc, m));
    drawLayer(canvas, pixels, { left: 0, top: 0, opacity: Number(a.opacity ?? 255) / 255, mode: blendModeOf(a.compositeop).mode });
    if (!blendModeOf(a.compositeop).honoured) state.complete = false;
  }
}

function pngName(outName: string): string {
  return /\.png$/i.test(outName) ? outName : `${outName.replace(/\.[^./\\]*$/, '')}.png`;
}

/** The whole image flattened, and whether every visible layer could be drawn. */
export function renderKra(doc: KraDocument): { raster: RasterImage; complete: boolean } {
  checkCanvas(doc);
  const raster = createRaster(doc.width, doc.height);
  const state = { complete: true };
  renderNodes(doc, doc.roots, raster, state);
  const bg = /ColorData="([^"]*)"/.exec(doc.xml.slice(doc.image.openEnd, doc.image.closeStart))?.[1];
  if (bg !== undefined && Buffer.from(bg, 'base64').some((b, i, all) => i === all.length - 1 && b !== 0)) state.complete = false;
  return { raster, complete: state.complete };
}

/** A node and its descendants, in document order. */
function subtree(doc: KraDocument, node: KraNode): KraNode[] {
  return doc.nodes.filter((n) => n === node || n.name.startsWith(`${node.name}/`));
}

/** The entries under `<doc>/layers/` that belong to a node with this file name (`f`, `f.*`, `f/…`). */
function ownsEntry(doc: KraDocument, filename: string, entryName: string): string | undefined {
  const prefix = `${doc.docName}/layers/`;
  if (filename === '' || !entryName.startsWith(prefix)) return undefined;
  const rest = entryName.slice(prefix.length);
  if (rest === filename) return '';
  if (rest.startsWith(`${filename}.`) || rest.startsWith(`${filename}/`)) return rest.slice(filename.length);
  return undefined;
}

function fileNumber(name: string): number {
  const m = /(\d+)$/.exec(name);
  return m === null ? 0 : Number(m[1]);
}

/** A uuid derived from the current file and the clashing one (deterministic, so a restore is repeatable). */
function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}}`;
}

function reindent(text: string, from: string, to: string): string {
  return from === to ? text : text.split(`\n${from}`).join(`\n${to}`);
}

async function previewOf(raster: RasterImage): Promise<Buffer> {
  const scale = Math.min(1, 256 / Math.max(raster.width, raster.height));
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 4 } })
    .resize(Math.max(1, Math.round(raster.width * scale)), Math.max(1, Math.round(raster.height * scale)), { fit: 'fill' })
    .png()
    .toBuffer();
}

/** `cur` with `source` (a node of `old`) in place of its namesake, or inserted next to its old neighbours. */
export async function restoreKra(current: ElementFile, old: ElementFile, element: string): Promise<RestoreResult> {
  const prev = readKra(old);
  const wanted = findElement(old.name, infos(prev), element);
  const cur = readKra(current);
  const source = prev.nodes.find((n) => n.name === wanted.name) as KraNode;
  const incoming = subtree(prev, source);
  const existing = cur.nodes.find((n) => n.name === source.name);
  const replaced = existing === undefined ? [] : subtree(cur, existing);
  const replacedSet = new Set(replaced);
  const kept = cur.nodes.filter((n) => !replacedSet.has(n));

  // File names and uuids: kept unless another (kept) node of the current document already uses them.
  const takenFiles = new Set(kept.map((n) => n.filename));
  const takenUuids = new Set(kept.map((n) => n.el.attrs.uuid).filter((u): u is string => u !== undefined));
  let next = Math.max(0, ...cur.nodes.map((n) => fileNumber(n.filename)), ...incoming.map((n) => fileNumber(n.filename))) + 1;
  const fileMap = new Map<string, string>();
  const uuidMap = new Map<string, string>();
  const seed = createHash('sha256').update(current.data).digest('hex');
  for (const n of incoming) {
    if (n.filename !== '' && takenFiles.has(n.filename)) {
      const renamed = `${n.filename.replace(/\d+$/, '') || 'layer'}${next++}`;
      fileMap.set(n.filename, renamed);
    }
    takenFiles.add(fileMap.get(n.filename) ?? n.filename);
    const uuid = n.el.attrs.uuid;
    if (uuid !== undefined && takenUuids.has(uuid)) uuidMap.set(uuid, derivedUuid(`${seed}:${uuid}`));
  }

  // The node's text, with renamed attributes (last node first, so earlier offsets stay valid).
  let text = prev.xml.slice(source.el.start, source.el.end);
  for (const n of [...incoming].reverse()) {
    let tag = prev.xml.slice(n.el.start, n.el.openEnd);
    const fn = fileMap.get(n.filename);
    if (fn !== undefined) {
      tag = setAttribute(tag, 'filename', fn);
      if (n.el.attrs.keyframes !== undefined) tag = setAttribute(tag, 'keyframes', n.el.attrs.keyframes.replace(n.filename, fn));
    }
    const u = n.el.attrs.uuid === undefined ? undefined : uuidMap.get(n.el.attrs.uuid);
    if (u !== undefined) tag = setAttribute(tag, 'uuid', u);
    const c = n.el.attrs.clonefromuuid === undefined ? undefined : uuidMap.get(n.el.attrs.clonefromuuid);
    if (c !== undefined) tag = setAttribute(tag, 'clonefromuuid', c);
    const at = n.el.start - source.el.start;
    text = text.slice(0, at) + tag + text.slice(at + (n.el.openEnd - n.el.start));
  }

  let xml: string;
  let body: string;
  const oldIndent = indentOf(prev.xml, source.el);
  if (existing !== undefined) {
    body = reindent(text, oldIndent, indentOf(cur.xml, existing.el));
    xml = cur.xml.slice(0, existing.el.start) + body + cur.xml.slice(existing.el.end);
  } else {
    ({ xml, body } = insertNode(cur, source, text, oldIndent));
  }
  const problem = xmlProblem(xml);
  if (problem !== undefined) throw new StrataError('ASSET_CORRUPT', `${current.name}: splicing "${source.name}" into maindoc.xml gave malformed XML (${problem}); nothing was written.`, { data: { file: current.name } });

  // Files: the current ones minus the replaced layers', plus the restored layers' (renamed where needed).
  const dropped = (name: string) => replaced.some((n) => ownsEntry(cur, n.filename, name) !== undefined) || incoming.some((n) => ownsEntry(cur, fileMap.get(n.filename) ?? n.filename, name) !== undefined);
  const added: ZipEntry[] = [];
  for (const e of prev.archive.entries) {
    for (const n of incoming) {
      const suffix = ownsEntry(prev, n.filename, e.name);
      if (suffix === undefined) continue;
      const fn = fileMap.get(n.filename) ?? n.filename;
      const name = `${cur.docName}/layers/${fn}${suffix}`;
      if (fn !== n.filename && suffix.endsWith('.xml')) {
        // A keyframes file names the frame files: follow the rename.
        const body = entryData(prev.archive, e, KIND).toString('utf8').split(`"${n.filename}.`).join(`"${fn}.`).split(`"${n.filename}"`).join(`"${fn}"`);
        added.push(makeEntry({ name, data: Buffer.from(body, 'utf8') }, e));
      } else added.push({ ...e, name });
      break;
    }
  }
  const entries: ZipEntry[] = [];
  let placed = false;
  const layersPrefix = `${cur.docName}/layers/`;
  const lastLayerFile = cur.archive.entries.map((e) => e.name.startsWith(layersPrefix)).lastIndexOf(true);
  cur.archive.entries.forEach((e, i) => {
    if (e.name === 'mimetype') entries.push(makeEntry({ name: 'mimetype', data: entryData(cur.archive, e, KIND), store: true }, e));
    else if (e.name === 'maindoc.xml') entries.push(makeEntry({ name: 'maindoc.xml', data: Buffer.from(xml, 'utf8') }, e));
    else if (!dropped(e.name)) entries.push(e);
    else if (!placed) {
      entries.push(...added);
      placed = true;
    }
    if (!placed && i === lastLayerFile) {
      entries.push(...added);
      placed = true;
    }
  });
  if (!placed) entries.push(...added);

  // mergedimage.png and preview.png: redrawn from the layers when strata can draw them all.
  const draft = writeZip(entries);
  const after = readKra({ name: current.name, data: draft });
  let data = draft;
  if (after.width * after.height <= MAX_PIXELS) {
    const { raster, complete } = renderKra(after);
    if (complete) {
      const merged = await encodePng(raster);
      const preview = await previewOf(raster);
      const final = entries.map((e) =>
        e.name === 'mergedimage.png' ? makeEntry({ name: e.name, data: merged }, e) : e.name === 'preview.png' ? makeEntry({ name: e.name, data: preview }, e) : e,
      );
      data = writeZip(final);
    }
  }
  const root = after.nodes.find((n) => after.xml.slice(n.el.start, n.el.end) === body) as KraNode;
  const restored = subtree(after, root).map((n) => n.name);
  return { data, companions: [], restored };
}

/** maindoc.xml with `text` (the node `source` of the old document) inserted in the current one. */
function insertNode(cur: KraDocument, source: KraNode, text: string, oldIndent: string): { xml: string; body: string } {
  // The parent: the same group (or layer, for a mask), else the nearest ancestor still there, else the top.
  let parentName = source.parent;
  let parent: KraNode | undefined;
  while (parentName !== undefined) {
    parent = cur.nodes.find((n) => n.name === parentName);
    if (parent !== undefined) break;
    parentName = parentPath(parentName);
  }
  const containerTag = source.container.tag;
  const holder = parent?.el ?? cur.image;
  const container = parent === undefined ? cur.top : holder.children.find((c) => c.tag === containerTag);
  const xml = cur.xml;
  if (container === undefined) {
    // The parent has no <layers>/<masks> yet: add one holding the node.
    const indent = indentOf(xml, holder);
    const inner = `${indent}  `;
    const block = `${indent} <${containerTag}>\n${inner}${reindent(text, oldIndent, inner)}\n${indent} </${containerTag}>`;
    if (holder.selfClosing) {
      const open = xml.slice(holder.start, holder.end).replace(/\s*\/>$/, '>');
      return { xml: `${xml.slice(0, holder.start)}${open}\n${block}\n${indent}</${holder.tag}>${xml.slice(holder.end)}`, body: reindent(text, oldIndent, inner) };
    }
    return { xml: `${xml.slice(0, holder.closeStart)} ${block.trimStart()}\n${indent}${xml.slice(holder.closeStart)}`, body: reindent(text, oldIndent, inner) };
  }
  const members = (parent === undefined ? cur.roots : parent.children).filter((n) => n.container === container);
  const sameParent = parentName === source.parent;
  const at = sameParent ? insertionIndex(source.siblingNames, source.index, members.map((m) => m.name)) : Math.min(source.index, members.length);
  const containerIndent = indentOf(xml, container);
  const childIndent = members[0] === undefined ? `${containerIndent} ` : indentOf(xml, members[0].el);
  const body = reindent(text, oldIndent, childIndent);
  const before = members[at];
  if (before !== undefined) return { xml: `${xml.slice(0, before.el.start)}${body}\n${childIndent}${xml.slice(before.el.start)}`, body };
  const last = members[members.length - 1];
  if (last !== undefined) return { xml: `${xml.slice(0, last.el.end)}\n${childIndent}${body}${xml.slice(last.el.end)}`, body };
  if (container.selfClosing) {
    const open = xml.slice(container.start, container.end).replace(/\s*\/>$/, '>');
    return { xml: `${xml.slice(0, container.start)}${open}\n${childIndent}${body}\n${containerIndent}</${container.tag}>${xml.slice(container.end)}`, body };
  }
  return { xml: `${xml.slice(0, container.openEnd)}\n${childIndent}${body}${xml.slice(container.openEnd)}`, body };
}

export const kraHandler: ElementHandler = {
  extensions: ['kra', 'krz'],

  async list(file) {
    return infos(readKra(file));
  },

  async extract(file, element, outName): Promise<OutputFile[]> {
    const doc = readKra(file);
    const info = findElement(file.name, infos(doc), element);
    const node = doc.nodes.find((n) => n.name === info.name) as KraNode;
    checkCanvas(doc);
    let raster: RasterImage;
    if (node.nodetype === 'grouplayer') {
      raster = createRaster(doc.width, doc.height);
      renderNodes(doc, node.children, raster, { complete: true });
      for (const m of node.children) if (m.nodetype === 'transparencymask' && visible(m)) applyMask(raster, maskOf(doc, m));
    } else if (dataPath(doc, node) !== undefined) {
      raster = nodePixels(doc, node);
    } else {
      throw unsupported(file.name, `"${node.name}" is a ${node.nodetype}, which Krita renders from its own content; strata extracts paint layers, masks and groups.`);
    }
    return [{ name: pngName(outName), data: await encodePng(raster) }];
  },

  restore: restoreKra,
};
