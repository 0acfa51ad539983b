/**
 * OBJ element handler on assimp's spider.obj (19 groups, one MTL with Windows-style texture paths) and
 * small synthetic files: counts checked against the model reader, extracted and restored files re-read by
 * parseModel, every other group's triangles value-identical, every other line of today's file kept.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { objHandler, restoreObjElement } from '../../../personas/creative/elements/obj.js';
import { parseModel } from '../../../personas/creative/model/parse-model.js';
import type { ElementFile, OutputFile } from '../../../personas/creative/elements/element.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/creative/model/obj');
const files = (map: Record<string, Buffer | string>) => async (p: string) => {
  const v = map[p];
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1');
};
const spiderObj = readFileSync(join(dir, 'spider.obj'));
const spiderMtl = readFileSync(join(dir, 'spider.mtl'));
const spider = (obj: Buffer | string = spiderObj, mtl: Buffer | string = spiderMtl): ElementFile => ({
  name: 'spider.obj',
  data: Buffer.isBuffer(obj) ? obj : Buffer.from(obj, 'latin1'),
  readRelated: files({ 'spider.mtl': mtl }),
});

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; data?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

/** Each mesh's triangles as position triples, by mesh name, read by the model reader. */
async function triangles(name: string, data: Buffer, related: Record<string, Buffer | string> = {}): Promise<Map<string, number[][]>> {
  const model = await parseModel({ name, data, readRelated: files(related) });
  const out = new Map<string, number[][]>();
  for (const mesh of model.meshes) {
    const tris: number[][] = [];
    for (let i = 0; i < mesh.indices.length; i += 3) {
      const t: number[] = [];
      for (let k = 0; k < 3; k++) {
        const v = mesh.indices[i + k] as number;
        t.push(mesh.positions[v * 3] as number, mesh.positions[v * 3 + 1] as number, mesh.positions[v * 3 + 2] as number);
      }
      tris.push(t);
    }
    out.set(mesh.name, tris);
  }
  return out;
}

const related = (outputs: OutputFile[]) => Object.fromEntries(outputs.slice(1).map((o) => [o.name, o.data]));

describe('OBJ elements: list', () => {
  it('the 19 groups of spider.obj with face counts, vertices and materials; faces agree with the model reader', async () => {
    const list = await objHandler.list(spider());
    expect(list).toHaveLength(19);
    expect(list.every((e) => e.kind === 'group')).toBe(true);
    expect(list[0]).toEqual({ name: 'group:HLeib01', kind: 'group', label: 'HLeib01', details: { faces: 80, vertices: 42, materials: 'HLeibTex' } });
    expect(list.find((e) => e.name === 'group:OK')?.details).toMatchObject({ faces: 60, materials: 'Skin' });
    const model = await parseModel({ name: 'spider.obj', data: spiderObj, readRelated: files({ 'spider.mtl': spiderMtl }) });
    for (const mesh of model.meshes) expect(list.find((e) => e.name === `group:${mesh.name}`)?.details.faces, mesh.name).toBe(mesh.faceCount);
    expect(list.reduce((n, e) => n + (e.details.faces as number), 0)).toBe(1368);
  });

  it('objects and the groups inside them; negative indices resolved', async () => {
    const text = `mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\no Body\ng front\nusemtl red\nf -4 -3 -2\ng back\nf 1 2 4\no Cap\nf 1 3 4\n`;
    const list = await objHandler.list({ name: 'a.obj', data: Buffer.from(text) });
    expect(list.map((e) => [e.name, e.parent ?? null, e.details.faces, e.details.vertices, e.details.materials])).toEqual([
      ['object:Body', null, 2, 4, 'red'],
      ['group:front', 'object:Body', 1, 3, 'red'],
      ['group:back', 'object:Body', 1, 3, 'red'],
      ['object:Cap', null, 1, 3, 'red'],
    ]);
  });
});

