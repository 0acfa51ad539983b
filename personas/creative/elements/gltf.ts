/**
 * glTF 2.0 / GLB elements: nodes (`node:<name>`), meshes (`mesh:<name>`), materials (`material:<name>`)
 * and textures (`texture:<name or uri>`), named as the model reader names them (`node#3` when unnamed,
 * `Name#2` for the second of a name).
 *
 * Extract: a node as a GLB holding it as the scene's root with its world transform applied (so it sits
 * where it sat in the whole scene), its subtree, meshes, materials, textures and images; a mesh as a GLB
 * with one node instancing it; a material as a GLB with a 1×1 quad using it; a texture as its image file.
 *
 * Restore: the node with its subtree, meshes, materials and textures from the old document replaces the
 * current node of that name (keeping its place among its siblings), or is added under the parent of the
 * same name, else to the scene's root with its old world transform. What the old subtree brings that
 * equals something of today's file (same name and content) is shared, not duplicated; what only the
 * replaced subtree used is removed. Every other node, mesh, material, texture, accessor and animation
 * is kept (animation channels that drove a replaced node drive its restored namesake).
 */
import { Document, type Accessor, PropertyType, type Material, type Mesh, type Node, type Property, type Scene, type Texture } from '@gltf-transform/core';
import { copyToDocument } from '@gltf-transform/functions';
import { StrataError } from '../../../porcelain/index.js';
import type { ElementFile, ElementHandler, ElementInfo, OutputFile, RestoreResult } from './element.js';
import { findElement } from './element.js';
import {
  adoptExtensions,
  disposeOrphans,
  extensionOfMime,
  moveAccessorsTo,
  readGltfDocument,
  writeGlb,
  writeLike,
  type GltfDocument,
} from './gltf-document.js';

type Target = { kind: 'node'; node: Node } | { kind: 'mesh'; mesh: Mesh } | { kind: 'material'; material: Material } | { kind: 'texture'; texture: Texture };

interface Entry {
  info: ElementInfo;
  target: Target;
}

const fmt = (values: ArrayLike<number>): string => Array.from(values, (v) => Number(v.toFixed(6))).join(' ');

function vertexCount(mesh: Mesh): number {
  let n = 0;
  for (const primitive of mesh.listPrimitives()) n += primitive.getAttribute('POSITION')?.getCount() ?? 0;
  return n;
}

function entries(g: GltfDocument): Entry[] {
  const root = g.doc.getRoot();
  const out: Entry[] = [];
  for (const node of root.listNodes()) {
    const name = g.nodeNames.get(node) as string;
    const parentNode = node.getParentNode();
    const path: string[] = [];
    for (let at: Node | null = node; at !== null; at = at.getParentNode()) path.unshift(g.nodeNames.get(at) as string);
    const mesh = node.getMesh();
    const details: ElementInfo['details'] = {
      path: path.join('/'),
      mesh: mesh === null ? null : (g.meshNames.get(mesh) as string),
      children: node.listChildren().length,
      translation: fmt(node.getTranslation()),
      rotation: fmt(node.getRotation()),
      scale: fmt(node.getScale()),
    };
    if (node.getCamera() !== null) details.camera = node.getCamera()?.getName() || true;
    if (node.getSkin() !== null) details.skin = node.getSkin()?.getName() || true;
    out.push({ info: { name: `node:${name}`, kind: 'node', ...(parentNode === null ? {} : { parent: `node:${g.nodeNames.get(parentNode) as string}` }), details }, target: { kind: 'node', node } });
  }
  for (const mesh of root.listMeshes()) {
    const materials = [...new Set(mesh.listPrimitives().map((p) => p.getMaterial()).filter((m): m is Material => m !== null))];
    const users = mesh.listParents().filter((p) => p.propertyType === PropertyType.NODE).length;
    out.push({
      info: {
        name: `mesh:${g.meshNames.get(mesh) as string}`,
        kind: 'mesh',
        details: {
          primitives: mesh.listPrimitives().length,
          vertices: vertexCount(mesh),
          materials: materials.map((m) => g.materialNames.get(m) as string).join(', '),
          instances: users,
          morphTargets: mesh.listPrimitives()[0]?.listTargets().length ?? 0,
        },
      },
      target: { kind: 'mesh', mesh },
    });
  }
  for (const material of root.listMaterials()) {
    const textures = g.doc
      .getGraph()
      .listChildren(material)
      .filter((c) => c.propertyType === PropertyType.TEXTURE) as Texture[];
    out.push({
      info: {
        name: `material:${g.materialNames.get(material) as string}`,
        kind: 'material',
        details: {
          baseColor: fmt(material.getBaseColorFactor()),
          metallic: material.getMetallicFactor(),
          roughness: material.getRoughnessFactor(),
          alphaMode: material.getAlphaMode(),
          doubleSided: material.getDoubleSided(),
          textures: textures.map((t) => g.textureNames.get(t) as string).join(', '),
        },
      },
      target: { kind: 'material', material },
    });
  }
  for (const texture of root.listTextures()) {
    const size = texture.getImage() === null || texture.getImage()?.byteLength === 0 ? null : texture.getSize();
    const uri = texture.getURI();
    out.push({
      info: {
        name: `texture:${g.textureNames.get(texture) as string}`,
        kind: 'texture',
        details: {
          mimeType: texture.getMimeType(),
          uri: uri === '' || uri.startsWith('@strata-embedded-') ? null : uri,
          bytes: texture.getImage()?.byteLength ?? 0,
          width: size?.[0] ?? null,
          height: size?.[1] ?? null,
          missing: g.missingImages.has(uri),
        },
      },
      target: { kind: 'texture', texture },
    });
  }
  return out;
}

