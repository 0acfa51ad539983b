/**
 * Structural checks of a glTF 2.0 JSON document before it is handed to @gltf-transform/core, so that a
 * malformed or hostile file gives a clear ASSET_CORRUPT instead of a library exception, an endless loop
 * (cyclic node graphs) or a huge allocation (accessor counts far beyond their buffers).
 */
import { modelCorrupt } from './model-error.js';

export type Json = Record<string, unknown>;

const COMPONENT_SIZE: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const TYPE_SIZE: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };
/** Accessors without a buffer view are zero-filled; cap what such a declaration may allocate. */
const MAX_ZERO_FILLED_ELEMENTS = 1 << 26;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class GltfValidator {
  constructor(
    private readonly file: string,
    private readonly json: Json,
  ) {}

  fail(problem: string): never {
    throw modelCorrupt(this.file, problem);
  }

  list(key: string): Json[] {
    const value = this.json[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(`"${key}" is not an array`);
    value.forEach((item, i) => {
      if (!isObject(item)) this.fail(`${key}[${i}] is not an object`);
    });
    return value as Json[];
  }

  index(value: unknown, where: string, length: number, optional = true): number | undefined {
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= length) {
      this.fail(`${where} is ${JSON.stringify(value)}, not an index below ${length}`);
    }
    return value;
  }

  count(value: unknown, where: string, optional = false): number {
    if (value === undefined && optional) return 0;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      this.fail(`${where} is ${JSON.stringify(value)}, not a non-negative integer`);
    }
    return value;
  }

  string(value: unknown, where: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(`${where} is ${JSON.stringify(value)}, not a string`);
    return value;
  }

  numbers(value: unknown, where: string, length: number): void {
    if (value === undefined) return;
    if (!Array.isArray(value) || value.length !== length || value.some((n) => typeof n !== 'number')) {
      this.fail(`${where} is not an array of ${length} numbers`);
    }
  }

  /** Checks the whole document against the sizes of the buffers actually present (`bufferSizes`). */
  validate(bufferSizes: number[]): void {
    const buffers = this.list('buffers');
    const views = this.list('bufferViews');
    const accessors = this.list('accessors');
    const nodes = this.list('nodes');
    const meshes = this.list('meshes');
    const materials = this.list('materials');
    const textures = this.list('textures');
    const images = this.list('images');
    const scenes = this.list('scenes');
    buffers.forEach((buffer, i) => {
      const declared = this.count(buffer.byteLength, `buffers[${i}].byteLength`);
      const actual = bufferSizes[i] ?? 0;
      if (actual < declared) this.fail(`buffer ${i} has ${actual} bytes but declares ${declared} (truncated?)`);
    });
    const viewLengths = views.map((view, i) => {
      const buffer = this.index(view.buffer, `bufferViews[${i}].buffer`, buffers.length, false) as number;
      const offset = this.count(view.byteOffset, `bufferViews[${i}].byteOffset`, true);
      const length = this.count(view.byteLength, `bufferViews[${i}].byteLength`);
      if (view.byteStride !== undefined) this.count(view.byteStride, `bufferViews[${i}].byteStride`);
      const size = bufferSizes[buffer] ?? 0;
      if (offset + length > size) this.fail(`bufferView ${i} (bytes ${offset}..${offset + length}) lies outside buffer ${buffer} of ${size} bytes`);
      return length;
    });
    accessors.forEach((accessor, i) => {
      const where = `accessors[${i}]`;
      const count = this.count(accessor.count, `${where}.count`);
      const component = COMPONENT_SIZE[accessor.componentType as number];
      const components = TYPE_SIZE[accessor.type as string];
      if (component === undefined) this.fail(`${where}.componentType ${JSON.stringify(accessor.componentType)} is not a glTF component type`);
      if (components === undefined) this.fail(`${where}.type ${JSON.stringify(accessor.type)} is not a glTF accessor type`);
      const elementBytes = component * components;
      const viewIndex = this.index(accessor.bufferView, `${where}.bufferView`, views.length);
      if (viewIndex === undefined) {
        if (count * components > MAX_ZERO_FILLED_ELEMENTS) this.fail(`${where} declares ${count} elements without any data`);
      } else {
        const view = views[viewIndex] as Json;
        const stride = typeof view.byteStride === 'number' && view.byteStride > 0 ? view.byteStride : elementBytes;
        const offset = this.count(accessor.byteOffset, `${where}.byteOffset`, true);
        const needed = count === 0 ? 0 : offset + stride * (count - 1) + elementBytes;
        const length = viewLengths[viewIndex] as number;
        if (needed > length) this.fail(`${where} needs ${needed} bytes but its bufferView ${viewIndex} has ${length}`);
      }
      if (accessor.sparse !== undefined) {
        const sparse = accessor.sparse;
        if (!isObject(sparse) || !isObject(sparse.indices) || !isObject(sparse.values)) this.fail(`${where}.sparse is malformed`);
        const sparseCount = this.count(sparse.count, `${where}.sparse.count`);
        if (sparseCount > count) this.fail(`${where}.sparse.count exceeds the accessor's count`);
        const iv = this.index(sparse.indices.bufferView, `${where}.sparse.indices.bufferView`, views.length, false) as number;
        const vv = this.index(sparse.values.bufferView, `${where}.sparse.values.bufferView`, views.length, false) as number;
        const indexSize = COMPONENT_SIZE[sparse.indices.componentType as number] ?? 4;
        const indicesEnd = this.count(sparse.indices.byteOffset, `${where}.sparse.indices.byteOffset`, true) + indexSize * sparseCount;
        const valuesEnd = this.count(sparse.values.byteOffset, `${where}.sparse.values.byteOffset`, true) + elementBytes * sparseCount;
        if (indicesEnd > (viewLengths[iv] as number) || valuesEnd > (viewLengths[vv] as number)) {
          this.fail(`${where}.sparse lies outside its buffer views`);
        }
      }
    });
    meshes.forEach((mesh, m) => {
      const primitives = mesh.primitives;
      if (!Array.isArray(primitives)) this.fail(`meshes[${m}].primitives is not an array`);
      primitives.forEach((primitive: unknown, p: number) => {
        const where = `meshes[${m}].primitives[${p}]`;
        if (!isObject(primitive) || !isObject(primitive.attributes)) this.fail(`${where} has no attributes`);
        for (const [semantic, accessor] of Object.entries(primitive.attributes)) {
          this.index(accessor, `${where}.attributes.${semantic}`, accessors.length, false);
        }
        this.index(primitive.indices, `${where}.indices`, accessors.length);
        this.index(primitive.material, `${where}.material`, materials.length);
        if (primitive.mode !== undefined) this.index(primitive.mode, `${where}.mode`, 7, false);
        if (primitive.targets !== undefined && !Array.isArray(primitive.targets)) this.fail(`${where}.targets is not an array`);
        for (const target of (primitive.targets as unknown[] | undefined) ?? []) {
          if (!isObject(target)) this.fail(`${where}.targets holds a non-object`);
          for (const [semantic, accessor] of Object.entries(target)) this.index(accessor, `${where}.targets.${semantic}`, accessors.length, false);
        }
      });
    });
    const parent = new Int32Array(nodes.length).fill(-1);
    nodes.forEach((node, n) => {
      const where = `nodes[${n}]`;
      this.index(node.mesh, `${where}.mesh`, meshes.length);
      this.index(node.camera, `${where}.camera`, Array.isArray(this.json.cameras) ? this.json.cameras.length : 0);
      this.index(node.skin, `${where}.skin`, Array.isArray(this.json.skins) ? this.json.skins.length : 0);
      this.numbers(node.translation, `${where}.translation`, 3);
      this.numbers(node.rotation, `${where}.rotation`, 4);
      this.numbers(node.scale, `${where}.scale`, 3);
      this.numbers(node.matrix, `${where}.matrix`, 16);
      this.string(node.name, `${where}.name`);
      if (node.children === undefined) return;
      if (!Array.isArray(node.children)) this.fail(`${where}.children is not an array`);
      for (const child of node.children) {
        const c = this.index(child, `${where}.children`, nodes.length, false) as number;
        if (parent[c] !== -1) this.fail(`node ${c} has more than one parent (nodes ${parent[c]} and ${n})`);
        parent[c] = n;
      }
    });
    nodes.forEach((_, n) => {
      let steps = 0;
      for (let at = parent[n] as number; at !== -1; at = parent[at] as number) {
        if (at === n || ++steps > nodes.length) this.fail(`node ${n} is its own ancestor (the node hierarchy has a cycle)`);
      }
    });
    for (const skin of this.list('skins')) {
      if (!Array.isArray(skin.joints)) this.fail('a skin has no joints array');
      for (const joint of skin.joints) this.index(joint, 'skins[].joints', nodes.length, false);
      this.index(skin.skeleton, 'skins[].skeleton', nodes.length);
      this.index(skin.inverseBindMatrices, 'skins[].inverseBindMatrices', accessors.length);
    }
    scenes.forEach((scene, s) => {
      if (scene.nodes === undefined) return;
      if (!Array.isArray(scene.nodes)) this.fail(`scenes[${s}].nodes is not an array`);
      for (const root of scene.nodes) {
        const r = this.index(root, `scenes[${s}].nodes`, nodes.length, false) as number;
        if (parent[r] !== -1) this.fail(`scene ${s} lists node ${r}, which is the child of node ${parent[r]}`);
      }
    });
    textures.forEach((texture, t) => {
      this.index(texture.source, `textures[${t}].source`, images.length);
      this.index(texture.sampler, `textures[${t}].sampler`, Array.isArray(this.json.samplers) ? this.json.samplers.length : 0);
    });
    images.forEach((image, i) => {
      this.string(image.uri, `images[${i}].uri`);
      this.string(image.name, `images[${i}].name`);
      this.index(image.bufferView, `images[${i}].bufferView`, views.length);
    });
    materials.forEach((material, i) => {
      this.string(material.name, `materials[${i}].name`);
      if (material.pbrMetallicRoughness !== undefined && !isObject(material.pbrMetallicRoughness)) {
        this.fail(`materials[${i}].pbrMetallicRoughness is not an object`);
      }
      const pbr = (material.pbrMetallicRoughness ?? {}) as Json;
      this.numbers(pbr.baseColorFactor, `materials[${i}].baseColorFactor`, 4);
      this.numbers(material.emissiveFactor, `materials[${i}].emissiveFactor`, 3);
      for (const slot of [pbr.baseColorTexture, pbr.metallicRoughnessTexture, material.normalTexture, material.occlusionTexture, material.emissiveTexture]) {
        if (slot === undefined) continue;
        if (!isObject(slot)) this.fail(`materials[${i}] has a texture slot that is not an object`);
        this.index(slot.index, `materials[${i}] texture index`, textures.length, false);
      }
    });
    this.list('samplers');
    this.list('cameras');
    this.list('animations');
  }
}
