/**
 * glTF 2.0, as JSON (.gltf, with external or data: URI buffers) or binary (.glb), read with
 * @gltf-transform/core from memory: external buffers come through the RelatedFileReader, images are
 * never loaded (only their references are reported).
 *
 * Meshes: one MeshData per glTF mesh, all its primitives together. Positions are in world space: a mesh
 * instanced by several scene nodes accumulates every instance (each transformed by its node's world
 * matrix), so the mesh's vertex and face counts are what a viewer draws and `NodeData.mesh` names it; a
 * mesh that no scene node instances is listed once with its local positions. Non-indexed primitives get
 * sequential indices; TRIANGLES, TRIANGLE_STRIP and TRIANGLE_FAN are triangulated (each triangle is a
 * face); POINTS and LINES keep their vertices, count no faces, and are reported as a warning.
 *
 * glTF 1.0 and meshes compressed with Draco or meshopt are ASSET_UNSUPPORTED.
 */
import { NodeIO, type Document, type ILogger, type Mesh, type Node } from '@gltf-transform/core';
import type { MaterialData, MeshData, Model, NodeData, Quat, RelatedFileReader, Vec3 } from './model.js';
import { assembleModel, uniqueName } from './assemble-model.js';
import { GrowableFloat32, GrowableUint32 } from './mesh-builder.js';
import { modelCorrupt, modelUnsupported } from './model-error.js';
import { GltfValidator, isObject, type Json } from './gltf-validate.js';
import { StrataError } from '../../../porcelain/index.js';

export interface GltfInput {
  name: string;
  data: Buffer;
  readRelated?: RelatedFileReader;
}

const GLB_MAGIC = 0x46546c67;
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;
const GLB_BUFFER = '@glb.bin';

const COMPRESSION_EXTENSIONS: Record<string, string> = {
  KHR_draco_mesh_compression: 'Draco',
  EXT_meshopt_compression: 'meshopt',
  KHR_meshopt_compression: 'meshopt',
};

const MODE_NAMES = ['POINTS', 'LINES', 'LINE_LOOP', 'LINE_STRIP', 'TRIANGLES', 'TRIANGLE_STRIP', 'TRIANGLE_FAN'];

interface Container {
  json: Json;
  bin: Uint8Array | undefined;
}

