/**
 * glTF 2.0 and GLB against Khronos sample files (via assimp's test set) and synthetic documents with
 * known answers: world-space instancing, primitive modes, materials and texture references, and the
 * broken or unsupported files that must come out as ASSET_CORRUPT / ASSET_UNSUPPORTED.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../../personas/creative/model/parse-model.js';
import type { RelatedFileReader } from '../../../personas/creative/model/model.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/creative/model/gltf');
const related = (dir: string): RelatedFileReader => async (p) => {
  try {
    return readFileSync(join(dir, p));
  } catch {
    return undefined;
  }
};
const fixture = (path: string) => {
  const dir = dirname(join(root, path));
  return parseModel({ name: path.split('/').pop() as string, data: readFileSync(join(root, path)), readRelated: related(dir) });
};

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

/** Reads accessor `index` of BoxTextured as float triples straight from the .bin (the reference answer). */
function boxAccessor(index: number): number[] {
  const json = JSON.parse(readFileSync(join(root, 'BoxTextured/BoxTextured.gltf'), 'utf8'));
  const bin = readFileSync(join(root, 'BoxTextured/BoxTextured0.bin'));
  const accessor = json.accessors[index];
  const view = json.bufferViews[accessor.bufferView];
  const start = (view.byteOffset ?? 0) + (accessor.byteOffset ?? 0);
  const out: number[] = [];
  for (let i = 0; i < accessor.count * 3; i++) out.push(bin.readFloatLE(start + 4 * i));
  return out;
}

function dataUri(floats: number[], indices: number[] = []): { uri: string; floatBytes: number; indexBytes: number } {
  const f = Buffer.alloc(floats.length * 4);
  floats.forEach((v, i) => f.writeFloatLE(v, i * 4));
  const ix = Buffer.alloc(indices.length * 2 + ((indices.length * 2) % 4));
  indices.forEach((v, i) => ix.writeUInt16LE(v, i * 2));
  return { uri: `data:application/octet-stream;base64,${Buffer.concat([f, ix]).toString('base64')}`, floatBytes: f.length, indexBytes: ix.length };
}

/** One triangle mesh, instanced by two nodes under a scaled parent, plus a mesh no scene uses. */
function instancedDoc(): Record<string, unknown> {
  const buffer = dataUri([0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 2]);
  return {
    asset: { version: '2.0', generator: 'hand' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [
      { name: 'root', scale: [2, 2, 2], children: [1, 2] },
      { name: 'left', translation: [1, 0, 0], mesh: 0 },
      { name: 'right', matrix: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 3, 0, 1], mesh: 0 },
      { name: 'stray', mesh: 1 },
    ],
    meshes: [
      { name: 'tri', primitives: [{ attributes: { POSITION: 0 }, indices: 1, material: 0 }] },
      { primitives: [{ attributes: { POSITION: 0 } }] },
    ],
    materials: [
      {
        name: 'paint',
        pbrMetallicRoughness: { baseColorFactor: [1, 0.5, 0.25, 1], metallicFactor: 0.2, roughnessFactor: 0.7, baseColorTexture: { index: 0 } },
        normalTexture: { index: 1 },
        emissiveFactor: [0, 0, 1],
        alphaMode: 'MASK',
        alphaCutoff: 0.3,
        doubleSided: true,
      },
    ],
    textures: [{ source: 0 }, { source: 1 }],
    images: [{ uri: 'tex/paint%20color.png' }, { name: 'normals', uri: 'data:image/png;base64,iVBORw0KGgo=' }],
    buffers: [{ uri: buffer.uri, byteLength: buffer.floatBytes + buffer.indexBytes }],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: buffer.floatBytes },
      { buffer: 0, byteOffset: buffer.floatBytes, byteLength: 6 },
    ],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3', min: [0, 0, 0], max: [1, 1, 0] },
      { bufferView: 1, componentType: 5123, count: 3, type: 'SCALAR' },
    ],
  };
}
const parseJson = (doc: unknown, name = 'doc.gltf') => parseModel({ name, data: Buffer.from(JSON.stringify(doc)) });

