/**
 * glTF / GLB element handler on real files from Debian's assimp-testmodels (Khronos' TextureTransformTest
 * with KHR_texture_transform and external PNGs, BoxTextured as GLB and as embedded .gltf, simple_skin with
 * a skin and an animation): known lists, extracted GLBs and restored files checked by the Khronos
 * validator (0 errors), and every untouched node, mesh, material and texture value-identical.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import validator from 'gltf-validator';
import { describe, expect, it } from 'vitest';
import { gltfHandler, restoreGltfElement } from '../../../personas/creative/elements/gltf.js';
import { gltfIO, readGltfDocument, type GltfDocument } from '../../../personas/creative/elements/gltf-document.js';
import type { ElementFile } from '../../../personas/creative/elements/element.js';
import { debianMaterial } from '../../helpers/debian-material.js';

const here = dirname(fileURLToPath(import.meta.url));
const elements = join(here, '../../fixtures/creative/elements/gltf');
const models = join(here, '../../fixtures/creative/model/gltf');
const reader = (dir: string, overlay: Map<string, Buffer> = new Map()) => async (p: string) => {
  const o = overlay.get(p);
  if (o !== undefined) return o;
  try {
    return readFileSync(join(dir, p));
  } catch {
    return undefined;
  }
};
const ttDir = join(elements, 'textureTransform');
const tt = (): ElementFile => ({ name: 'TextureTransformTest.gltf', data: readFileSync(join(ttDir, 'TextureTransformTest.gltf')), readRelated: reader(ttDir) });

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; data?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

/** The Khronos validator's report of a file, its external resources read through `read`. */
async function validate(data: Buffer, name: string, read?: (uri: string) => Promise<Buffer | undefined>): Promise<{ numErrors: number; messages: unknown[] }> {
  const issues = await validateAll(data, name, read);
  if (issues.numErrors > 0) console.log(JSON.stringify(issues.messages.slice(0, 5)));
  return issues;
}
async function validateAll(data: Buffer, name: string, read?: (uri: string) => Promise<Buffer | undefined>): Promise<{ numErrors: number; messages: unknown[] }> {
  const report = await validator.validateBytes(new Uint8Array(data), {
    uri: name,
    externalResourceFunction: async (uri: string) => {
      const bytes = read === undefined ? undefined : await read(decodeURIComponent(uri));
      if (bytes === undefined) throw new Error(`missing ${uri}`);
      return new Uint8Array(bytes);
    },
  });
  return report.issues;
}

/** Every node, mesh, material and texture of a document as plain values, keyed by element name. */
function snapshot(g: GltfDocument): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const root = g.doc.getRoot();
  for (const node of root.listNodes()) {
    out.set(`node:${g.nodeNames.get(node)}`, {
      t: [...node.getTranslation()],
      r: [...node.getRotation()],
      s: [...node.getScale()],
      mesh: node.getMesh() === null ? null : g.meshNames.get(node.getMesh() as never),
      children: node.listChildren().map((c) => g.nodeNames.get(c)),
      parent: node.getParentNode() === null ? null : g.nodeNames.get(node.getParentNode() as never),
    });
  }
  for (const mesh of root.listMeshes()) {
    out.set(
      `mesh:${g.meshNames.get(mesh)}`,
      mesh.listPrimitives().map((p) => ({
        mode: p.getMode(),
        material: p.getMaterial() === null ? null : g.materialNames.get(p.getMaterial() as never),
        indices: p.getIndices() === null ? null : Array.from(p.getIndices()?.getArray() ?? []),
        attributes: Object.fromEntries(p.listSemantics().map((s) => [s, Array.from(p.getAttribute(s)?.getArray() ?? [])])),
      })),
    );
  }
  for (const material of root.listMaterials()) {
    out.set(`material:${g.materialNames.get(material)}`, {
      base: [...material.getBaseColorFactor()],
      metallic: material.getMetallicFactor(),
      roughness: material.getRoughnessFactor(),
      alpha: material.getAlphaMode(),
      texture: material.getBaseColorTexture() === null ? null : g.textureNames.get(material.getBaseColorTexture() as never),
      transform: material.getBaseColorTextureInfo()?.getExtension('KHR_texture_transform') === null ? null : JSON.stringify((material.getBaseColorTextureInfo()?.getExtension('KHR_texture_transform') as { getOffset(): number[]; getRotation(): number; getScale(): number[] } | null)?.getOffset()),
    });
  }
  for (const texture of root.listTextures()) out.set(`texture:${g.textureNames.get(texture)}`, Buffer.from(texture.getImage() ?? new Uint8Array(0)).toString('base64'));
  return out;
}