function readGlb(file: string, data: Buffer): Container {
  if (data.length < 12) throw modelCorrupt(file, `GLB is ${data.length} bytes, shorter than its 12-byte header`);
  const magic = data.readUInt32LE(0);
  if (magic !== GLB_MAGIC) throw modelCorrupt(file, 'GLB does not start with "glTF"', 'byte 0');
  const version = data.readUInt32LE(4);
  if (version === 1) {
    throw modelUnsupported(file, 'glTF 1.0 is not supported; re-export as glTF 2.0', 'Blender and most converters write glTF 2.0.');
  }
  if (version !== 2) throw modelUnsupported(file, `GLB container version ${version} is not supported`);
  const length = data.readUInt32LE(8);
  if (length > data.length) throw modelCorrupt(file, `GLB header announces ${length} bytes but the file has ${data.length} (truncated?)`, 'byte 8');
  let offset = 12;
  let json: Json | undefined;
  let bin: Uint8Array | undefined;
  while (offset + 8 <= length) {
    const chunkLength = data.readUInt32LE(offset);
    const chunkType = data.readUInt32LE(offset + 4);
    const start = offset + 8;
    if (start + chunkLength > length) {
      throw modelCorrupt(file, `GLB chunk of ${chunkLength} bytes runs past the end of the file (truncated?)`, `byte ${offset}`);
    }
    const body = data.subarray(start, start + chunkLength);
    if (json === undefined) {
      if (chunkType !== CHUNK_JSON) throw modelCorrupt(file, 'GLB does not start with a JSON chunk', `byte ${offset}`);
      json = parseJson(file, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    } else if (chunkType === CHUNK_BIN && bin === undefined) {
      bin = body;
    }
    offset = start + chunkLength;
    offset += (4 - (offset % 4)) % 4;
  }
  if (json === undefined) throw modelCorrupt(file, 'GLB has no JSON chunk');
  return { json, bin };
}

function parseJson(file: string, data: Buffer): Json {
  let text = data.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw modelCorrupt(file, `glTF JSON does not parse: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw modelCorrupt(file, 'glTF JSON is not an object');
  return value;
}

function checkVersion(file: string, json: Json, warnings: string[]): void {
  const asset = json.asset;
  const version = isObject(asset) && typeof asset.version === 'string' ? asset.version : undefined;
  if (version === undefined) {
    if (isObject(asset) || json.version !== undefined || json.accessors !== undefined) {
      // glTF 1.0 files keep dictionaries (objects) where 2.0 has arrays.
      if (isObject(json.meshes) || isObject(json.accessors)) {
        throw modelUnsupported(file, 'glTF 1.0 is not supported; re-export as glTF 2.0', 'Blender and most converters write glTF 2.0.');
      }
    }
    throw modelCorrupt(file, 'glTF has no asset.version');
  }
  const major = Number(version.split('.')[0]);
  if (major === 1 || (major !== 2 && (isObject(json.meshes) || isObject(json.accessors)))) {
    throw modelUnsupported(file, 'glTF 1.0 is not supported; re-export as glTF 2.0', 'Blender and most converters write glTF 2.0.');
  }
  if (major !== 2) throw modelUnsupported(file, `glTF version ${version} is not supported`);
  const minVersion = isObject(asset) ? asset.minVersion : undefined;
  if (typeof minVersion === 'string' && minVersion !== '2.0') {
    throw modelUnsupported(file, `glTF requires version ${minVersion}, newer than the 2.0 strata reads`);
  }
  if (json.extensionsRequired !== undefined && !Array.isArray(json.extensionsRequired)) {
    throw modelCorrupt(file, 'extensionsRequired is not an array');
  }
  const required = (json.extensionsRequired as unknown[] | undefined) ?? [];
  for (const extension of required) {
    const kind = COMPRESSION_EXTENSIONS[String(extension)];
    if (kind !== undefined) {
      throw modelUnsupported(
        file,
        `${kind}-compressed glTF (${String(extension)}) is not supported`,
        'Re-export without mesh compression (or decompress with gltf-transform) to diff and preview it.',
      );
    }
  }
  const ignored = required.map(String);
  if (ignored.length > 0) {
    warnings.push(`${file}: required extension(s) ${ignored.join(', ')} not interpreted; geometry read without them`);
  }
}

function isDataUri(uri: string): boolean {
  return /^data:/i.test(uri);
}

/** A file a glTF names by URI: as written, then percent-decoded. */
export async function readRelatedUri(uri: string, readRelated: RelatedFileReader): Promise<Buffer | undefined> {
  const forms = [uri];
  try {
    const decoded = decodeURIComponent(uri);
    if (decoded !== uri) forms.push(decoded);
  } catch {
    // Not percent-encoded: the written form is the only one.
  }
  for (const form of forms) {
    const data = await readRelated(form);
    if (data !== undefined) return data;
  }
  return undefined;
}

function dataUriBytes(file: string, uri: string, where: string): Uint8Array {
  const comma = uri.indexOf(',');
  if (comma < 0) throw modelCorrupt(file, `${where} has a malformed data: URI`);
  const meta = uri.slice(5, comma);
  const payload = uri.slice(comma + 1);
  return meta.endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
}

interface Resources {
  resources: Record<string, Uint8Array>;
  bufferSizes: number[];
  externalFiles: string[];
}

async function gatherResources(file: string, container: Container, readRelated: RelatedFileReader | undefined): Promise<Resources> {
  const { json, bin } = container;
  const resources: Record<string, Uint8Array> = {};
  const bufferSizes: number[] = [];
  const externalFiles: string[] = [];
  const buffers = Array.isArray(json.buffers) ? (json.buffers as unknown[]) : [];
  for (let i = 0; i < buffers.length; i++) {
    const buffer = buffers[i];
    if (!isObject(buffer)) throw modelCorrupt(file, `buffers[${i}] is not an object`);
    const uri = buffer.uri;
    if (uri === undefined) {
      if (bin === undefined || i !== 0) throw modelCorrupt(file, `buffer ${i} has no URI and there is no GLB binary chunk for it`);
      resources[GLB_BUFFER] = bin;
      bufferSizes.push(bin.byteLength);
      continue;
    }
    if (typeof uri !== 'string') throw modelCorrupt(file, `buffers[${i}].uri is not a string`);
    if (isDataUri(uri)) {
      const bytes = dataUriBytes(file, uri, `buffer ${i}`);
      resources[uri] = bytes;
      bufferSizes.push(bytes.byteLength);
      continue;
    }
    externalFiles.push(uri);
    const data = readRelated === undefined ? undefined : await readRelatedUri(uri, readRelated);
    if (data === undefined) {
      throw new StrataError('ASSET_CORRUPT', `${file}: buffer file "${uri}" is missing.`, {
        hint: 'Keep the .bin files next to the .gltf that references them.',
        data: { file, missing: uri },
      });
    }
    resources[uri] = data;
    bufferSizes.push(data.byteLength);
  }
  const images = Array.isArray(json.images) ? (json.images as unknown[]) : [];
  for (const image of images) {
    if (!isObject(image) || typeof image.uri !== 'string' || isDataUri(image.uri)) continue;
    externalFiles.push(image.uri);
    // Geometry needs no pixels: the reader gets an empty file for each image; the reference is recorded.
    resources[image.uri] = new Uint8Array(0);
  }
  return { resources, bufferSizes, externalFiles };
}

/** `json` without what the parse does not need and what a required-but-unknown extension would block. */
function readerJson(json: Json, resources: Record<string, Uint8Array>): Json {
  const copy: Json = { ...json };
  delete copy.animations;
  delete copy.extensionsRequired;
  const scenes = Array.isArray(json.scenes) ? json.scenes.length : 0;
  if (json.scene !== undefined && !(typeof json.scene === 'number' && Number.isInteger(json.scene) && json.scene >= 0 && json.scene < scenes)) {
    delete copy.scene;
  }
  if (Array.isArray(json.images)) {
    copy.images = (json.images as unknown[]).map((image, i) => {
      if (!isObject(image) || typeof image.uri !== 'string' || !isDataUri(image.uri)) return image;
      // Embedded images are not needed for geometry; do not make the reader decode them.
      const unread = `__strata-embedded-image-${i}.bin`;
      resources[unread] = new Uint8Array(0);
      return { ...image, uri: unread };
    });
  }
  return copy;
}

function collectingLogger(file: string, warnings: string[], required: string[]): ILogger {
  const seen = new Set<string>();
  const note = (text: string): void => {
    const optional = /^Missing optional extension, "([^"]+)"/.exec(text);
    if (optional !== null && required.includes(optional[1] as string)) return;
    const line = optional === null ? `${file}: ${text}` : `${file}: extension ${optional[1]} not interpreted`;
    if (!seen.has(line)) {
      seen.add(line);
      warnings.push(line);
    }
  };
  return { debug: () => undefined, info: () => undefined, warn: note, error: note };
}

/** The reference of texture `index`: its image's URI as written, or `embedded:<image name or index>`. */
function textureReference(json: Json, index: number): string | undefined {
  const textures = json.textures as Json[] | undefined;
  const texture = textures?.[index];
  if (texture === undefined) return undefined;
  let source = typeof texture.source === 'number' ? texture.source : undefined;
  if (source === undefined && isObject(texture.extensions)) {
    for (const extension of Object.values(texture.extensions)) {
      if (isObject(extension) && typeof extension.source === 'number') {
        source = extension.source;
        break;
      }
    }
  }
  if (source === undefined) return undefined;
  const image = (json.images as Json[] | undefined)?.[source];
  if (image === undefined) return undefined;
  if (typeof image.uri === 'string' && !isDataUri(image.uri)) return image.uri;
  return `embedded:${typeof image.name === 'string' && image.name !== '' ? image.name : source}`;
}

/** Texture slots of a material's JSON: `[slot name, texture index]`, extensions included (`EXT.slot`). */
function textureSlots(material: Json): [string, number][] {
  const slots: [string, number][] = [];
  const visit = (value: unknown, path: string): void => {
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (!isObject(child)) continue;
      const childPath = path === '' ? key : `${path}.${key}`;
      if (/texture$/i.test(key) && typeof child.index === 'number') {
        slots.push([childPath, child.index]);
        continue;
      }
      if (key === 'extras') continue;
      visit(child, childPath);
    }
  };
  visit(material, '');
  return slots.map(([path, index]) => [path.replace(/^pbrMetallicRoughness\./, '').replace(/^extensions\./, ''), index]);
}

function materialsOf(doc: Document, json: Json): MaterialData[] {
  const taken = new Set<string>();
  const definitions = (json.materials as Json[] | undefined) ?? [];
  return doc.getRoot().listMaterials().map((material, i) => {
    const definition = definitions[i] ?? {};
    const name = uniqueName(material.getName() || `material#${i}`, taken);
    const properties: Record<string, number | number[] | string> = {
      baseColorFactor: [...material.getBaseColorFactor()],
      metallicFactor: material.getMetallicFactor(),
      roughnessFactor: material.getRoughnessFactor(),
      emissiveFactor: [...material.getEmissiveFactor()],
      alphaMode: material.getAlphaMode(),
      doubleSided: material.getDoubleSided() ? 1 : 0,
    };
    if (material.getAlphaMode() === 'MASK') properties.alphaCutoff = material.getAlphaCutoff();
    if (isObject(definition.extensions)) {
      for (const [extension, body] of Object.entries(definition.extensions)) {
        if (!isObject(body)) continue;
        for (const [key, value] of Object.entries(body)) {
          if (typeof value === 'number' || typeof value === 'string') properties[`${extension}.${key}`] = value;
          else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) properties[`${extension}.${key}`] = value as number[];
        }
      }
    }
    const textures: string[] = [];
    for (const [slot, index] of textureSlots(definition)) {
      const reference = textureReference(json, index);
      if (reference === undefined) continue;
      properties[slot] = reference;
      if (!textures.includes(reference)) textures.push(reference);
    }
    return { name, properties, textures };
  });
}

