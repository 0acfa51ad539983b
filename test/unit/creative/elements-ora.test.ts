/**
 * ORA element handler on OpenRaster documents written here with fflate the way GIMP, Krita and MyPaint
 * write them (`mimetype` first and stored, `stack.xml`, PNG layers under data/, `mergedimage.png`,
 * `Thumbnails/thumbnail.png`); no real ORA ships in Debian. Restored documents are re-read with fflate
 * and this reader; every file but the restored layer's, stack.xml, mergedimage.png and the thumbnail is
 * byte-identical, and stack.xml differs only by the restored element.
 */
import { XMLValidator } from 'fast-xml-parser';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { oraHandler } from '../../../personas/creative/elements/ora.js';

async function png(width: number, height: number, rgba: [number, number, number, number]): Promise<Uint8Array> {
  return sharp({ create: { width, height, channels: 4, background: { r: rgba[0], g: rgba[1], b: rgba[2], alpha: rgba[3] / 255 } } }).png().toBuffer();
}

function ora(stack: string, files: Record<string, Uint8Array>): Buffer {
  const z: Zippable = { mimetype: [Buffer.from('image/openraster'), { level: 0 }], 'stack.xml': Buffer.from(stack) };
  for (const [k, v] of Object.entries(files)) z[k] = v;
  return Buffer.from(zipSync(z));
}

const STACK = `<?xml version='1.0' encoding='UTF-8'?>
<image version="0.0.5" w="40" h="30">
  <stack>
    <layer name="Ink" src="data/ink.png" x="5" y="4" opacity="1.0" visibility="visible" composite-op="svg:multiply"/>
    <stack name="Colours" opacity="0.5" visibility="visible">
      <layer name="Sky" src="data/sky.png" x="0" y="0" opacity="1.0" visibility="visible"/>
      <layer name="Sky" src="data/sky2.png" x="0" y="20" opacity="1.0" visibility="hidden"/>
    </stack>
    <layer name="Paper" src="data/paper.png" x="0" y="0" opacity="1.0" visibility="visible"/>
  </stack>
</image>
`;

async function version1(): Promise<{ stack: string; files: Record<string, Uint8Array> }> {
  return {
    stack: STACK,
    files: {
      'data/ink.png': await png(10, 6, [0, 0, 0, 255]),
      'data/sky.png': await png(40, 10, [0, 0, 255, 255]),
      'data/sky2.png': await png(40, 10, [0, 255, 0, 255]),
      'data/paper.png': await png(40, 30, [255, 255, 255, 255]),
      'Thumbnails/thumbnail.png': await png(4, 3, [0, 0, 0, 255]),
      'mergedimage.png': await png(40, 30, [0, 0, 0, 255]),
    },
  };
}

