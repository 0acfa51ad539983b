import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Model } from '../../../personas/creative/model/model.js';
import { diffModels } from '../../../personas/creative/model/model-diff.js';
import { parseModel } from '../../../personas/creative/model/parse-model.js';
import {
  boxMesh, copyMesh, gridMesh, makeModel, material, node, tetrahedronMesh, translateMesh,
} from './model-builders.js';

describe('diffModels', () => {
  it('finds nothing between a model and its deep copy', () => {
    const a = makeModel([boxMesh('box'), tetrahedronMesh('tet', [3, 0, 0])], {
      materials: [material('red', { Kd: [1, 0, 0] }, ['red.png'])],
      nodes: [node('root', { mesh: 'box' })],
      externalFiles: ['scene.mtl'],
    });
    const b = makeModel([copyMesh(a.meshes[0]!), copyMesh(a.meshes[1]!)], {
      materials: [material('red', { Kd: [1, 0, 0] }, ['red.png'])],
      nodes: [node('root', { mesh: 'box' })],
      externalFiles: ['scene.mtl'],
    });
    const d = diffModels(a, b);
    expect(d.identical).toBe(true);
    expect(d.topologyMatches).toBe(true);
    expect(d.displacement).toEqual({ max: 0, mean: 0, movedVertices: 0, comparedVertices: 12 });
    expect(d.meshes).toEqual({ added: [], removed: [], renamed: [], changed: [] });
    expect(d.centroid.distance).toBe(0);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('gives the translation as displacement, bbox and centroid delta for a translated mesh', () => {
    const a = makeModel([boxMesh('box', [0, 0, 0], [2, 2, 2])]);
    const b = makeModel([translateMesh(a.meshes[0]!, [1, 2, 2])]);
    const d = diffModels(a, b);
    expect(d.identical).toBe(false);
    expect(d.topologyMatches).toBe(true);
    expect(d.displacement).toEqual({ max: 3, mean: 3, movedVertices: 8, comparedVertices: 8 });
    expect(d.bounds.before).toEqual({ min: [0, 0, 0], max: [2, 2, 2], size: [2, 2, 2] });
    expect(d.bounds.after).toEqual({ min: [1, 2, 2], max: [3, 4, 4], size: [2, 2, 2] });
    expect(d.bounds.minDelta).toEqual([1, 2, 2]);
    expect(d.bounds.sizeDelta).toEqual([0, 0, 0]);
    expect(d.centroid.before).toEqual([1, 1, 1]);
    expect(d.centroid.delta).toEqual([1, 2, 2]);
    expect(d.centroid.distance).toBe(3);
    expect(d.meshes.changed).toHaveLength(1);
    expect(d.meshes.changed[0]!.changes).toEqual(['positions']);
    expect(d.meshes.changed[0]!.displacement?.max).toBe(3);
  });

  it('counts only the vertices that moved beyond the tolerance', () => {
    const a = makeModel([tetrahedronMesh('t')]);
    const moved = copyMesh(a.meshes[0]!);
    moved.positions[3] = 1.5; // vertex 1 moves 0.5 along x
    moved.positions[11] = 1.001; // vertex 3 moves 0.001 along z
    const d = diffModels(a, makeModel([moved]), { tolerance: 0.01 });
    expect(d.displacement!.movedVertices).toBe(1);
    expect(d.displacement!.max).toBeCloseTo(0.5, 6);
    expect(d.displacement!.mean).toBeCloseTo((0.5 + 0.001) / 4, 6);
  });

  it('reports counts, added and removed meshes, and no displacement when topology differs', () => {
    const a = makeModel([boxMesh('box'), tetrahedronMesh('tet')]);
    const b = makeModel([boxMesh('box'), boxMesh('lid', [0, 1, 0], [1, 1.2, 1])], { format: 'glb' });
    const d = diffModels(a, b);
    expect(d.format).toEqual({ before: 'obj', after: 'glb', changed: true });
    expect(d.counts.vertices).toEqual({ before: 12, after: 16, delta: 4 });
    expect(d.counts.triangles).toEqual({ before: 16, after: 24, delta: 8 });
    expect(d.counts.faces).toEqual({ before: 10, after: 12, delta: 2 });
    expect(d.counts.meshes).toEqual({ before: 2, after: 2, delta: 0 });
    expect(d.meshes.added).toEqual([{ name: 'lid', vertexCount: 8, triangleCount: 12, faceCount: 6 }]);
    expect(d.meshes.removed).toEqual([{ name: 'tet', vertexCount: 4, triangleCount: 4, faceCount: 4 }]);
    expect(d.meshes.renamed).toEqual([]);
    expect(d.topologyMatches).toBe(false);
    expect(d.displacement).toBeNull();
  });

  it('pairs a removed and an added mesh with the same positions as a rename', () => {
    const a = makeModel([boxMesh('Cube'), tetrahedronMesh('Tet')]);
    const b = makeModel([copyMesh(a.meshes[0]!, 'Crate'), copyMesh(a.meshes[1]!)]);
    b.meshes[0]!.materials = ['wood'];
    const d = diffModels(a, b);
    expect(d.meshes.renamed).toEqual([{ from: 'Cube', to: 'Crate', changes: ['materials'] }]);
    expect(d.meshes.added).toEqual([]);
    expect(d.meshes.removed).toEqual([]);
    expect(d.topologyMatches).toBe(false); // mesh names differ
    expect(d.identical).toBe(false);
  });

  it('says which aspects of a same-named mesh changed', () => {
    const a = makeModel([boxMesh('box', [0, 0, 0], [1, 1, 1], ['m1'])]);
    const retopo = copyMesh(a.meshes[0]!);
    retopo.indices = new Uint32Array(retopo.indices).reverse();
    const d1 = diffModels(a, makeModel([retopo]));
    expect(d1.meshes.changed.map((c) => c.changes)).toEqual([['topology']]);
    expect(d1.topologyMatches).toBe(false);

    const grown = tetrahedronMesh('box');
    grown.materials = ['m2'];
    const d2 = diffModels(a, makeModel([grown]));
    expect(d2.meshes.changed[0]).toMatchObject({
      name: 'box',
      changes: ['vertexCount', 'positions', 'topology', 'materials'],
      vertexCount: { before: 8, after: 4, delta: -4 },
      materials: { before: ['m1'], after: ['m2'] },
    });
    expect(d2.meshes.changed[0]!.displacement).toBeUndefined();
  });

  it('reports material property changes with before and after values, renames and texture references', () => {
    const a = makeModel([boxMesh('box')], {
      materials: [
        material('paint', { Kd: [1, 0, 0], Ns: 10, illum: 2 }, ['paint.png']),
        material('old', { Kd: [0.5, 0.5, 0.5] }),
        material('gone', { Ns: 1 }),
      ],
    });
    const b = makeModel([boxMesh('box')], {
      materials: [
        material('paint', { Kd: [0, 0, 1], Ns: 10, d: 0.5 }, ['paint_v2.png']),
        material('new', { Kd: [0.5, 0.5, 0.5] }),
        material('fresh', { Ns: 2 }),
      ],
    });
    const d = diffModels(a, b);
    expect(d.materials.renamed).toEqual([{ from: 'old', to: 'new' }]);
    expect(d.materials.added).toEqual(['fresh']);
    expect(d.materials.removed).toEqual(['gone']);
    expect(d.materials.changed).toEqual([
      {
        name: 'paint',
        properties: [
          { name: 'Kd', before: [1, 0, 0], after: [0, 0, 1] },
          { name: 'd', before: null, after: 0.5 },
          { name: 'illum', before: 2, after: null },
        ],
        textures: { added: ['paint_v2.png'], removed: ['paint.png'] },
      },
    ]);
    expect(d.textures).toEqual({ added: ['paint_v2.png'], removed: ['paint.png'] });
  });

  it('reports node transform changes: translation delta, rotation angle and scale ratio', () => {
    const s = Math.SQRT1_2;
    const a = makeModel([], {
      nodes: [
        node('arm', { path: 'body/arm', mesh: 'armMesh', translation: [1, 0, 0] }),
        node('leg', { path: 'body/leg', mesh: 'legMesh' }),
        node('hat', { mesh: 'hatMesh', translation: [0, 5, 0] }),
      ],
    });
    const b = makeModel([], {
      nodes: [
        node('arm', { path: 'torso/arm', mesh: 'armMesh', translation: [4, 4, 0], rotation: [0, 0, s, s], scale: [2, 1, 0.5] }),
        node('leg', { path: 'body/leg', mesh: 'legMesh' }),
        node('cap', { mesh: 'hatMesh', translation: [0, 5, 0] }),
      ],
    });
    const d = diffModels(a, b);
    expect(d.nodes.renamed).toEqual([{ from: 'hat', to: 'cap' }]);
    expect(d.nodes.changed).toHaveLength(1);
    const arm = d.nodes.changed[0]!;
    expect(arm.path).toEqual({ before: 'body/arm', after: 'torso/arm' });
    expect(arm.translation).toMatchObject({ delta: [3, 4, 0], distance: 5 });
    expect(arm.rotation!.angleDegrees).toBeCloseTo(90, 6);
    expect(arm.scale!.ratio).toEqual([2, 1, 0.5]);
    expect(arm.mesh).toBeUndefined();
  });

  it('finds rotations the long way round the same as the short way (q and -q are one orientation)', () => {
    const a = makeModel([], { nodes: [node('n', { rotation: [0, 0, 0, 1] })] });
    const b = makeModel([], { nodes: [node('n', { rotation: [0, 0, 0, -1] })] });
    expect(diffModels(a, b).nodes.changed[0]!.rotation!.angleDegrees).toBe(0);
  });

  it('lists external files added and removed', () => {
    const a = makeModel([], { externalFiles: ['a.mtl', 'buf.bin'] });
    const b = makeModel([], { externalFiles: ['b.mtl', 'buf.bin'] });
    const d = diffModels(a, b);
    expect(d.externalFiles).toEqual({ added: ['b.mtl'], removed: ['a.mtl'] });
    expect(d.identical).toBe(false);
  });

  it('handles empty models and non-finite coordinates without NaN in the output', () => {
    const empty = makeModel([]);
    const d0 = diffModels(empty, empty);
    expect(d0.identical).toBe(true);
    expect(d0.bounds.before).toBeNull();
    expect(d0.centroid.distance).toBeNull();

    const bad = tetrahedronMesh('t');
    bad.positions[0] = Number.NaN;
    bad.positions[4] = Number.POSITIVE_INFINITY;
    const d1 = diffModels(empty, makeModel([bad]));
    expect(d1.counts.nonFiniteVertices.after).toBe(2);
    expect(d1.bounds.after).toEqual({ min: [0, 0, 0], max: [0, 1, 1], size: [0, 1, 1] });
    expect(d1.bounds.minDelta).toBeNull();
    const text = JSON.stringify(d1);
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(JSON.parse(text)).toEqual(d1);
  });

  it('diffs two 1M-vertex models in well under a second', () => {
    const a = makeModel([gridMesh('terrain', 1000)]); // 1,002,001 vertices, 2M triangles
    const b = makeModel([translateMesh(a.meshes[0]!, [0, 0, 0.25])]);
    const start = performance.now();
    const d = diffModels(a, b);
    const ms = performance.now() - start;
    expect(d.counts.vertices.after).toBe(1_002_001);
    expect(d.topologyMatches).toBe(true);
    expect(d.displacement!.max).toBeCloseTo(0.25, 5);
    expect(d.displacement!.movedVertices).toBe(1_002_001);
    expect(ms).toBeLessThan(1000);
  });
});

describe('diffModels on real files (assimp test models, parsed by parseModel)', () => {
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/creative/model');

  /** Parse a fixture, with some of its files (itself or related ones) replaced by edited text. */
  async function load(relative: string, edits: Record<string, (text: string) => string> = {}): Promise<Model> {
    const path = join(fixtures, relative);
    const folder = dirname(path);
    const read = async (file: string): Promise<Buffer> => {
      const data = await readFile(join(folder, file));
      const edit = edits[file];
      return edit ? Buffer.from(edit(data.toString('utf8'))) : data;
    };
    return parseModel({ name: basename(path), data: await read(basename(path)), readRelated: (p) => read(p).catch(() => undefined) });
  }

  it('an OBJ whose vertices were all moved by (1, 2, 2) and whose MTL changed one value', async () => {
    const before = await load('obj/cube_usemtl.obj');
    const after = await load('obj/cube_usemtl.obj', {
      'cube_usemtl.obj': (text) =>
        text.replace(/^v\s+(\S+)\s+(\S+)\s+(\S+)/gm, (_, x, y, z) => `v ${Number(x) + 1} ${Number(y) + 2} ${Number(z) + 2}`),
      'cube_usemtl.mtl': (text) => text.replace('Ns 200.000', 'Ns 100.000'),
    });
    const d = diffModels(before, after);
    expect(d.topologyMatches).toBe(true);
    expect(d.displacement).toEqual({ max: 3, mean: 3, movedVertices: 8, comparedVertices: 8 });
    expect(d.bounds.before).toEqual({ min: [0, 0, 0], max: [1, 1, 1], size: [1, 1, 1] });
    expect(d.bounds.minDelta).toEqual([1, 2, 2]);
    expect(d.centroid.distance).toBe(3);
    expect(d.materials.changed).toEqual([
      { name: 'mtl', properties: [{ name: 'Ns', before: 200, after: 100 }], textures: { added: [], removed: [] } },
    ]);
    expect(d.identical).toBe(false);
    expect(diffModels(before, await load('obj/cube_usemtl.obj')).identical).toBe(true);
  });

  it('the same glTF box as .gltf with external files and as .glb with everything embedded', async () => {
    const d = diffModels(await load('gltf/BoxTextured/BoxTextured.gltf'), await load('gltf/BoxTextured.glb'));
    expect(d.format).toEqual({ before: 'gltf', after: 'glb', changed: true });
    expect(d.topologyMatches).toBe(true);
    expect(d.displacement!.max).toBe(0);
    expect(d.counts.vertices.delta).toBe(0);
    expect(d.textures).toEqual({ added: ['embedded:0'], removed: ['CesiumLogoFlat.png'] });
    expect(d.externalFiles).toEqual({ added: [], removed: ['BoxTextured0.bin', 'CesiumLogoFlat.png'] });
    expect(d.materials.changed.map((m) => m.name)).toEqual(['Texture']);
    expect(d.materials.changed[0]!.textures).toEqual({ added: ['embedded:0'], removed: ['CesiumLogoFlat.png'] });
  });

  it('a glTF node moved 5 units: the node transform change and a 5-unit displacement of its mesh', async () => {
    const before = await load('gltf/BoxTextured/BoxTextured.gltf');
    const after = await load('gltf/BoxTextured/BoxTextured.gltf', {
      'BoxTextured.gltf': (text) => {
        const json = JSON.parse(text) as { nodes: Record<string, unknown>[] };
        json.nodes[1]!.translation = [0, 0, 5];
        return JSON.stringify(json);
      },
    });
    const d = diffModels(before, after);
    expect(d.nodes.changed).toHaveLength(1);
    expect(d.nodes.changed[0]).toMatchObject({ name: 'node#1', translation: { delta: [0, 0, 5], distance: 5 } });
    expect(d.topologyMatches).toBe(true);
    expect(d.displacement!.max).toBeCloseTo(5, 5);
    expect(d.displacement!.mean).toBeCloseTo(5, 5);
    expect(d.centroid.distance).toBeCloseTo(5, 5);
  });
});