/** A column-major 4×4 matrix times a point. */
function transform(m: ArrayLike<number>, x: number, y: number, z: number, out: Float64Array): void {
  out[0] = (m[0] as number) * x + (m[4] as number) * y + (m[8] as number) * z + (m[12] as number);
  out[1] = (m[1] as number) * x + (m[5] as number) * y + (m[9] as number) * z + (m[13] as number);
  out[2] = (m[2] as number) * x + (m[6] as number) * y + (m[10] as number) * z + (m[14] as number);
}

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

interface MeshBuild {
  positions: GrowableFloat32;
  indices: GrowableUint32;
  faces: number;
  materials: string[];
}

function addInstance(
  file: string,
  mesh: Mesh,
  meshName: string,
  matrix: ArrayLike<number>,
  build: MeshBuild,
  materialName: Map<unknown, string>,
  warnings: Set<string>,
): void {
  const point = new Float64Array(3);
  const element = [0, 0, 0];
  mesh.listPrimitives().forEach((primitive, p) => {
    const position = primitive.getAttribute('POSITION');
    if (position === null) {
      warnings.add(`${file}: mesh "${meshName}" primitive ${p} has no POSITION attribute and was skipped`);
      return;
    }
    if (position.getType() !== 'VEC3') throw modelCorrupt(file, `mesh "${meshName}" primitive ${p}: POSITION is ${position.getType()}, not VEC3`);
    const base = build.positions.length / 3;
    const count = position.getCount();
    for (let i = 0; i < count; i++) {
      position.getElement(i, element);
      transform(matrix, element[0] as number, element[1] as number, element[2] as number, point);
      build.positions.push3(point[0] as number, point[1] as number, point[2] as number);
    }
    const material = primitive.getMaterial();
    if (material !== null) {
      const name = materialName.get(material);
      if (name !== undefined && !build.materials.includes(name)) build.materials.push(name);
    }
    const mode = primitive.getMode();
    const indexAccessor = primitive.getIndices();
    const raw = indexAccessor?.getArray() ?? null;
    const n = raw === null ? count : raw.length;
    const at = (i: number): number => {
      const v = raw === null ? i : (raw[i] as number);
      if (v >= count) {
        throw modelCorrupt(file, `mesh "${meshName}" primitive ${p}: index ${v} is out of range (${count} vertices)`);
      }
      return base + v;
    };
    if (mode === 4) {
      const whole = n - (n % 3);
      if (n % 3 !== 0) warnings.add(`${file}: mesh "${meshName}" primitive ${p}: ${n} indices is not a multiple of 3; the last ${n % 3} ignored`);
      for (let i = 0; i < whole; i += 3) build.indices.push3(at(i), at(i + 1), at(i + 2));
      build.faces += whole / 3;
    } else if (mode === 5) {
      for (let i = 0; i + 2 < n; i++) {
        if (i % 2 === 0) build.indices.push3(at(i), at(i + 1), at(i + 2));
        else build.indices.push3(at(i + 1), at(i), at(i + 2));
        build.faces++;
      }
    } else if (mode === 6) {
      for (let i = 1; i + 1 < n; i++) build.indices.push3(at(0), at(i), at(i + 1));
      build.faces += Math.max(0, n - 2);
    } else {
      for (let i = 0; i < n; i++) at(i);
      warnings.add(`${file}: mesh "${meshName}" has ${MODE_NAMES[mode] ?? `mode ${mode}`} primitives; they count no faces`);
    }
  });
}