/** TextureTransformTest edited: `edit` runs on its document, which is written back as a .gltf beside the fixture's images. */
async function editedTt(edit: (g: GltfDocument) => void): Promise<{ file: ElementFile; overlay: Map<string, Buffer> }> {
  const g = await readGltfDocument(tt());
  edit(g);
  const { json, resources } = await gltfIO().writeJSON(g.doc, { format: 'GLTF' as never, basename: 'TextureTransformTest' });
  const overlay = new Map<string, Buffer>();
  for (const [uri, bytes] of Object.entries(resources)) if (uri.endsWith('.bin')) overlay.set(uri, Buffer.from(bytes));
  return { file: { name: 'TextureTransformTest.gltf', data: Buffer.from(JSON.stringify(json)), readRelated: reader(ttDir, overlay) }, overlay };
}

type GltfNode = ReturnType<ReturnType<GltfDocument['doc']['getRoot']>['listNodes']>[number];
const nodeNamed = (g: GltfDocument, name: string) => [...g.nodeNames].find(([, n]) => n === name)?.[0] as GltfNode;

describe('glTF elements: list', () => {
  it('nodes with their paths, meshes, materials and textures (TextureTransformTest)', async () => {
    const list = await gltfHandler.list(tt());
    const count = (kind: string) => list.filter((e) => e.kind === kind).length;
    expect([count('node'), count('mesh'), count('material'), count('texture')]).toEqual([12, 9, 9, 5]);
    expect(list.find((e) => e.name === 'node:Rotation - Correct')).toEqual({
      name: 'node:Rotation - Correct',
      kind: 'node',
      parent: 'node:Rotation',
      details: { path: 'Rotation/Rotation - Correct', mesh: 'Correct Marker', children: 0, translation: '-0.079048 -0.516267 0.01', rotation: '0 0 0 1', scale: '0.15 0.15 0.15' },
    });
    expect(list.find((e) => e.name === 'mesh:Correct Marker')?.details).toMatchObject({ primitives: 1, vertices: 4, materials: 'Correct', instances: 3 });
    expect(list.find((e) => e.name === 'material:Rotation')?.details.textures).toBe('Arrow.png');
    expect(list.find((e) => e.name === 'texture:UV.png')?.details).toMatchObject({ mimeType: 'image/png', bytes: 12345, width: 256, height: 256 });
  });

  it('unnamed nodes are node#<index>, as the model reader names them (simple_skin)', async () => {
    const list = await gltfHandler.list({ name: 'simple_skin.gltf', data: readFileSync(join(elements, 'simple_skin.gltf')) });
    expect(list.filter((e) => e.kind === 'node').map((e) => [e.name, e.parent ?? null])).toEqual([
      ['node:node#0', null],
      ['node:node#1', 'node:node#0'],
      ['node:node#2', 'node:node#1'],
    ]);
    expect(list.find((e) => e.name === 'node:node#0')?.details.skin).toBe(true);
  });
});