function lookup(file: string, list: Entry[], wanted: string): Entry {
  const info = findElement(file, list.map((e) => e.info), wanted);
  return list.find((e) => e.info === info) as Entry;
}

export async function listGltfElements(file: ElementFile): Promise<ElementInfo[]> {
  return entries(await readGltfDocument(file)).map((e) => e.info);
}

function glbName(outName: string): string {
  return outName.replace(/\.[^./\\]*$/, '') + '.glb';
}

function checkImages(g: GltfDocument, properties: Iterable<Property>, element: string): void {
  for (const p of properties) {
    if (p.propertyType !== PropertyType.TEXTURE) continue;
    const uri = (p as Texture).getURI();
    if (g.missingImages.has(uri)) {
      throw new StrataError('ASSET_CORRUPT', `${g.file.name}: image file "${uri}" that ${element} uses is missing.`, {
        hint: 'Keep the images next to the .gltf that references them.',
        data: { file: g.file.name, missing: uri },
      });
    }
  }
}

function dependenciesOf(g: GltfDocument, seeds: Property[]): Set<Property> {
  const seen = new Set<Property>();
  const queue = [...seeds];
  while (queue.length > 0) {
    const p = queue.pop() as Property;
    if (seen.has(p)) continue;
    seen.add(p);
    queue.push(...(g.doc.getGraph().listChildren(p) as Property[]));
  }
  return seen;
}

/** A new document with `seeds` (and what they reference) copied from `g`. */
function copyOut(g: GltfDocument, seeds: Property[]): { doc: Document; map: Map<Property, Property> } {
  const doc = new Document();
  adoptExtensions(doc, g.doc);
  const map = copyToDocument(doc, g.doc, seeds);
  return { doc, map };
}

