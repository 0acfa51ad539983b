/**
 * glTF 2.0 / GLB documents for the element handler: read whole (buffers and images, every Khronos and
 * vendor extension @gltf-transform/extensions knows, so nothing is dropped when the file is written
 * back), names given as `personas/creative/model/gltf.ts` gives them, and written back in the file's own
 * flavour (a self-contained GLB, or a .gltf with its buffers and images beside it or embedded as data:
 * URIs as before).
 */
import { readRelatedUri } from '../model/gltf.js';
import { NodeIO, PropertyType, type Document, type ILogger, type Mesh, type Node, type Property, type Texture, type Material } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { StrataError } from '../../../porcelain/index.js';
import { parseGltf } from '../model/gltf.js';
import { isObject, type Json } from '../model/gltf-validate.js';
import { modelCorrupt } from '../model/model-error.js';
import type { ElementFile, OutputFile } from './element.js';

/** Resources that were data: URIs in the file get these names while the document is in memory. */
const EMBEDDED_PREFIX = '@strata-embedded-';

export interface GltfDocument {
  file: ElementFile;
  binary: boolean;
  doc: Document;
  /** Whether every buffer and image of a .gltf was embedded (data: URIs). */
  allEmbedded: boolean;
  /** External image files that could not be read (their textures hold no bytes). */
  missingImages: Set<string>;
  nodeNames: Map<Node, string>;
  meshNames: Map<Mesh, string>;
  materialNames: Map<Material, string>;
  textureNames: Map<Texture, string>;
}

const silent: ILogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export function gltfIO(): NodeIO {
  return new NodeIO().setLogger(silent).registerExtensions(ALL_EXTENSIONS);
}

export function isBinaryName(name: string): boolean {
  return /\.glb$/i.test(name);
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}#${i}`;
  taken.add(candidate);
  return candidate;
}

function namesOf<T extends { getName(): string }>(items: T[], fallback: (item: T, i: number) => string): Map<T, string> {
  const taken = new Set<string>();
  const map = new Map<T, string>();
  items.forEach((item, i) => map.set(item, uniqueName(item.getName() || fallback(item, i), taken)));
  return map;
}

/** Names every property the way the model reader names them (`node#3` when unnamed, `Name#2` for the second of a name). */
export function nameDocument(doc: Document): Pick<GltfDocument, 'nodeNames' | 'meshNames' | 'materialNames' | 'textureNames'> {
  const root = doc.getRoot();
  return {
    nodeNames: namesOf(root.listNodes(), (_, i) => `node#${i}`),
    meshNames: namesOf(root.listMeshes(), (_, i) => `mesh#${i}`),
    materialNames: namesOf(root.listMaterials(), (_, i) => `material#${i}`),
    textureNames: namesOf(root.listTextures(), (t, i) => {
      const uri = t.getURI();
      return uri !== '' && !uri.startsWith(EMBEDDED_PREFIX) ? uri : `texture#${i}`;
    }),
  };
}

function readJsonText(name: string, data: Buffer): Json {
  let text = data.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    const json: unknown = JSON.parse(text);
    if (!isObject(json)) throw new Error('not an object');
    return json;
  } catch (err) {
    throw modelCorrupt(name, `glTF JSON does not parse: ${(err as Error).message}`);
  }
}

async function readUri(uri: string, file: ElementFile): Promise<Buffer | undefined> {
  return file.readRelated === undefined ? undefined : readRelatedUri(uri, file.readRelated);
}

/**
 * Reads a glTF or GLB whole. The structural checks, version and compression refusals are the model
 * reader's (ASSET_CORRUPT / ASSET_UNSUPPORTED naming the file); a missing external image is tolerated
 * (listed in `missingImages`), a missing buffer is not.
 */