describe('glTF elements: extract', () => {
  it('a node as a GLB with its subtree, meshes, materials, embedded textures, world transform applied; valid', async () => {
    const [out, ...rest] = await gltfHandler.extract(tt(), 'node:Rotation', 'rotation.gltf');
    expect(rest).toEqual([]);
    expect(out?.name).toBe('rotation.glb');
    const data = (out as { data: Buffer }).data;
    expect((await validate(data, 'rotation.glb')).numErrors).toBe(0);
    const g = await readGltfDocument({ name: 'rotation.glb', data });
    expect([...g.nodeNames.values()].sort()).toEqual(['Rotation', 'Rotation - Correct', 'Rotation - Error', 'Rotation - Not Supported']);
    expect(nodeNamed(g, 'Rotation').listChildren().map((n) => n.getName())).toEqual(['Rotation - Correct', 'Rotation - Not Supported', 'Rotation - Error']);
    expect(g.doc.getRoot().getDefaultScene()?.listChildren().map((n) => n.getName())).toEqual(['Rotation']);
    expect([...nodeNamed(g, 'Rotation').getTranslation()].map((v) => Number(v.toFixed(5)))).toEqual([-1.1, -0.55, 0]);
    expect(g.doc.getRoot().listMaterials().map((m) => m.getName()).sort()).toEqual(['Correct', 'Error', 'NotSupported', 'Rotation']);
    expect(g.doc.getRoot().listExtensionsUsed().map((e) => e.extensionName)).toContain('KHR_texture_transform');
    const arrow = g.doc.getRoot().listTextures().find((t) => t.getImage()?.byteLength === 867);
    expect(Buffer.from(arrow?.getImage() ?? []).equals(readFileSync(join(ttDir, 'Arrow.png')))).toBe(true);
    // Values identical to the source's.
    const source = snapshot(await readGltfDocument(tt()));
    const extracted = snapshot(g);
    for (const key of ['mesh:Rotation', 'mesh:Correct Marker', 'material:Rotation', 'node:Rotation - Error']) expect(extracted.get(key), key).toEqual(source.get(key));
  });

  it('a child node carries its parent’s transform; a mesh, a material (on a quad), a texture (the PNG as is)', async () => {
    const [child] = await gltfHandler.extract(tt(), 'node:Scale - Correct', 'c.glb');
    const g = await readGltfDocument({ name: 'c.glb', data: (child as { data: Buffer }).data });
    // Scale at (0, -0.55, 0) times Scale - Correct at (0.018545, -0.018545, 0.01).
    expect([...nodeNamed(g, 'Scale - Correct').getTranslation()].map((v) => Number(v.toFixed(6)))).toEqual([0.018545, -0.568545, 0.01]);

    const [mesh] = await gltfHandler.extract(tt(), 'mesh:Correct Marker', 'm.glb');
    expect((await validate((mesh as { data: Buffer }).data, 'm.glb')).numErrors).toBe(0);
    const [material] = await gltfHandler.extract(tt(), 'material:Rotation', 'mat');
    expect(material?.name).toBe('mat.glb');
    expect((await validate((material as { data: Buffer }).data, 'mat.glb')).numErrors).toBe(0);
    const quad = await readGltfDocument({ name: 'mat.glb', data: (material as { data: Buffer }).data });
    expect(quad.doc.getRoot().listMeshes()[0]?.listPrimitives()[0]?.getMaterial()?.getName()).toBe('Rotation');
    expect(quad.doc.getRoot().listMeshes()[0]?.listPrimitives()[0]?.getIndices()?.getCount()).toBe(6);

    const [texture] = await gltfHandler.extract(tt(), 'texture:Error.png', 'err.bin');
    expect(texture?.name).toBe('err.png');
    expect(texture?.data.equals(readFileSync(join(ttDir, 'Error.png')))).toBe(true);
  });
});