/** A 1×1 quad in the XY plane facing +Z, with every texture coordinate set `material` reads. */
function quadMesh(doc: Document, material: Material, name: string): Mesh {
  const buffer = doc.getRoot().listBuffers()[0] ?? doc.createBuffer();
  let maxTexCoord = 0;
  for (const info of doc.getGraph().listChildren(material)) {
    if (info.propertyType === PropertyType.TEXTURE_INFO) maxTexCoord = Math.max(maxTexCoord, (info as unknown as { getTexCoord(): number }).getTexCoord());
  }
  const positions = doc.createAccessor().setBuffer(buffer).setType('VEC3').setArray(new Float32Array([-0.5, -0.5, 0, 0.5, -0.5, 0, 0.5, 0.5, 0, -0.5, 0.5, 0]));
  const normals = doc.createAccessor().setBuffer(buffer).setType('VEC3').setArray(new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]));
  const indices = doc.createAccessor().setBuffer(buffer).setType('SCALAR').setArray(new Uint16Array([0, 1, 2, 0, 2, 3]));
  const primitive = doc.createPrimitive().setAttribute('POSITION', positions).setAttribute('NORMAL', normals).setIndices(indices).setMaterial(material);
  for (let i = 0; i <= maxTexCoord; i++) {
    const uv = doc.createAccessor().setBuffer(buffer).setType('VEC2').setArray(new Float32Array([0, 1, 1, 1, 1, 0, 0, 0]));
    primitive.setAttribute(`TEXCOORD_${i}`, uv);
  }
  return doc.createMesh(name).addPrimitive(primitive);
}

/**
 * The element as a file of its own: a node, mesh or material as a GLB (the node with its world
 * transform applied, as the scene's root), a texture as its image file.
 */
export async function extractGltfElement(file: ElementFile, element: string, outName: string): Promise<OutputFile[]> {
  const g = await readGltfDocument(file);
  const entry = lookup(file.name, entries(g), element);
  const target = entry.target;
  if (target.kind === 'texture') {
    checkImages(g, [target.texture], entry.info.name);
    const image = target.texture.getImage() ?? new Uint8Array(0);
    const name = outName.replace(/\.[^./\\]*$/, '') + '.' + extensionOfMime(target.texture.getMimeType());
    return [{ name, data: Buffer.from(image.buffer, image.byteOffset, image.byteLength) }];
  }
  const seed: Property = target.kind === 'node' ? target.node : target.kind === 'mesh' ? target.mesh : target.material;
  checkImages(g, dependenciesOf(g, [seed]), entry.info.name);
  const { doc, map } = copyOut(g, [seed]);
  const scene = doc.createScene(g.doc.getRoot().getDefaultScene()?.getName() || 'Scene');
  doc.getRoot().setDefaultScene(scene);
  if (target.kind === 'node') {
    const node = map.get(target.node) as Node;
    node.setMatrix(target.node.getWorldMatrix());
    scene.addChild(node);
  } else if (target.kind === 'mesh') {
    scene.addChild(doc.createNode(target.mesh.getName()).setMesh(map.get(target.mesh) as Mesh));
  } else {
    const name = target.material.getName() || 'material';
    scene.addChild(doc.createNode(name).setMesh(quadMesh(doc, map.get(target.material) as Material, name)));
  }
  return [{ name: glbName(outName), data: await writeGlb(doc) }];
}

/** Inserts `child` among `parent`'s children at `index` (appended when past the end). */
function insertChild(parent: Node | Scene, child: Node, index: number): void {
  const after = parent.listChildren().slice(index);
  for (const n of after) parent.removeChild(n);
  parent.addChild(child);
  for (const n of after) parent.addChild(n);
}

function subtreeOf(node: Node): Node[] {
  const out: Node[] = [];
  node.traverse((n) => out.push(n));
  return out;
}

export interface GltfRestoreResult extends RestoreResult {
  /** `replaced` (over today's node of that name), `parent` (added under the parent of the same name) or `scene` (added to the scene's root, with its old world transform). */
  placement: 'replaced' | 'parent' | 'scene';
  /** Meshes, materials and textures of the restored subtree that were equal to today's and are shared with them. */
  shared: string[];
}