export async function readGltfDocument(file: ElementFile): Promise<GltfDocument> {
  const binary = isBinaryName(file.name);
  await parseGltf({ name: file.name, data: file.data, binary, ...(file.readRelated === undefined ? {} : { readRelated: file.readRelated }) });
  const io = gltfIO();
  const missingImages = new Set<string>();
  let allEmbedded = true;
  let doc: Document;
  try {
    if (binary) {
      doc = await io.readBinary(new Uint8Array(file.data.buffer, file.data.byteOffset, file.data.byteLength));
      allEmbedded = false;
    } else {
      const json = readJsonText(file.name, file.data);
      const resources: Record<string, Uint8Array<ArrayBuffer>> = {};
      const rename = (kind: string, list: unknown): void => {
        if (!Array.isArray(list)) return;
        list.forEach((item: unknown, i) => {
          if (!isObject(item) || typeof item.uri !== 'string') return;
          if (/^data:/i.test(item.uri)) {
            const comma = item.uri.indexOf(',');
            const meta = item.uri.slice(5, comma);
            const payload = item.uri.slice(comma + 1);
            const mime = meta.split(';')[0] ?? '';
            const name = `${EMBEDDED_PREFIX}${kind}-${i}${kind === 'image' ? `.${extensionOfMime(mime)}` : '.bin'}`;
            resources[name] = new Uint8Array(meta.endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1'));
            item.uri = name;
          } else allEmbedded = false;
        });
      };
      const copy: Json = { ...json, buffers: Array.isArray(json.buffers) ? json.buffers.map((b: unknown) => (isObject(b) ? { ...b } : b)) : json.buffers };
      copy.images = Array.isArray(json.images) ? json.images.map((b: unknown) => (isObject(b) ? { ...b } : b)) : json.images;
      rename('buffer', copy.buffers);
      rename('image', copy.images);
      for (const list of [copy.buffers, copy.images]) {
        if (!Array.isArray(list)) continue;
        for (const item of list) {
          if (!isObject(item) || typeof item.uri !== 'string' || item.uri.startsWith(EMBEDDED_PREFIX)) continue;
          const bytes = await readUri(item.uri, file);
          if (bytes === undefined) {
            if (list === copy.images) {
              missingImages.add(item.uri);
              resources[item.uri] = new Uint8Array(0);
            } else {
              throw new StrataError('ASSET_CORRUPT', `${file.name}: buffer file "${item.uri}" is missing.`, {
                hint: 'Keep the .bin files next to the .gltf that references them.',
                data: { file: file.name, missing: item.uri },
              });
            }
          } else resources[item.uri] = new Uint8Array(bytes);
        }
      }
      doc = await io.readJSON({ json: copy as never, resources });
    }
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw modelCorrupt(file.name, `glTF could not be read: ${(err as Error).message ?? String(err)}`);
  }
  return { file, binary, doc, allEmbedded, missingImages, ...nameDocument(doc) };
}

export function extensionOfMime(mimeType: string): string {
  switch (mimeType) {
    case 'image/png':
      return 'png';
    case 'image/jpeg':
      return 'jpg';
    case 'image/webp':
      return 'webp';
    case 'image/ktx2':
      return 'ktx2';
    case 'image/avif':
      return 'avif';
    default:
      return 'bin';
  }
}

/** Copies the extension objects a source document uses into a target, so its extension properties can move. */
export function adoptExtensions(target: Document, source: Document): void {
  const have = new Set(target.getRoot().listExtensionsUsed().map((e) => e.extensionName));
  for (const extension of source.getRoot().listExtensionsUsed()) {
    if (have.has(extension.extensionName)) continue;
    const created = target.createExtension(extension.constructor as never) as { setRequired(required: boolean): unknown };
    if (extension.isRequired()) created.setRequired(true);
  }
}

/** Puts every accessor on `buffer` and disposes the other buffers listed (GLB allows one buffer). */
export function moveAccessorsTo(doc: Document, buffer: ReturnType<Document['createBuffer']>, from: Set<Property> | undefined): void {
  const root = doc.getRoot();
  for (const accessor of root.listAccessors()) {
    const current = accessor.getBuffer();
    if (current !== buffer && (from === undefined || (current !== null && from.has(current)) || current === null)) accessor.setBuffer(buffer);
  }
  for (const other of root.listBuffers()) {
    if (other === buffer) continue;
    if (from !== undefined && !from.has(other)) continue;
    other.dispose();
  }
}

/** Writes the document as a self-contained GLB. */
export async function writeGlb(doc: Document): Promise<Buffer> {
  const root = doc.getRoot();
  const buffers = root.listBuffers();
  const first = buffers[0] ?? (root.listAccessors().length > 0 ? doc.createBuffer() : undefined);
  if (first !== undefined) moveAccessorsTo(doc, first, undefined);
  // A GLB's buffer lives in its binary chunk: no URI.
  if (first !== undefined) first.setURI('');
  for (const texture of root.listTextures()) {
    // The image goes into the binary chunk; an unnamed texture keeps its file name as its name.
    const uri = texture.getURI();
    if (texture.getName() === '' && uri !== '' && !uri.startsWith(EMBEDDED_PREFIX)) texture.setName(uri);
    texture.setURI('');
  }
  const bytes = await gltfIO().writeBinary(doc);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Writes the document back in the flavour of `original`: GLB, or .gltf JSON (2-space indented) whose
 * buffers and images are files beside it — the companions, only those whose bytes differ from what is
 * there now — or, when the original embedded everything, data: URIs.
 */
export async function writeLike(original: GltfDocument, doc: Document): Promise<{ data: Buffer; companions: OutputFile[] }> {
  if (original.binary) return { data: await writeGlb(doc), companions: [] };
  const stem = (original.file.name.split(/[\\/]/).pop() as string).replace(/\.gltf$/i, '');
  const root = doc.getRoot();
  const taken = new Set<string>();
  for (const buffer of root.listBuffers()) if (buffer.getURI() !== '') taken.add(buffer.getURI());
  for (const texture of root.listTextures()) {
    const uri = texture.getURI();
    if (uri === '' || uri.startsWith(EMBEDDED_PREFIX)) continue;
    if (taken.has(uri)) {
      // Two different images under one name (a restored texture whose file name is taken today).
      const dot = uri.lastIndexOf('.');
      const base = dot > 0 ? uri.slice(0, dot) : uri;
      const ext = dot > 0 ? uri.slice(dot) : `.${extensionOfMime(texture.getMimeType())}`;
      let n = 2;
      while (taken.has(`${base}-${n}${ext}`)) n++;
      texture.setURI(`${base}-${n}${ext}`);
    }
    taken.add(texture.getURI());
  }
  root.listTextures().forEach((texture, i) => {
    if (texture.getURI() !== '') return;
    const base = (texture.getName() || `${stem}-texture-${i}`).replace(/[^\w.-]+/g, '_');
    let uri = `${base}.${extensionOfMime(texture.getMimeType())}`;
    for (let n = 2; taken.has(uri); n++) uri = `${base}-${n}.${extensionOfMime(texture.getMimeType())}`;
    taken.add(uri);
    texture.setURI(uri);
  });
  root.listBuffers().forEach((buffer, i) => {
    if (buffer.getURI() !== '') return;
    let uri = i === 0 ? `${stem}.bin` : `${stem}-${i}.bin`;
    for (let n = 2; taken.has(uri); n++) uri = `${stem}-${i}-${n}.bin`;
    taken.add(uri);
    buffer.setURI(uri);
  });
  const { json, resources } = await gltfIO().writeJSON(doc, { format: 'GLTF' as never, basename: stem });
  const companions: OutputFile[] = [];
  const mimeOf = new Map(root.listTextures().map((t) => [t.getURI(), t.getMimeType()]));
  const embed = (item: { uri?: string }): void => {
    if (item.uri === undefined) return;
    const bytes = resources[item.uri];
    if (bytes === undefined) return;
    if (original.allEmbedded || item.uri.startsWith(EMBEDDED_PREFIX)) {
      const mime = mimeOf.get(item.uri) ?? 'application/octet-stream';
      item.uri = `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
    }
  };
  for (const buffer of json.buffers ?? []) embed(buffer);
  for (const image of json.images ?? []) embed(image);
  for (const [uri, bytes] of Object.entries(resources)) {
    if (original.allEmbedded || uri.startsWith(EMBEDDED_PREFIX)) continue;
    if (original.missingImages.has(uri)) continue;
    const now = await readUri(uri, original.file);
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (now !== undefined && now.equals(data)) continue;
    companions.push({ name: uri, data });
  }
  return { data: Buffer.from(`${JSON.stringify(json, null, 2)}\n`, 'utf8'), companions };
}

/** A property's graph children (what it references). */
export function childrenOf(doc: Document, property: Property): Property[] {
  return doc.getGraph().listChildren(property) as Property[];
}

/** Whether anything but the root still refers to it. */
export function isOrphan(property: Property): boolean {
  return property.listParents().every((p) => p.propertyType === PropertyType.ROOT);
}

/**
 * Disposes `seeds` when nothing but the root refers to them any more, and then, the same way, what
 * they referred to (primitives, accessors, materials, textures, skins…). Buffers, scenes and nodes that
 * something else still holds are kept; nodes are never disposed here (the caller removes its own).
 */
export function disposeOrphans(doc: Document, seeds: Iterable<Property>): void {
  const queue = [...seeds];
  const done = new Set<Property>();
  while (queue.length > 0) {
    const property = queue.shift() as Property;
    if (done.has(property) || property.isDisposed()) continue;
    const type = property.propertyType;
    if (type === PropertyType.ROOT || type === PropertyType.BUFFER || type === PropertyType.SCENE || type === PropertyType.NODE) continue;
    if (!isOrphan(property)) continue;
    done.add(property);
    const children = childrenOf(doc, property);
    property.dispose();
    queue.push(...children);
  }
}