describe('glTF elements: restore', () => {
  it('a node and its subtree come back; every other node, mesh, material, texture is value-identical; valid .gltf + companions', async () => {
    const { file: current, overlay } = await editedTt((g) => {
      nodeNamed(g, 'Rotation').setTranslation([5, 5, 5]);
      nodeNamed(g, 'Rotation - Error').setScale([1, 1, 1]);
      nodeNamed(g, 'Scale').setTranslation([7, 0, 0]);
      g.doc.getRoot().listMaterials().find((m) => m.getName() === 'All')?.setBaseColorFactor([1, 0, 0, 1]);
    });
    const old = tt();
    const result = await restoreGltfElement(current, old, 'node:Rotation');
    expect(result.placement).toBe('replaced');
    expect(result.restored).toEqual(['node:Rotation', 'node:Rotation - Correct', 'node:Rotation - Not Supported', 'node:Rotation - Error']);
    // Its meshes, materials and textures equal today's: shared, not duplicated.
    expect(result.shared).toEqual(expect.arrayContaining(['mesh:Rotation', 'material:Rotation', 'texture:Arrow.png']));
    // Today's .bin already holds exactly what the restored file needs: no companion to rewrite.
    expect(result.companions).toEqual([]);
    const companions = new Map([...overlay, ...result.companions.map((c) => [c.name, c.data] as const)]);
    const read = reader(ttDir, companions);
    expect((await validate(result.data, 'TextureTransformTest.gltf', read)).numErrors).toBe(0);
    expect(JSON.parse(result.data.toString('utf8')).extensionsUsed).toEqual(['KHR_texture_transform']);

    const after = snapshot(await readGltfDocument({ name: 'TextureTransformTest.gltf', data: result.data, readRelated: read }));
    const before = snapshot(await readGltfDocument(current));
    const oldValues = snapshot(await readGltfDocument(old));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const key of result.restored) expect(after.get(key), key).toEqual(oldValues.get(key));
    for (const key of before.keys()) {
      if (result.restored.includes(key)) continue;
      expect(after.get(key), key).toEqual(before.get(key));
    }
    // Today's edits elsewhere stay.
    expect((after.get('node:Scale') as { t: number[] }).t).toEqual([7, 0, 0]);
    expect((after.get('material:All') as { base: number[] }).base).toEqual([1, 0, 0, 1]);
    // Its place among the scene's roots is kept.
    const g = await readGltfDocument({ name: 'x.gltf', data: result.data, readRelated: read });
    expect(g.doc.getRoot().getDefaultScene()?.listChildren().map((n) => n.getName())).toEqual(['Offset U', 'Offset V', 'Offset UV', 'Rotation', 'Scale', 'All']);
  });

  it('a changed material comes back with its node; today’s material of that name stays for the nodes still using it', async () => {
    const { file: current, overlay } = await editedTt((g) => {
      const correct = g.doc.getRoot().listMaterials().find((m) => m.getName() === 'Correct');
      correct?.setBaseColorFactor([0, 1, 0, 1]);
    });
    const result = await gltfHandler.restore(current, tt(), 'node:All');
    const read = reader(ttDir, new Map([...overlay, ...result.companions.map((c) => [c.name, c.data] as const)]));
    expect((await validate(result.data, 'TextureTransformTest.gltf', read)).numErrors).toBe(0);
    const g = await readGltfDocument({ name: 'x.gltf', data: result.data, readRelated: read });
    const after = snapshot(g);
    // All - Correct draws the old Correct Marker with the old (white) Correct material; the other markers keep today's green one.
    expect((after.get('material:Correct') as { base: number[] }).base).toEqual([0, 1, 0, 1]);
    expect((after.get('material:Correct#2') as { base: number[] }).base).toEqual([1, 1, 1, 1]);
    expect((after.get('node:All - Correct') as { mesh: string }).mesh).toBe('Correct Marker#2');
    expect((after.get('node:Scale - Correct') as { mesh: string }).mesh).toBe('Correct Marker');
  });

  it('a node today’s file lacks is added under its parent of the same name, at its old place', async () => {
    const { file: current, overlay } = await editedTt((g) => nodeNamed(g, 'Rotation - Not Supported').dispose());
    const result = await restoreGltfElement(current, tt(), 'node:Rotation - Not Supported');
    expect(result.placement).toBe('parent');
    const read = reader(ttDir, new Map([...overlay, ...result.companions.map((c) => [c.name, c.data] as const)]));
    expect((await validate(result.data, 'TextureTransformTest.gltf', read)).numErrors).toBe(0);
    const g = await readGltfDocument({ name: 'x.gltf', data: result.data, readRelated: read });
    expect(nodeNamed(g, 'Rotation').listChildren().map((n) => n.getName())).toEqual(['Rotation - Correct', 'Rotation - Not Supported', 'Rotation - Error']);
    // The Not Supported Marker mesh was still used by Scale - Not Supported: shared.
    expect(g.doc.getRoot().listMeshes()).toHaveLength(9);
  });

  it('a GLB stays one self-contained GLB (BoxTextured); the old translation comes back', async () => {
    const old = { name: 'BoxTextured.glb', data: readFileSync(join(models, 'BoxTextured.glb')) };
    const g = await readGltfDocument(old);
    const node = g.doc.getRoot().listNodes().find((n) => n.getMesh() !== null) as NonNullable<ReturnType<typeof nodeNamed>>;
    const name = `node:${g.nodeNames.get(node)}`;
    node.setTranslation([3, 2, 1]);
    g.doc.getRoot().listMaterials()[0]?.setBaseColorFactor([0.5, 0.5, 0.5, 1]);
    const bytes = await gltfIO().writeBinary(g.doc);
    const current = { name: 'BoxTextured.glb', data: Buffer.from(bytes) };
    const result = await gltfHandler.restore(current, old, name);
    expect(result.companions).toEqual([]);
    expect(result.data.readUInt32LE(0)).toBe(0x46546c67);
    expect((await validate(result.data, 'BoxTextured.glb')).numErrors).toBe(0);
    const after = snapshot(await readGltfDocument({ name: 'BoxTextured.glb', data: result.data }));
    const before = snapshot(await readGltfDocument(old));
    expect(after.get(name)).toEqual(before.get(name));
    expect(after.get(`texture:${[...g.textureNames.values()][0]}`)).toEqual(before.get(`texture:${[...g.textureNames.values()][0]}`));
  });

  it('embedded .gltf stays embedded; an animation that drove a replaced node drives the restored one (simple_skin)', async () => {
    const file = { name: 'simple_skin.gltf', data: readFileSync(join(elements, 'simple_skin.gltf')) };
    const result = await restoreGltfElement(file, file, 'node:node#1');
    expect(result.companions).toEqual([]);
    const json = JSON.parse(result.data.toString('utf8'));
    expect(json.buffers.every((b: { uri: string }) => b.uri.startsWith('data:'))).toBe(true);
    expect((await validate(result.data, 'simple_skin.gltf')).numErrors).toBe(0);
    expect(json.animations).toHaveLength(1);
    const g = await readGltfDocument({ name: 'simple_skin.gltf', data: result.data });
    const target = g.doc.getRoot().listAnimations()[0]?.listChannels()[0]?.getTargetNode();
    expect(target?.getParentNode()?.getTranslation()).toEqual([0, 1, 0]);
    expect(g.doc.getRoot().listNodes()).toHaveLength(3);
    const embedded = { name: 'BoxTextured.gltf', data: readFileSync(join(elements, 'BoxTextured-embedded.gltf')) };
    const names = (await gltfHandler.list(embedded)).map((e) => e.name);
    const box = await gltfHandler.restore(embedded, embedded, names.find((n) => n.startsWith('node:')) as string);
    expect(box.companions).toEqual([]);
    expect((await validate(box.data, 'BoxTextured.gltf')).numErrors).toBe(0);
  });
});