describe('glTF 2.0 files', () => {
  it('BoxTextured.gltf: counts from its accessors, node matrix decomposed, world-space positions, texture reference', async () => {
    const model = await fixture('BoxTextured/BoxTextured.gltf');
    expect(model.format).toBe('gltf');
    // accessors: 36 indices, 24 positions.
    expect([model.vertexCount, model.faceCount, model.triangleCount]).toEqual([24, 12, 12]);
    expect(model.meshes.map((m) => [m.name, m.materials])).toEqual([['Mesh', ['Texture']]]);
    expect(model.nodes.map((n) => [n.name, n.path, n.mesh])).toEqual([
      ['node#0', 'node#0', undefined],
      ['node#1', 'node#0/node#1', 'Mesh'],
    ]);
    // node 0's matrix is a -90° rotation about X: quaternion (-sin 45°, 0, 0, cos 45°).
    const r = model.nodes[0]?.rotation ?? [0, 0, 0, 0];
    expect(r[0]).toBeCloseTo(-Math.SQRT1_2, 6);
    expect(r[3]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(model.nodes[0]?.translation).toEqual([0, 0, 0]);
    // World position = matrix × local: (x, y, z) -> (x, z, -y).
    const local = boxAccessor(2);
    const world = Array.from(model.meshes[0]?.positions ?? []);
    for (let i = 0; i < 24; i++) {
      expect(world[i * 3]).toBeCloseTo(local[i * 3] as number, 6);
      expect(world[i * 3 + 1]).toBeCloseTo(local[i * 3 + 2] as number, 6);
      expect(world[i * 3 + 2]).toBeCloseTo(-(local[i * 3 + 1] as number), 6);
    }
    expect(model.materials).toEqual([
      {
        name: 'Texture',
        properties: {
          baseColorFactor: [1, 1, 1, 1], metallicFactor: 0, roughnessFactor: 1, emissiveFactor: [0, 0, 0],
          alphaMode: 'OPAQUE', doubleSided: 0, baseColorTexture: 'CesiumLogoFlat.png',
        },
        textures: ['CesiumLogoFlat.png'],
      },
    ]);
    expect(model.textures).toEqual(['CesiumLogoFlat.png']);
    expect(model.externalFiles).toEqual(['BoxTextured0.bin', 'CesiumLogoFlat.png']);
    expect(model.warnings).toEqual([]);
  });

  it('BoxTextured.glb: the same box, the image embedded in a buffer view', async () => {
    const model = await fixture('BoxTextured.glb');
    expect(model.format).toBe('glb');
    expect([model.vertexCount, model.faceCount, model.triangleCount]).toEqual([24, 12, 12]);
    expect(model.textures).toEqual(['embedded:0']);
    expect(model.externalFiles).toEqual([]);
  });

  it('a texture only referenced from a material extension is still reported', async () => {
    const model = await fixture('BoxTextured/BoxTextured-specgloss.gltf');
    expect(model.textures).toEqual(['CesiumLogoFlat.png']);
    expect(model.materials[0]?.properties['KHR_materials_pbrSpecularGlossiness.diffuseTexture']).toBe('CesiumLogoFlat.png');
    expect(model.warnings.join('\n')).toMatch(/KHR_materials_pbrSpecularGlossiness not interpreted/);
  });

  it('primitive modes (Khronos asset generator): strip and fan triangulated, non-indexed triangles, lines count no faces', async () => {
    const lines = await fixture('Mesh_PrimitiveMode_01.gltf');
    expect([lines.vertexCount, lines.faceCount, lines.triangleCount]).toEqual([8, 0, 0]);
    expect(lines.warnings.join('\n')).toMatch(/LINES primitives; they count no faces/);
    const strip = await fixture('Mesh_PrimitiveMode_04.gltf');
    expect([strip.vertexCount, strip.faceCount, strip.triangleCount]).toEqual([4, 2, 2]);
    expect(Array.from(strip.meshes[0]?.indices ?? [])).toEqual([0, 1, 2, 2, 1, 3]);
    const fan = await fixture('Mesh_PrimitiveMode_05.gltf');
    expect(Array.from(fan.meshes[0]?.indices ?? [])).toEqual([0, 1, 2, 0, 2, 3]);
    const plain = await fixture('Mesh_PrimitiveMode_06.gltf');
    expect(Array.from(plain.meshes[0]?.indices ?? [])).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('glTF known answers', () => {
  it('a mesh instanced twice accumulates both world-space instances; a mesh in no scene keeps local positions', async () => {
    const model = await parseJson(instancedDoc());
    expect(model.meshes.map((m) => [m.name, m.positions.length / 3, m.faceCount])).toEqual([
      ['tri', 6, 2],
      ['mesh#1', 3, 1],
    ]);
    // left: scale 2 then +1 x (in parent space, scaled): (2,0,0) (4,0,0) (2,2,0); right: +3 y scaled: (0,6,0)…
    expect(Array.from(model.meshes[0]?.positions ?? [])).toEqual([2, 0, 0, 4, 0, 0, 2, 2, 0, 0, 6, 0, 2, 6, 0, 0, 8, 0]);
    expect(Array.from(model.meshes[0]?.indices ?? [])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(model.meshes[1]?.positions ?? [])).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(model.nodes.map((n) => [n.path, n.mesh ?? null])).toEqual([
      ['root', null],
      ['root/left', 'tri'],
      ['root/right', 'tri'],
      ['stray', 'mesh#1'],
    ]);
    expect(model.nodes[2]?.translation).toEqual([0, 3, 0]);
    expect(model.nodes[0]?.scale).toEqual([2, 2, 2]);
    expect(model.materials[0]?.properties).toMatchObject({
      baseColorFactor: [1, 0.5, 0.25, 1], alphaMode: 'MASK', doubleSided: 1, emissiveFactor: [0, 0, 1],
      baseColorTexture: 'tex/paint%20color.png', normalTexture: 'embedded:normals',
    });
    expect(model.materials[0]?.properties.metallicFactor).toBeCloseTo(0.2, 6);
    expect(model.materials[0]?.properties.alphaCutoff).toBeCloseTo(0.3, 6);
    expect(model.textures).toEqual(['embedded:normals', 'tex/paint%20color.png']);
    expect(model.externalFiles).toEqual(['tex/paint%20color.png']);
    expect([model.vertexCount, model.faceCount, model.triangleCount]).toEqual([9, 3, 3]);
  });

  it('an external buffer is read through the related-file reader, percent-decoded if need be', async () => {
    const doc = instancedDoc();
    const buffers = doc.buffers as { uri: string }[];
    const bytes = Buffer.from((buffers[0]?.uri ?? '').split(',')[1] ?? '', 'base64');
    (buffers[0] as { uri: string }).uri = 'data%20files/geo.bin';
    const asked: string[] = [];
    const model = await parseModel({
      name: 'ext.gltf',
      data: Buffer.from(JSON.stringify(doc)),
      readRelated: async (p) => {
        asked.push(p);
        return p === 'data files/geo.bin' ? bytes : undefined;
      },
    });
    expect(model.vertexCount).toBe(9);
    expect(asked).toEqual(['data%20files/geo.bin', 'data files/geo.bin']);
    expect(model.externalFiles).toEqual(['data%20files/geo.bin', 'tex/paint%20color.png']);
  });
});

describe('broken and unsupported glTF', () => {
  it('a missing .bin is ASSET_CORRUPT naming it', async () => {
    const data = readFileSync(join(root, 'BoxTextured/BoxTextured.gltf'));
    const err = await errorOf(parseModel({ name: 'BoxTextured.gltf', data, readRelated: async () => undefined }));
    expect(err.code).toBe('ASSET_CORRUPT');
    expect(err.message).toBe('BoxTextured.gltf: buffer file "BoxTextured0.bin" is missing.');
  });

  it('IndexOutOfRange.gltf and RecursiveNodes.gltf are ASSET_CORRUPT', async () => {
    const range = await errorOf(fixture('IndexOutOfRange/IndexOutOfRange.gltf'));
    expect(range.code).toBe('ASSET_CORRUPT');
    expect(range.message).toMatch(/index \d+ is out of range \(24 vertices\)/);
    const cycle = await errorOf(fixture('RecursiveNodes.gltf'));
    expect(cycle.code).toBe('ASSET_CORRUPT');
    expect(cycle.message).toMatch(/cycle/);
  });

  it('glTF 1.0 is ASSET_UNSUPPORTED with a clear message', async () => {
    const err = await errorOf(fixture('v1/TwoBoxes.gltf'));
    expect(err.code).toBe('ASSET_UNSUPPORTED');
    expect(err.message).toBe('TwoBoxes.gltf: glTF 1.0 is not supported; re-export as glTF 2.0.');
    const glb1 = Buffer.alloc(20);
    glb1.write('glTF', 0, 'latin1');
    glb1.writeUInt32LE(1, 4);
    glb1.writeUInt32LE(20, 8);
    expect(await errorOf(parseModel({ name: 'old.glb', data: glb1 }))).toMatchObject({ code: 'ASSET_UNSUPPORTED' });
  });

  it('Draco-compressed glTF is ASSET_UNSUPPORTED; other unknown required extensions are a warning', async () => {
    const draco = { ...instancedDoc(), extensionsUsed: ['KHR_draco_mesh_compression'], extensionsRequired: ['KHR_draco_mesh_compression'] };
    const err = await errorOf(parseJson(draco));
    expect(err.code).toBe('ASSET_UNSUPPORTED');
    expect(err.message).toMatch(/Draco-compressed glTF \(KHR_draco_mesh_compression\) is not supported/);
    const other = { ...instancedDoc(), extensionsUsed: ['KHR_texture_transform'], extensionsRequired: ['KHR_texture_transform'] };
    const model = await parseJson(other);
    expect(model.vertexCount).toBe(9);
    expect(model.warnings).toEqual(['doc.gltf: required extension(s) KHR_texture_transform not interpreted; geometry read without them']);
  });

  it('truncated GLB, garbage, bad JSON and hostile counts are ASSET_CORRUPT', async () => {
    const glb = readFileSync(join(root, 'BoxTextured.glb'));
    for (const cut of [8, 30, 1500, glb.length - 1]) {
      const err = await errorOf(parseModel({ name: 'cut.glb', data: glb.subarray(0, cut) }));
      expect(err.code).toBe('ASSET_CORRUPT');
      expect(err.message.startsWith('cut.glb: ')).toBe(true);
    }
    const noise = Buffer.alloc(2048);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    expect(await errorOf(parseModel({ name: 'noise.glb', data: noise }))).toMatchObject({ code: 'ASSET_CORRUPT' });
    expect(await errorOf(parseModel({ name: 'bad.gltf', data: Buffer.from('{"asset": {"version": "2.0"}, ') }))).toMatchObject({ code: 'ASSET_CORRUPT' });
    expect(await errorOf(parseModel({ name: 'arr.gltf', data: Buffer.from('[1, 2]') }))).toMatchObject({ code: 'ASSET_CORRUPT' });
    const huge = instancedDoc();
    (huge.accessors as { count: number }[])[0] = { ...(huge.accessors as object[])[0], count: 4_000_000_000 } as never;
    const h = await errorOf(parseJson(huge));
    expect(h.code).toBe('ASSET_CORRUPT');
    expect(h.message).toMatch(/accessors\[0\] needs \d+ bytes but its bufferView 0 has 36/);
    const zero = instancedDoc();
    (zero.accessors as object[])[0] = { componentType: 5126, count: 4_000_000_000, type: 'VEC3' };
    expect(await errorOf(parseJson(zero))).toMatchObject({ code: 'ASSET_CORRUPT' });
    const wrongType = instancedDoc();
    (wrongType.nodes as { children?: unknown }[])[0] = { children: 'all' };
    expect(await errorOf(parseJson(wrongType))).toMatchObject({ code: 'ASSET_CORRUPT' });
  });
});