describe('OBJ elements: extract', () => {
  it('a group as an OBJ with only its vertices (re-indexed) and an MTL with only its material', async () => {
    const outputs = await objHandler.extract(spider(), 'group:HLeib01', 'body.obj');
    expect(outputs.map((o) => o.name)).toEqual(['body.obj', 'body.mtl']);
    const obj = (outputs[0] as OutputFile).data.toString('latin1');
    expect(obj).toContain('mtllib body.mtl\n');
    expect(obj.match(/^v /gm)).toHaveLength(42);
    expect((outputs[1] as OutputFile).data.toString('latin1')).toBe(spiderMtl.toString('latin1').slice(spiderMtl.indexOf('newmtl HLeibTex'), spiderMtl.indexOf('newmtl BeinTex')));
    const extracted = await triangles('body.obj', (outputs[0] as OutputFile).data, related(outputs));
    const original = await triangles('spider.obj', spiderObj, { 'spider.mtl': spiderMtl });
    expect(extracted.get('HLeib01')).toEqual(original.get('HLeib01'));
    const model = await parseModel({ name: 'body.obj', data: (outputs[0] as OutputFile).data, readRelated: files(related(outputs)) });
    expect(model.warnings).toEqual([]);
    expect(model.materials.map((m) => m.name)).toEqual(['HLeibTex']);
  });

  it('brings the textures its materials reference (Windows-style paths), and keeps v/vt/vn forms', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const obj = `mtllib lib.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 5 5 5\nvt 0 0\nvt 1 0\nvt 0 1\nvn 0 0 1\ng skin\nusemtl Skin\nf 1/1/1 2/2/1 3/3/1\ng other\nusemtl Other\nf 4//1 2//1 3//1\n`;
    const mtl = `newmtl Skin\nKd 1 1 1\nmap_Kd -s 1 1 1 .\\tex\\skin.png\n\nnewmtl Other\nKd 0 0 0\n`;
    const file = { name: 'x.obj', data: Buffer.from(obj), readRelated: files({ 'lib.mtl': mtl, 'tex/skin.png': png }) };
    const outputs = await objHandler.extract(file, 'skin', 'skin');
    expect(outputs.map((o) => o.name)).toEqual(['skin.obj', 'skin.mtl', 'tex/skin.png']);
    expect((outputs[2] as OutputFile).data.equals(png)).toBe(true);
    expect((outputs[0] as OutputFile).data.toString()).toBe(`# group:skin of x.obj\nmtllib skin.mtl\ng skin\nv 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\nvn 0 0 1\nusemtl Skin\nf 1/1/1 2/2/1 3/3/1\n`);
    const other = await objHandler.extract(file, 'group:other', 'o.obj');
    expect((other[0] as OutputFile).data.toString()).toContain('v 5 5 5\nv 1 0 0\nv 0 1 0\nvn 0 0 1\nusemtl Other\nf 1//1 2//1 3//1\n');
  });
});