describe('glTF elements: bad input', () => {
  it('truncated GLB, glTF 1.0, not JSON, a missing buffer, restore of a mesh, an unknown element', async () => {
    const glb = readFileSync(join(models, 'BoxTextured.glb'));
    expect((await errorOf(gltfHandler.list({ name: 'b.glb', data: glb.subarray(0, 1000) }))).code).toBe('ASSET_CORRUPT');
    const v1 = join(models, 'v1');
    expect((await errorOf(gltfHandler.list({ name: 'TwoBoxes.gltf', data: readFileSync(join(v1, 'TwoBoxes.gltf')), readRelated: reader(v1) }))).code).toBe('ASSET_UNSUPPORTED');
    expect((await errorOf(gltfHandler.list({ name: 'x.gltf', data: Buffer.from('<svg/>') }))).code).toBe('ASSET_CORRUPT');
    const noBin = await errorOf(gltfHandler.list({ name: 'TextureTransformTest.gltf', data: readFileSync(join(ttDir, 'TextureTransformTest.gltf')) }));
    expect(noBin.code).toBe('ASSET_CORRUPT');
    expect(noBin.message).toContain('TextureTransformTest.bin');
    const mesh = await errorOf(gltfHandler.restore(tt(), tt(), 'mesh:Rotation'));
    expect(mesh.code).toBe('ASSET_UNSUPPORTED');
    const unknown = await errorOf(gltfHandler.extract(tt(), 'node:Rotaton', 'x.glb'));
    expect(unknown.code).toBe('ELEMENT_NOT_FOUND');
    expect(unknown.data?.closeMatches).toContain('node:Rotation');
    // An image file that is missing: listed as missing, refused when needed.
    const noImages: ElementFile = { name: 'TextureTransformTest.gltf', data: readFileSync(join(ttDir, 'TextureTransformTest.gltf')), readRelated: async (p) => (p.endsWith('.bin') ? readFileSync(join(ttDir, p)) : undefined) };
    expect((await gltfHandler.list(noImages)).find((e) => e.name === 'texture:UV.png')?.details.missing).toBe(true);
    expect((await errorOf(gltfHandler.extract(noImages, 'texture:UV.png', 'uv.png'))).code).toBe('ASSET_CORRUPT');
  });
});