async function pixel(data: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data: raw, info } = await sharp(data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 4;
  return [...raw.subarray(i, i + 4)];
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; data?: { closeMatches?: string[] } }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('ORA elements', () => {
  it('lists layers and stacks by path with #2 for a duplicate, sizes read from the PNGs', async () => {
    const v = await version1();
    const list = await oraHandler.list({ name: 'a.ora', data: ora(v.stack, v.files) });
    expect(list.map((e) => [e.name, e.kind])).toEqual([
      ['Ink', 'layer'],
      ['Colours', 'group'],
      ['Colours/Sky', 'layer'],
      ['Colours/Sky#2', 'layer'],
      ['Paper', 'layer'],
    ]);
    expect(list[0]?.details).toMatchObject({ x: 5, y: 4, width: 10, height: 6, blendMode: 'svg:multiply', blendHonoured: true, visible: true, src: 'data/ink.png' });
    expect(list[1]?.details).toMatchObject({ opacity: 0.5, members: 2 });
    expect(list[3]).toMatchObject({ parent: 'Colours', details: { visible: false, y: 20 } });
  });

  it('extracts a layer as its own PNG and a stack composited on the canvas', async () => {
    const v = await version1();
    const doc = { name: 'a.ora', data: ora(v.stack, v.files) };
    const [ink] = await oraHandler.extract(doc, 'Ink', 'ink.ora');
    expect(ink?.name).toBe('ink.png');
    expect(Buffer.from(ink?.data as Buffer).equals(Buffer.from(v.files['data/ink.png'] as Uint8Array))).toBe(true);
    const [colours] = await oraHandler.extract(doc, 'Colours', 'c.png');
    const meta = await sharp(colours?.data).metadata();
    expect([meta.width, meta.height]).toEqual([40, 30]);
    expect(await pixel(colours?.data as Buffer, 3, 3)).toEqual([0, 0, 255, 255]);
    expect(await pixel(colours?.data as Buffer, 3, 25)).toEqual([0, 0, 0, 0]); // the hidden Sky#2
  });

  it('restores a changed layer: its PNG back, stack.xml changed only there, other files byte-identical, mergedimage redrawn', async () => {
    const v = await version1();
    const old = ora(v.stack, v.files);
    const current = ora(v.stack.replace('name="Ink" src="data/ink.png" x="5" y="4"', 'name="Ink" src="data/ink.png" x="7" y="4"').replace('name="Paper" src="data/paper.png" x="0" y="0" opacity="1.0"', 'name="Paper" src="data/paper.png" x="0" y="0" opacity="0.6"'), {
      ...v.files,
      'data/ink.png': await png(10, 6, [255, 0, 0, 255]),
    });
    const result = await oraHandler.restore({ name: 'a.ora', data: current }, { name: 'a.ora', data: old }, 'Ink');
    expect(result.restored).toEqual(['Ink']);
    expect(result.data.toString('latin1', 30, 38)).toBe('mimetype');
    expect(result.data.readUInt16LE(8)).toBe(0);
    const after = unzipSync(result.data);
    const before = unzipSync(current);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const name of ['data/sky.png', 'data/sky2.png', 'data/paper.png', 'mimetype']) {
      expect(Buffer.from(after[name] as Uint8Array).equals(Buffer.from(before[name] as Uint8Array)), name).toBe(true);
    }
    expect(Buffer.from(after['data/ink.png'] as Uint8Array).equals(Buffer.from(v.files['data/ink.png'] as Uint8Array))).toBe(true);
    const xml = Buffer.from(after['stack.xml'] as Uint8Array).toString('utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toBe(Buffer.from(before['stack.xml'] as Uint8Array).toString('utf8').replace('x="7" y="4"', 'x="5" y="4"'));
    // mergedimage: paper (white at 60 %) under the sky stack (blue at 50 %: 0.5 × 255 × 0.6 / 0.8 = 96) under the black ink (multiply).
    const merged = after['mergedimage.png'] as Uint8Array;
    expect(await pixel(merged, 6, 5)).toEqual([0, 0, 0, 255]);
    expect(await pixel(merged, 20, 20)).toEqual([255, 255, 255, 153]);
    expect(await pixel(merged, 20, 2)).toEqual([96, 96, 255, 204]);
    const thumb = await sharp(after['Thumbnails/thumbnail.png'] as Uint8Array).metadata();
    expect([thumb.width, thumb.height]).toEqual([40, 30]);
  });

  it('adds a deleted layer back between its old neighbours, under a new file name when its own is taken', async () => {
    const v = await version1();
    const old = ora(v.stack, v.files);
    // Ink deleted; a new layer "Cloud" in the Colours stack now uses the file data/ink.png.
    const stack = v.stack
      .replace('    <layer name="Ink" src="data/ink.png" x="5" y="4" opacity="1.0" visibility="visible" composite-op="svg:multiply"/>\n', '')
      .replace('<stack name="Colours" opacity="0.5" visibility="visible">', '<stack name="Colours" opacity="0.5" visibility="visible">\n      <layer name="Cloud" src="data/ink.png" x="0" y="0" opacity="1.0" visibility="visible"/>');
    const current = ora(stack, { ...v.files, 'data/ink.png': await png(40, 10, [200, 200, 200, 255]) });
    const result = await oraHandler.restore({ name: 'a.ora', data: current }, { name: 'a.ora', data: old }, 'Ink');
    expect(result.restored).toEqual(['Ink']);
    const list = await oraHandler.list({ name: 'a.ora', data: result.data });
    expect(list.map((e) => e.name)).toEqual(['Ink', 'Colours', 'Colours/Cloud', 'Colours/Sky', 'Colours/Sky#2', 'Paper']);
    expect(list.find((e) => e.name === 'Ink')?.details).toMatchObject({ src: 'data/ink-2.png', x: 5, y: 4, blendMode: 'svg:multiply' });
    const after = unzipSync(result.data);
    expect(Buffer.from(after['data/ink-2.png'] as Uint8Array).equals(Buffer.from(v.files['data/ink.png'] as Uint8Array))).toBe(true);
    expect(await pixel(after['data/ink.png'] as Uint8Array, 0, 0)).toEqual([200, 200, 200, 255]);
    expect(XMLValidator.validate(Buffer.from(after['stack.xml'] as Uint8Array).toString())).toBe(true);
  });

  it('restores a whole stack and refuses bad input clearly', async () => {
    const v = await version1();
    const old = ora(v.stack, v.files);
    const start = v.stack.indexOf('    <stack name="Colours"');
    const end = v.stack.indexOf('</stack>', start) + '</stack>\n'.length;
    const current = ora(v.stack.slice(0, start) + v.stack.slice(end), { 'data/ink.png': v.files['data/ink.png'] as Uint8Array, 'data/paper.png': v.files['data/paper.png'] as Uint8Array });
    const result = await oraHandler.restore({ name: 'a.ora', data: current }, { name: 'a.ora', data: old }, 'Colours');
    expect(result.restored).toEqual(['Colours', 'Colours/Sky', 'Colours/Sky#2']);
    expect((await oraHandler.list({ name: 'a.ora', data: result.data })).map((e) => e.name)).toEqual(['Ink', 'Colours', 'Colours/Sky', 'Colours/Sky#2', 'Paper']);

    const missing = await errorOf(oraHandler.extract({ name: 'a.ora', data: old }, 'Colors', 'x.png'));
    expect(missing.code).toBe('ELEMENT_NOT_FOUND');
    expect(missing.data?.closeMatches).toContain('Colours');
    expect((await errorOf(oraHandler.list({ name: 'a.ora', data: Buffer.from('not a zip') }))).code).toBe('ASSET_UNSUPPORTED');
    const kra = Buffer.from(zipSync({ mimetype: [Buffer.from('application/x-krita'), { level: 0 }], 'maindoc.xml': Buffer.from('<DOC/>') }));
    expect((await errorOf(oraHandler.list({ name: 'k.ora', data: kra }))).code).toBe('ASSET_UNSUPPORTED');
    expect((await errorOf(oraHandler.list({ name: 'cut.ora', data: old.subarray(0, old.length - 30) }))).code).toBe('ASSET_CORRUPT');
    const noPicture = ora(v.stack, { 'data/ink.png': v.files['data/ink.png'] as Uint8Array });
    const e = await errorOf(oraHandler.extract({ name: 'n.ora', data: noPicture }, 'Paper', 'p.png'));
    expect(e.code).toBe('ASSET_CORRUPT');
    expect(e.message).toContain('data/paper.png');
    const flipped = Buffer.from(old);
    const at = flipped.indexOf(Buffer.from('stack.xml')) + 9 + 20; // inside stack.xml's deflated bytes
    flipped[at] = (flipped[at] as number) ^ 0xff;
    expect((await errorOf(oraHandler.list({ name: 'flip.ora', data: flipped }))).code).toBe('ASSET_CORRUPT');
  });
});