function nodePath(node: Node, names: Map<Node, string>): string {
  const parts: string[] = [];
  for (let at: Node | null = node; at !== null; at = at.getParentNode()) parts.push(names.get(at) ?? '');
  return parts.reverse().join('/');
}

function extract(file: string, doc: Document, json: Json, warnings: string[]): { meshes: MeshData[]; nodes: NodeData[]; materials: MaterialData[] } {
  const root = doc.getRoot();
  const materials = materialsOf(doc, json);
  const materialName = new Map<unknown, string>();
  root.listMaterials().forEach((material, i) => materialName.set(material, (materials[i] as MaterialData).name));

  const meshNames = new Map<Mesh, string>();
  const takenMeshes = new Set<string>();
  root.listMeshes().forEach((mesh, i) => meshNames.set(mesh, uniqueName(mesh.getName() || `mesh#${i}`, takenMeshes)));

  const nodeNames = new Map<Node, string>();
  const takenNodes = new Set<string>();
  const allNodes = root.listNodes();
  allNodes.forEach((node, i) => nodeNames.set(node, uniqueName(node.getName() || `node#${i}`, takenNodes)));
  const nodes: NodeData[] = allNodes.map((node) => {
    const mesh = node.getMesh();
    return {
      name: nodeNames.get(node) as string,
      path: nodePath(node, nodeNames),
      ...(mesh === null ? {} : { mesh: meshNames.get(mesh) as string }),
      translation: [...node.getTranslation()] as Vec3,
      rotation: [...node.getRotation()] as Quat,
      scale: [...node.getScale()] as Vec3,
    };
  });

  // Nodes that a scene draws, each once even when several scenes list it.
  const inScene = new Set<Node>();
  for (const scene of root.listScenes()) scene.traverse((node) => inScene.add(node));
  const instances = new Map<Mesh, Node[]>();
  for (const node of allNodes) {
    const mesh = node.getMesh();
    if (mesh === null || !inScene.has(node)) continue;
    const list = instances.get(mesh) ?? [];
    list.push(node);
    instances.set(mesh, list);
  }

  const problems = new Set<string>();
  const meshes: MeshData[] = root.listMeshes().map((mesh) => {
    const name = meshNames.get(mesh) as string;
    const build: MeshBuild = { positions: new GrowableFloat32(256), indices: new GrowableUint32(256), faces: 0, materials: [] };
    const users = instances.get(mesh);
    if (users === undefined) addInstance(file, mesh, name, IDENTITY, build, materialName, problems);
    else for (const node of users) addInstance(file, mesh, name, node.getWorldMatrix(), build, materialName, problems);
    return { name, positions: build.positions.toArray(), indices: build.indices.toArray(), faceCount: build.faces, materials: build.materials };
  });
  warnings.push(...problems);
  return { meshes, nodes, materials };
}

