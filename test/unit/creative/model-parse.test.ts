/**
 * Format detection and the parseModel entry point: dispatch by extension confirmed by content, and
 * every failure as a StrataError with a permanent code.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isBinaryStl, isModelPath, modelFormatOf } from '../../../personas/creative/model/model-formats.js';
import { parseModel } from '../../../personas/creative/model/parse-model.js';
import { StrataError } from '../../../porcelain/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/creative/model');
const read = (path: string) => readFileSync(join(root, path));

describe('modelFormatOf / isModelPath', () => {
  it('recognises the five extensions, case-insensitively, and nothing else', () => {
    expect(['a.obj', 'b.STL', 'dir.v2/c.ply', 'd.gltf', 'e.GLB', 'C:\\x\\f.Obj'].map(isModelPath)).toEqual([true, true, true, true, true, true]);
    expect(['a.fbx', 'obj', '.obj', 'a.obj.bak', 'a.mtl', 'dir.obj/readme'].map(isModelPath)).toEqual([false, false, false, false, false, false]);
  });

  it('confirms glTF by content: GLB magic wins over the extension, JSON is gltf', () => {
    const glb = read('gltf/BoxTextured.glb');
    const json = read('gltf/BoxTextured/BoxTextured.gltf');
    expect(modelFormatOf('x.glb', glb)).toBe('glb');
    expect(modelFormatOf('x.gltf', glb)).toBe('glb');
    expect(modelFormatOf('x.glb', json)).toBe('gltf');
    expect(modelFormatOf('x.gltf', json)).toBe('gltf');
    expect(modelFormatOf('x.stl', read('stl/Spider_binary.stl'))).toBe('stl');
    expect(modelFormatOf('x.ply', read('ply/cube.ply'))).toBe('ply');
    expect(modelFormatOf('x.obj', Buffer.from('v 0 0 0'))).toBe('obj');
    expect(modelFormatOf('x.png', glb)).toBeUndefined();
  });
});

describe('isBinaryStl', () => {
  it('decides by size first (binary files may start with "solid"), then by the text', () => {
    const binary = read('stl/Spider_binary.stl');
    expect(isBinaryStl(binary)).toBe(true);
    const solidHeader = Buffer.from(binary);
    solidHeader.write('solid trueSpace', 0, 'latin1');
    expect(isBinaryStl(solidHeader)).toBe(true);
    expect(isBinaryStl(read('stl/sphereWithHole.stl'))).toBe(false);
    expect(isBinaryStl(Buffer.from('  solid\n'))).toBe(false);
    expect(isBinaryStl(Buffer.concat([Buffer.from('solid x\n'), Buffer.alloc(200)]))).toBe(true);
  });
});

describe('parseModel', () => {
  it('a GLB saved as .gltf is read as GLB', async () => {
    const model = await parseModel({ name: 'misnamed.gltf', data: read('gltf/BoxTextured.glb') });
    expect(model.format).toBe('glb');
    expect(model.triangleCount).toBe(12);
  });

  it('totals are the sums over meshes, textures the sorted union', async () => {
    const model = await parseModel({ name: 't.stl', data: read('stl/triangle_with_two_solids.stl') });
    expect(model.vertexCount).toBe(model.meshes.reduce((n, m) => n + m.positions.length / 3, 0));
    expect(model.triangleCount).toBe(model.meshes.reduce((n, m) => n + m.indices.length / 3, 0));
    expect(model.nodes).toEqual([]);
    expect(model.materials).toEqual([]);
  });

  it('a name that is not a model is INVALID_ARGUMENT', async () => {
    await expect(parseModel({ name: 'photo.png', data: Buffer.alloc(10) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('every kind of garbage gives a StrataError naming the file, never a raw exception', async () => {
    const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from([0]), Buffer.from('solid'), Buffer.from('ply\n'), Buffer.from('glTF'), Buffer.alloc(100, 0xff)];
    const noise = Buffer.alloc(5000);
    let x = 12345;
    for (let i = 0; i < noise.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      noise[i] = x >>> 24;
    }
    inputs.push(noise);
    // Every real fixture cut at a few places.
    for (const path of ['obj/spider.obj', 'stl/Spider_binary.stl', 'ply/cube_binary.ply', 'gltf/BoxTextured.glb', 'gltf/BoxTextured/BoxTextured.gltf']) {
      const whole = read(path);
      for (const fraction of [0.1, 0.5, 0.93]) inputs.push(whole.subarray(0, Math.floor(whole.length * fraction)));
    }
    for (const ext of ['obj', 'stl', 'ply', 'gltf', 'glb']) {
      for (const data of inputs) {
        try {
          await parseModel({ name: `junk.${ext}`, data, readRelated: async () => undefined });
        } catch (err) {
          expect(err).toBeInstanceOf(StrataError);
          expect(['ASSET_CORRUPT', 'ASSET_UNSUPPORTED']).toContain((err as StrataError).code);
          expect((err as StrataError).message.startsWith(`junk.${ext}: `)).toBe(true);
        }
      }
    }
  });
});
