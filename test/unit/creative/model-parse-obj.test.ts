/**
 * OBJ + MTL parsing against files written by other programs (assimp's test models) and small synthetic
 * inputs with known answers.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../../personas/creative/model/parse-model.js';
import { parseMtl, textureFileOf } from '../../../personas/creative/model/mtl.js';
import type { RelatedFileReader } from '../../../personas/creative/model/model.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/creative/model/obj');
const related = (dir: string): RelatedFileReader => async (p) => {
  try {
    return readFileSync(join(dir, p));
  } catch {
    return undefined;
  }
};
const fixture = (name: string) => parseModel({ name, data: readFileSync(join(fixtures, name)), readRelated: related(fixtures) });
const fromText = (text: string, files: Record<string, string> = {}) =>
  parseModel({ name: 'test.obj', data: Buffer.from(text), readRelated: async (p) => (files[p] === undefined ? undefined : Buffer.from(files[p])) });

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('OBJ files from other programs', () => {
  it('spider.obj: 19 groups, 762 vertices, 1368 faces, 5 materials with Windows texture paths', async () => {
    const model = await fixture('spider.obj');
    expect(model.format).toBe('obj');
    expect(model.meshes.map((m) => m.name)).toEqual([
      'HLeib01', 'OK', 'Bein1Li', 'Bein1Re', 'Bein2Li', 'Bein2Re', 'Bein3Re', 'Bein3Li', 'Bein4Re', 'Bein4Li',
      'Zahn', 'klZahn', 'Kopf', 'Brust', 'Kopf2', 'Zahn2', 'klZahn2', 'Auge', 'Duplicate05',
    ]);
    expect(model.vertexCount).toBe(762);
    expect(model.faceCount).toBe(1368);
    expect(model.triangleCount).toBe(1368);
    expect(model.meshes[0]?.materials).toEqual(['HLeibTex']);
    expect(model.materials.map((m) => m.name)).toEqual(['Skin', 'Brusttex', 'HLeibTex', 'BeinTex', 'Augentex']);
    const skin = model.materials[0];
    expect(skin?.properties.Kd).toEqual([0.827451, 0.792157, 0.772549]);
    expect(skin?.properties.Ns).toBe(0);
    expect(skin?.textures).toEqual(['.\\wal67ar_small.jpg']);
    expect(model.textures).toEqual(['.\\SpiderTex.jpg', '.\\drkwood2.jpg', '.\\engineflare1.jpg', '.\\wal67ar_small.jpg', '.\\wal69ar_small.jpg']);
    expect(model.externalFiles).toEqual(['spider.mtl']);
    expect(model.warnings).toEqual([]);
    for (const mesh of model.meshes) {
      const vertices = mesh.positions.length / 3;
      expect(mesh.indices.every((i) => i < vertices)).toBe(true);
    }
  });

  it('cube_usemtl.obj: materials in first-use order; one used but undefined is a warning', async () => {
    const model = await fixture('cube_usemtl.obj');
    expect(model.meshes).toHaveLength(1);
    expect(model.meshes[0]?.name).toBe('cube');
    expect(model.meshes[0]?.materials).toEqual(['mtl3', 'mtl', 'mtl2']);
    expect([model.vertexCount, model.faceCount, model.triangleCount]).toEqual([8, 12, 12]);
    expect(model.materials.map((m) => [m.name, m.properties.Ns, m.properties.Ks])).toEqual([
      ['mtl', 200, [0.05, 0.05, 0.05]],
      ['mtl2', 16, [0.375, 0.375, 0.375]],
    ]);
    expect(model.warnings.join('\n')).toMatch(/"mtl3"/);
  });

  it('box_UTF16BE.obj: UTF-16 with a byte-order mark reads like the UTF-8 box', async () => {
    const model = await fixture('box_UTF16BE.obj');
    expect([model.vertexCount, model.faceCount, model.triangleCount]).toEqual([8, 6, 12]);
    expect(model.meshes[0]?.name).toBe('1');
  });

  it('point_cloud.obj: vertices without faces are kept in the default mesh', async () => {
    const model = await fixture('point_cloud.obj');
    expect(model.vertexCount).toBe(3);
    expect(model.faceCount).toBe(0);
    expect(model.meshes.map((m) => m.name)).toEqual(['mesh#0']);
  });

  it('number_formats.obj: the malformed "3.1+e2" is ASSET_CORRUPT naming line 11', async () => {
    const err = await errorOf(fixture('number_formats.obj'));
    expect(err.code).toBe('ASSET_CORRUPT');
    expect(err.message).toContain('number_formats.obj');
    expect(err.message).toContain('line 11');
  });

  it('assimp invalid/malformed.obj (out-of-range indices) is ASSET_CORRUPT', async () => {
    const err = await errorOf(fixture('malformed.obj'));
    expect(err.code).toBe('ASSET_CORRUPT');
    expect(err.message).toMatch(/malformed\.obj: .*vertex/);
  });

  it('assimp invalid/malformed2.obj (empty f, undefined material) reads with warnings', async () => {
    const model = await fixture('malformed2.obj');
    expect(model.faceCount).toBe(5);
    expect(model.meshes[0]?.name).toBe('-1');
    expect(model.warnings.join('\n')).toMatch(/fewer than 3 vertices/);
    expect(model.warnings.join('\n')).toMatch(/DefaultDoesNotExist/);
  });
});

describe('OBJ known answers', () => {
  it('splits o/g into meshes, keeps faces before them in a default mesh, continues a repeated name', async () => {
    const model = await fromText(
      [
        'v 0 0 0', 'v 1 0 0', 'v 1 1 0', 'v 0 1 0', 'v 0 0 1 1.0', 'v 1 0 1 0.5 0.2 0.1',
        'f 1 2 3',
        'o A', 'f 1 2 3 4', // quad: 1 face, 2 triangles
        'g B', 'f -6 -5 -1', // relative indices: vertices 1 2 6
        'g A', 'f 4 5 6',
      ].join('\n'),
    );
    expect(model.meshes.map((m) => [m.name, m.positions.length / 3, m.faceCount, m.indices.length / 3])).toEqual([
      ['mesh#0', 3, 1, 1],
      ['A', 6, 2, 3],
      ['B', 3, 1, 1],
    ]);
    const a = model.meshes[1];
    // Fan triangulation of the quad 1 2 3 4, then 4 5 6, in mesh A's own compact numbering.
    expect(Array.from(a?.indices ?? [])).toEqual([0, 1, 2, 0, 2, 3, 3, 4, 5]);
    expect(Array.from(model.meshes[2]?.positions ?? [])).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 1]);
    expect([model.vertexCount, model.faceCount, model.triangleCount]).toEqual([12, 4, 5]);
  });

  it('reads every face reference form and line continuations', async () => {
    const model = await fromText(
      ['v 0 0 0', 'v 1 0 0', 'v 1 1 0', 'vt 0 0', 'vt 1 0', 'vt 1 1', 'vn 0 0 1', 'f 1/1 2/2 3/3', 'f 1/1/1 2/2/1 \\', '  3/3/1', 'f 1//1 2//1 3//1', 'f 3 2 \\'].join('\r\n') + '\r\n1',
    );
    expect(model.faceCount).toBe(4);
    expect(Array.from(model.meshes[0]?.indices.subarray(9) ?? [])).toEqual([2, 1, 0]);
    expect(model.warnings).toEqual([]);
  });

  it('mtllib with several libraries and backslash paths, one missing: a warning, not an error', async () => {
    const model = await fromText(['mtllib lib\\a.mtl b.mtl missing.mtl', 'usemtl red', 'v 0 0 0', 'v 1 0 0', 'v 0 1 0', 'f 1 2 3'].join('\n'), {
      'lib/a.mtl': 'newmtl red\nKd 1 0 0\nd 0.5\nTr 0.5\nillum 2\nmap_Kd -s 1 1 1 -o 0.5 textures/red brick.png\nbump -bm 0.3 bump.tga\n',
      'b.mtl': 'newmtl blue\nKd 0 0 1\nmap_Ka -clamp on blue.png\n',
    });
    expect(model.materials.map((m) => m.name)).toEqual(['red', 'blue']);
    const red = model.materials[0];
    expect(red?.properties).toMatchObject({ Kd: [1, 0, 0], d: 0.5, Tr: 0.5, illum: 2, map_Kd: 'textures/red brick.png', bump: 'bump.tga' });
    expect(red?.textures).toEqual(['textures/red brick.png', 'bump.tga']);
    expect(model.textures).toEqual(['blue.png', 'bump.tga', 'textures/red brick.png']);
    expect(model.externalFiles).toEqual(['b.mtl', 'lib/a.mtl', 'missing.mtl']);
    expect(model.warnings).toEqual(['test.obj: material library "missing.mtl" not found; its materials are unknown']);
  });

  it('a missing MTL is a warning; without a related-file reader the library is still listed', async () => {
    const text = 'mtllib gone.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n';
    const missing = await fromText(text);
    expect(missing.warnings.join('\n')).toMatch(/gone\.mtl" not found/);
    const noReader = await parseModel({ name: 'x.obj', data: Buffer.from(text) });
    expect(noReader.externalFiles).toEqual(['gone.mtl']);
    expect(noReader.faceCount).toBe(1);
  });

  it('index errors name the line', async () => {
    const zero = await errorOf(fromText('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n'));
    expect(zero).toMatchObject({ code: 'ASSET_CORRUPT' });
    expect(zero.message).toContain('line 4');
    const beyond = await errorOf(fromText('v 0 0 0\nv 1 0 0\nv 0 1 0\n\nf 1 2 9\n'));
    expect(beyond.message).toMatch(/vertex 9 but the file has 3 vertices \(line 5\)/);
    const before = await errorOf(fromText('v 0 0 0\nf -1 -2 -3\n'));
    expect(before.message).toContain('line 2');
    const garbage = await errorOf(fromText('v 0 0 0\nf 1 a 2\n'));
    expect(garbage.message).toMatch(/malformed face/);
  });

  it('binary garbage named .obj is ASSET_CORRUPT, an empty file too', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    expect(await errorOf(parseModel({ name: 'g.obj', data: bytes }))).toMatchObject({ code: 'ASSET_CORRUPT' });
    expect(await errorOf(parseModel({ name: 'e.obj', data: Buffer.alloc(0) }))).toMatchObject({ code: 'ASSET_CORRUPT' });
  });
});

describe('MTL', () => {
  it('texture options are skipped to find the file name', () => {
    expect(textureFileOf('-s 1 1 1 tex.png')).toBe('tex.png');
    expect(textureFileOf('-o 0.5 -s 2 tex.png')).toBe('tex.png');
    expect(textureFileOf('-mm 0 1 -imfchan l -type sphere my tex.png')).toBe('my tex.png');
    expect(textureFileOf('-bm 1')).toBeUndefined();
  });

  it('keeps material names with spaces and every map_*, refl and disp', () => {
    const { materials, warnings } = parseMtl(
      Buffer.from('# c\nnewmtl Hard Shiny  Plastic \nKa 0.2 0.2 0.2\nNs 96.0\nmap_Ks spec.png\nmap_d alpha.png\nrefl -type sphere env.jpg\ndisp d.png\n'),
      'm.mtl',
    );
    expect(warnings).toEqual([]);
    expect(materials).toEqual([
      {
        name: 'Hard Shiny  Plastic',
        properties: { Ka: [0.2, 0.2, 0.2], Ns: 96, map_Ks: 'spec.png', map_d: 'alpha.png', refl: 'env.jpg', disp: 'd.png' },
        textures: ['spec.png', 'alpha.png', 'env.jpg', 'd.png'],
      },
    ]);
  });
});