/** `current` with the node `element` (and its subtree, meshes, materials, textures) as it is in `old`. */
export async function restoreGltfElement(current: ElementFile, old: ElementFile, element: string): Promise<GltfRestoreResult> {
  const before = await readGltfDocument(old);
  const source = lookup(old.name, entries(before), element);
  if (source.target.kind !== 'node') {
    throw new StrataError('ASSET_UNSUPPORTED', `${old.name}: restore-element takes a node ("${source.info.name}" is a ${source.target.kind}).`, {
      hint: 'Restore the node that uses it: `node:<name>` brings back its meshes, materials and textures with it.',
      data: { file: old.name, element: source.info.name },
    });
  }
  const oldNode = source.target.node;
  checkImages(before, dependenciesOf(before, [oldNode]), source.info.name);
  const now = await readGltfDocument(current);
  const doc = now.doc;
  const root = doc.getRoot();
  const preexisting = new Set<Property>([...root.listTextures(), ...root.listMaterials(), ...root.listMeshes()]);
  const originalOrder = { nodes: root.listNodes(), meshes: root.listMeshes(), materials: root.listMaterials(), textures: root.listTextures() };
  const oldName = before.nodeNames.get(oldNode) as string;
  const existing = [...now.nodeNames].find(([, name]) => name === oldName)?.[0];

  adoptExtensions(doc, before.doc);
  const map = copyToDocument(doc, before.doc, [oldNode]);
  const copied = new Set(map.values());
  const restoredNode = map.get(oldNode) as Node;

  // Place it.
  let placement: GltfRestoreResult['placement'];
  if (existing !== undefined) {
    placement = 'replaced';
    const parent: Node | Scene | undefined = existing.getParentNode() ?? root.listScenes().find((s) => s.listChildren().includes(existing));
    if (parent !== undefined) insertChild(parent, restoredNode, parent.listChildren().indexOf(existing));
    else (root.getDefaultScene() ?? root.listScenes()[0] ?? doc.createScene('Scene')).addChild(restoredNode);
  } else {
    const oldParent = oldNode.getParentNode();
    const parentName = oldParent === null ? undefined : before.nodeNames.get(oldParent);
    const parent = parentName === undefined ? undefined : [...now.nodeNames].find(([, name]) => name === parentName)?.[0];
    if (parent !== undefined) {
      placement = 'parent';
      const oldSiblings = oldParent?.listChildren() ?? [];
      const index = oldSiblings.indexOf(oldNode);
      insertChild(parent, restoredNode, Math.min(index, parent.listChildren().length));
    } else {
      placement = 'scene';
      restoredNode.setMatrix(oldNode.getWorldMatrix());
      let scene = root.getDefaultScene() ?? root.listScenes()[0];
      if (scene === undefined) {
        scene = doc.createScene('Scene');
        root.setDefaultScene(scene);
      }
      scene.addChild(restoredNode);
    }
  }

  // Share what equals today's (same name and content) instead of duplicating it.
  const shared: string[] = [];
  const kinds: [PropertyType, (p: Property) => string][] = [
    [PropertyType.TEXTURE, (p) => `texture:${now.textureNames.get(p as Texture) as string}`],
    [PropertyType.MATERIAL, (p) => `material:${now.materialNames.get(p as Material) as string}`],
    [PropertyType.MESH, (p) => `mesh:${now.meshNames.get(p as Mesh) as string}`],
  ];
  for (const [type, nameOf] of kinds) {
    for (const copy of copied) {
      if (copy.propertyType !== type || copy.isDisposed()) continue;
      const twin = [...preexisting].find((p) => p.propertyType === type && !p.isDisposed() && copy.equals(p as never));
      if (twin === undefined) continue;
      for (const parent of copy.listParents()) if (parent.propertyType !== PropertyType.ROOT) parent.swap(copy, twin);
      shared.push(nameOf(twin));
    }
  }

  // Take away today's node and what only it used; animation channels follow to the restored namesakes.
  if (existing !== undefined) {
    const removed = subtreeOf(existing);
    const removedSet = new Set<Property>(removed);
    const restoredByName = new Map<string, Node>();
    // By element name (`node#2` for unnamed ones), as the old file named them.
    for (const o of subtreeOf(oldNode)) restoredByName.set(before.nodeNames.get(o) as string, map.get(o) as Node);
    // Whatever else pointed at a replaced node (skin joints and skeletons, animation channels, extensions) points at its restored namesake.
    for (const n of removed) {
      const namesake = restoredByName.get(now.nodeNames.get(n) as string);
      if (namesake === undefined) continue;
      for (const parent of n.listParents()) {
        const type = parent.propertyType;
        if (type === PropertyType.ROOT || type === PropertyType.SCENE || type === PropertyType.NODE) continue;
        parent.swap(n, namesake);
      }
    }
    // Channels left without a target are removed, with what only they used.
    for (const animation of root.listAnimations()) {
      for (const channel of animation.listChannels()) {
        const targetNode = channel.getTargetNode();
        if (targetNode === null || !removedSet.has(targetNode)) continue;
        const sampler = channel.getSampler();
        channel.dispose();
        if (sampler !== null && !animation.listChannels().some((c) => c.getSampler() === sampler)) {
          const accessors = [sampler.getInput(), sampler.getOutput()].filter((a): a is Accessor => a !== null);
          sampler.dispose();
          disposeOrphans(doc, accessors);
        }
      }
      if (animation.listChannels().length === 0) animation.dispose();
    }
    const seeds: Property[] = [];
    for (const n of removed) seeds.push(...(doc.getGraph().listChildren(n) as Property[]).filter((c) => c.propertyType !== PropertyType.NODE));
    for (const n of removed) n.dispose();
    disposeOrphans(doc, seeds);
  }
  // Copies that became unused by sharing.
  disposeOrphans(doc, [...copied].filter((p) => p.propertyType !== PropertyType.NODE));

  // Keep today's order of nodes, meshes, materials and textures, a restored one in the place of the one it
  // replaces, so that names by index (`node#4`) still name the same things.
  const oldNameOf = new Map<Property, string>();
  for (const [o, c] of map) {
    const name = before.nodeNames.get(o as Node) ?? before.meshNames.get(o as Mesh) ?? before.materialNames.get(o as Material) ?? before.textureNames.get(o as Texture);
    if (name !== undefined) oldNameOf.set(c, name);
  }
  const nowNameOf = (p: Property): string | undefined => now.nodeNames.get(p as Node) ?? now.meshNames.get(p as Mesh) ?? now.materialNames.get(p as Material) ?? now.textureNames.get(p as Texture);
  for (const [kind, original] of Object.entries(originalOrder) as [string, Property[]][]) {
    const live = (root as unknown as Record<string, () => Property[]>)[`list${kind[0]?.toUpperCase()}${kind.slice(1)}`]?.call(root) ?? [];
    const incoming = live.filter((p) => copied.has(p) && !original.includes(p));
    const placed = new Set<Property>();
    const order: Property[] = [];
    for (const p of original) {
      if (!p.isDisposed()) {
        order.push(p);
        continue;
      }
      const name = nowNameOf(p);
      const replacement = incoming.find((c) => !placed.has(c) && oldNameOf.get(c) === name);
      if (replacement !== undefined) {
        placed.add(replacement);
        order.push(replacement);
      }
    }
    for (const c of incoming) if (!placed.has(c)) order.push(c);
    const refs = root as unknown as { removeRef(attribute: string, value: Property): void; addRef(attribute: string, value: Property): void };
    for (const p of order) {
      refs.removeRef(kind, p);
      refs.addRef(kind, p);
    }
  }

  // One buffer for what came from the old file: today's first buffer (a GLB holds one).
  const copiedBuffers = new Set<Property>([...copied].filter((p) => p.propertyType === PropertyType.BUFFER && !p.isDisposed()));
  if (copiedBuffers.size > 0) {
    const home = root.listBuffers().find((b) => !copiedBuffers.has(b)) ?? doc.createBuffer();
    moveAccessorsTo(doc, home, copiedBuffers);
  }

  const { data, companions } = await writeLike(now, doc);
  const restored = subtreeOf(oldNode).map((n) => `node:${before.nodeNames.get(n) as string}`);
  return { data, companions, restored, placement, shared: [...new Set(shared)] };
}

export const gltfHandler: ElementHandler = {
  extensions: ['gltf', 'glb'],
  list: listGltfElements,
  extract: extractGltfElement,
  restore: restoreGltfElement,
};