export async function parseGltf(input: GltfInput & { binary: boolean }): Promise<Model> {
  const { name: file, data } = input;
  if (data.length === 0) throw modelCorrupt(file, 'file is empty');
  const warnings: string[] = [];
  const container: Container = input.binary ? readGlb(file, data) : { json: parseJson(file, data), bin: undefined };
  checkVersion(file, container.json, warnings);
  const resources = await gatherResources(file, container, input.readRelated);
  new GltfValidator(file, container.json).validate(resources.bufferSizes);
  const sceneCount = Array.isArray(container.json.scenes) ? container.json.scenes.length : 0;
  const defaultScene = container.json.scene;
  if (defaultScene !== undefined && !(typeof defaultScene === 'number' && Number.isInteger(defaultScene) && defaultScene >= 0 && defaultScene < sceneCount)) {
    warnings.push(`${file}: default scene ${JSON.stringify(defaultScene)} does not exist (${sceneCount} scenes); ignored`);
  }
  let doc: Document;
  try {
    const io = new NodeIO().setLogger(collectingLogger(file, warnings, Array.isArray(container.json.extensionsRequired) ? container.json.extensionsRequired.map(String) : [])).setStrictResources(false);
    const json = readerJson(container.json, resources.resources);
    doc = await io.readJSON({ json: json as never, resources: resources.resources as never });
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw modelCorrupt(file, `glTF could not be read: ${(err as Error).message ?? String(err)}`);
  }
  try {
    const { meshes, nodes, materials } = extract(file, doc, container.json, warnings);
    return assembleModel({ format: input.binary ? 'glb' : 'gltf', meshes, nodes, materials, externalFiles: resources.externalFiles, warnings });
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw modelCorrupt(file, `glTF could not be read: ${(err as Error).message ?? String(err)}`);
  }
}