describe('OBJ elements: restore', () => {
  /** spider.obj edited today: half of group OK's faces deleted, a vertex of HLeib01 moved. */
  function today(): { text: string; movedLine: string } {
    const lines = spiderObj.toString('latin1').split('\n');
    const start = lines.indexOf('g OK');
    let removed = 0;
    for (let i = start; i < lines.length && !(lines[i] as string).startsWith('g Bein'); i++) {
      if ((lines[i] as string).startsWith('f ') && removed < 30) {
        lines.splice(i, 1);
        i--;
        removed++;
      }
    }
    const first = lines.findIndex((l) => l.startsWith('v '));
    const movedLine = 'v 99.5 99.5 99.5';
    // Vertex 1 belongs to HLeib01 (the first group's first face uses it).
    lines[first] = movedLine;
    return { text: lines.join('\n'), movedLine };
  }

  it('a group comes back; every other group’s triangles are today’s, value for value; every other line is kept', async () => {
    const { text } = today();
    const current = spider(text);
    const result = await restoreObjElement(current, spider(), 'group:OK');
    expect(result.placement).toBe('replaced');
    expect(result.restored).toEqual(['group:OK']);
    expect(result.companions).toEqual([]);
    expect(result.addedMaterials).toEqual([]);
    // Today's 30 remaining faces of OK and its "g OK" line.
    expect(result.removedLines).toBe(31);
    const out = result.data.toString('latin1');
    // Today's file less the removed lines is the start of the result, line for line.
    const todayLines = text.split('\n');
    const kept = todayLines.filter((l, i) => {
      const inOk = i > todayLines.indexOf('g OK') && i < todayLines.findIndex((x) => x.startsWith('g Bein1Li'));
      return !(l === 'g OK' || (inOk && l.startsWith('f ')));
    });
    expect(out.startsWith(kept.join('\n'))).toBe(true);

    const after = await triangles('spider.obj', result.data, { 'spider.mtl': spiderMtl });
    const before = await triangles('spider.obj', Buffer.from(text, 'latin1'), { 'spider.mtl': spiderMtl });
    const old = await triangles('spider.obj', spiderObj, { 'spider.mtl': spiderMtl });
    expect(after.get('OK')).toEqual(old.get('OK'));
    expect(after.get('OK')).toHaveLength(60);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, tris] of before) if (name !== 'OK') expect(after.get(name), name).toEqual(tris);
    // The moved vertex stays moved for HLeib01.
    expect(after.get('HLeib01')).not.toEqual(old.get('HLeib01'));
    const model = await parseModel({ name: 'spider.obj', data: result.data, readRelated: files({ 'spider.mtl': spiderMtl }) });
    expect(model.warnings).toEqual([]);
    expect(model.faceCount).toBe(1368);
  });

  it('a group today’s file lacks is added, and its material appended to today’s MTL with its texture', async () => {
    const lines = spiderObj.toString('latin1').split('\n');
    const start = lines.indexOf('g Bein1Re');
    const end = lines.indexOf('g Bein2Li');
    const text = [...lines.slice(0, start), ...lines.slice(end)].join('\n');
    const oldMtl = spiderMtl.toString('latin1');
    // Today's MTL lost BeinTex; today's folder has no textures. Old folder: its drkwood2.jpg.
    const block = oldMtl.slice(oldMtl.indexOf('newmtl BeinTex'), oldMtl.indexOf('newmtl Augentex'));
    const todayMtl = oldMtl.replace(block, '');
    const jpg = Buffer.from('ffd8ffe000104a464946', 'hex');
    const old = { name: 'spider.obj', data: spiderObj, readRelated: files({ 'spider.mtl': spiderMtl, 'drkwood2.jpg': jpg }) };
    const current = { name: 'spider.obj', data: Buffer.from(text, 'latin1'), readRelated: files({ 'spider.mtl': todayMtl }) };
    const result = await restoreObjElement(current, old, 'Bein1Re'.replace(/^/, 'group:'));
    expect(result.placement).toBe('added');
    expect(result.removedLines).toBe(0);
    expect(result.addedMaterials).toEqual(['BeinTex']);
    expect(result.companions.map((c) => c.name)).toEqual(['spider.mtl', 'drkwood2.jpg']);
    const mtl = (result.companions[0] as OutputFile).data.toString('latin1');
    expect(mtl.startsWith(todayMtl)).toBe(true);
    expect(mtl).toContain(block.trimEnd());
    expect(result.data.toString('latin1').startsWith(text)).toBe(true);
    const after = await triangles('spider.obj', result.data, { 'spider.mtl': mtl });
    const old3 = await triangles('spider.obj', spiderObj, { 'spider.mtl': spiderMtl });
    for (const [name, tris] of old3) expect(after.get(name), name).toEqual(tris);
    const model = await parseModel({ name: 'spider.obj', data: result.data, readRelated: files({ 'spider.mtl': mtl }) });
    expect(model.warnings).toEqual([]);
    expect(model.materials.map((m) => m.name).sort()).toEqual(['Augentex', 'BeinTex', 'Brusttex', 'HLeibTex', 'Skin']);
  });

  it('an object with its groups comes back over today’s (o/g file, \\r\\n line endings kept)', async () => {
    const old = 'v 0 0 0\r\nv 1 0 0\r\nv 0 1 0\r\nv 0 0 1\r\no A\r\ng a1\r\nf 1 2 3\r\ng a2\r\nf 1 2 4\r\no B\r\nf 2 3 4\r\n';
    const now = 'v 0 0 0\r\nv 1 0 0\r\nv 0 1 0\r\nv 0 0 1\r\nv 9 9 9\r\no A\r\nf 5 2 3\r\no B\r\nf 2 3 4\r\n# end\r\n';
    const result = await objHandler.restore({ name: 'a.obj', data: Buffer.from(now) }, { name: 'a.obj', data: Buffer.from(old) }, 'object:A');
    expect(result.data.toString()).toBe(
      'v 0 0 0\r\nv 1 0 0\r\nv 0 1 0\r\nv 0 0 1\r\nv 9 9 9\r\no B\r\nf 2 3 4\r\n# end\r\no A\r\nv 0 0 0\r\nv 1 0 0\r\nv 0 1 0\r\nv 0 0 1\r\ng a1\r\nf 6 7 8\r\ng a2\r\nf 6 7 9\r\n',
    );
    const list = await objHandler.list({ name: 'a.obj', data: result.data });
    expect(list.map((e) => e.name)).toEqual(['object:B', 'object:A', 'group:a1', 'group:a2']);
  });
});

describe('OBJ elements: bad input', () => {
  it('out-of-range indices, binary data, empty, unknown element', async () => {
    const malformed = await errorOf(objHandler.list({ name: 'malformed.obj', data: readFileSync(join(dir, 'malformed.obj')) }));
    expect(malformed.code).toBe('ASSET_CORRUPT');
    expect(malformed.message).toContain('malformed.obj');
    expect((await errorOf(objHandler.list({ name: 'b.obj', data: Buffer.from([0x76, 0x20, 0, 1, 2]) }))).code).toBe('ASSET_CORRUPT');
    expect((await errorOf(objHandler.list({ name: 'e.obj', data: Buffer.alloc(0) }))).code).toBe('ASSET_CORRUPT');
    const unknown = await errorOf(objHandler.extract(spider(), 'group:Bein1Lx', 'x.obj'));
    expect(unknown.code).toBe('ELEMENT_NOT_FOUND');
    expect(unknown.data?.closeMatches).toContain('group:Bein1Li');
  });
});