const ENGINE = 'usr/share/assimp/models/glTF2/2CylinderEngine-glTF-Binary/2CylinderEngine.glb';
const assimp = debianMaterial('assimp-testmodels', ENGINE);
if (!assimp.root) console.log(`[elements-gltf] 2CylinderEngine skipped: ${assimp.reason}`);

describe.skipIf(!assimp.root)('glTF elements on 2CylinderEngine.glb (1.8 MB, assimp-testmodels)', () => {
  it('lists its nodes, extracts a subtree and restores a node: valid, every other node and mesh value-identical', async () => {
    const file = { name: '2CylinderEngine.glb', data: readFileSync(join(assimp.root as string, ENGINE)) };
    const list = await gltfHandler.list(file);
    const nodes = list.filter((e) => e.kind === 'node');
    expect(nodes.length).toBeGreaterThan(50);
    // The node with the most children: a real subtree.
    const big = [...nodes].sort((a, b) => (b.details.children as number) - (a.details.children as number))[0] as (typeof nodes)[number];
    const [out] = await gltfHandler.extract(file, big.name, 'part.glb');
    expect((await validate((out as { data: Buffer }).data, 'part.glb')).numErrors).toBe(0);
    const g = await readGltfDocument(file);
    const leaf = g.doc.getRoot().listNodes().find((n) => n.getMesh() !== null && n.getParentNode() !== null) as NonNullable<ReturnType<typeof nodeNamed>>;
    const leafName = `node:${g.nodeNames.get(leaf)}`;
    leaf.setTranslation([1, 2, 3]);
    const current = { name: '2CylinderEngine.glb', data: Buffer.from(await gltfIO().writeBinary(g.doc)) };
    const result = await gltfHandler.restore(current, file, leafName);
    expect((await validate(result.data, '2CylinderEngine.glb')).numErrors).toBe(0);
    const after = snapshot(await readGltfDocument({ name: 'e.glb', data: result.data }));
    const before = snapshot(await readGltfDocument(current));
    const old = snapshot(await readGltfDocument(file));
    expect(after.get(leafName)).toEqual(old.get(leafName));
    for (const [key, value] of before) if (!result.restored.includes(key)) expect(after.get(key), key).toEqual(value);
  });
});
