/**
 * PSD element handler on documents written here with ag-psd (no real PSD ships in Debian): layers and
 * groups listed by path with `#2` for duplicates, a layer extracted at its own size and a group
 * composited, a layer restored from an old version into a changed document (every other layer's
 * properties and pixels value-identical, re-read with ag-psd; the composite regenerated), a missing layer
 * added back next to its old neighbours, bad input refused, and `elements` on a large PSD in bounded memory.
 */
import { initializeCanvas, readPsd, writePsdBuffer, type Layer, type Psd } from 'ag-psd';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { psdHandler } from '../../../personas/creative/elements/psd.js';

type MakeImageData = NonNullable<Parameters<typeof initializeCanvas>[1]>;
type PsdImageData = ReturnType<MakeImageData>;
initializeCanvas(
  () => {
    throw new Error('no canvas in tests');
  },
  (width, height) => ({ width, height, data: new Uint8ClampedArray(width * height * 4), colorSpace: 'srgb' }) as unknown as ReturnType<MakeImageData>,
);

type Rgba = [number, number, number, number];

function solid(width: number, height: number, [r, g, b, a]: Rgba) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = a;
  }
  return { width, height, data } as unknown as PsdImageData;
}

function paint(name: string, left: number, top: number, width: number, height: number, colour: Rgba, extra: Partial<Layer> = {}): Layer {
  return { name, left, top, right: left + width, bottom: top + height, imageData: solid(width, height, colour), ...extra };
}

const RED: Rgba = [255, 0, 0, 255];
const BLUE: Rgba = [0, 0, 255, 255];
const GREEN: Rgba = [0, 255, 0, 255];
const YELLOW: Rgba = [255, 255, 0, 255];
const GREY: Rgba = [128, 128, 128, 255];

/** Version 1, top first: Shade (multiply 50 %, masked to the left half), group Characters [Hero (blue, 20x20 at 10,10), Hero (green, hidden)], Background (red). */
function version1(): Psd {
  const mask = { left: 0, top: 0, right: 32, bottom: 48, defaultColor: 0, imageData: solid(32, 48, [255, 255, 255, 255]) };
  return {
    width: 64,
    height: 48,
    imageData: solid(64, 48, RED),
    children: [
      paint('Background', 0, 0, 64, 48, RED),
      {
        name: 'Characters',
        opened: true,
        // ag-psd lists children bottom first: the blue Hero is on top.
        children: [paint('Hero', 40, 30, 5, 5, GREEN, { hidden: true }), paint('Hero', 10, 10, 20, 20, BLUE)],
      },
      paint('Shade', 0, 0, 64, 48, GREY, { blendMode: 'multiply', opacity: 0.5, mask }),
    ],
  };
}

const file = (name: string, psd: Psd) => ({ name, data: writePsdBuffer(psd) });

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; data?: { closeMatches?: string[] } }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

async function pixelsOf(png: Buffer) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, at: (x: number, y: number) => [...data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4)] };
}

/** Every layer of a PSD with its properties and its decoded pixels, by path. */
function snapshot(data: Buffer): Map<string, { props: Record<string, unknown>; pixels?: string }> {
  const psd = readPsd(data, { useImageData: true, skipThumbnail: true });
  const out = new Map<string, { props: Record<string, unknown>; pixels?: string }>();
  const walk = (layers: Layer[] | undefined, parent: string) => {
    const seen = new Map<string, number>();
    for (const l of [...(layers ?? [])].reverse()) {
      const n = (seen.get(l.name ?? '') ?? 0) + 1;
      seen.set(l.name ?? '', n);
      const path = `${parent}${l.name}${n > 1 ? `#${n}` : ''}`;
      const props = { left: l.left, top: l.top, right: l.right, bottom: l.bottom, opacity: l.opacity, hidden: l.hidden, blendMode: l.blendMode, clipping: l.clipping, mask: l.mask === undefined ? undefined : { ...l.mask, imageData: undefined }, maskPixels: l.mask?.imageData === undefined ? undefined : Buffer.from(l.mask.imageData.data).toString('base64') };
      out.set(path, { props, ...(l.imageData === undefined ? {} : { pixels: Buffer.from(l.imageData.data).toString('base64') }) });
      walk(l.children, `${path}/`);
    }
  };
  walk(psd.children, '');
  return out;
}

describe('PSD elements', () => {
  it('lists layers and groups by path, top first, with #2 for a duplicate and the details an artist needs', async () => {
    const list = await psdHandler.list(file('art.psd', version1()));
    expect(list.map((e) => [e.name, e.kind, e.parent])).toEqual([
      ['Shade', 'layer', undefined],
      ['Characters', 'group', undefined],
      ['Characters/Hero', 'layer', 'Characters'],
      ['Characters/Hero#2', 'layer', 'Characters'],
      ['Background', 'layer', undefined],
    ]);
    const shade = list[0]?.details;
    expect(shade).toMatchObject({ left: 0, top: 0, right: 64, bottom: 48, width: 64, height: 48, opacity: 0.502, visible: true, blendMode: 'multiply', blendHonoured: true, clipping: false, mask: true, text: false });
    expect(list[1]?.details).toMatchObject({ left: 10, top: 10, right: 45, bottom: 35, members: 2 });
    expect(list[3]?.details).toMatchObject({ visible: false, left: 40, top: 30, width: 5, height: 5 });
  });

  it('extracts a layer at its own size and a group composited from its visible members', async () => {
    const f = file('art.psd', version1());
    const [hero] = await psdHandler.extract(f, 'Characters/Hero', 'hero.psd');
    expect(hero?.name).toBe('hero.png');
    const px = await pixelsOf(hero?.data as Buffer);
    expect([px.width, px.height]).toEqual([20, 20]);
    expect(px.at(0, 0)).toEqual(BLUE);
    expect(px.at(19, 19)).toEqual(BLUE);
    const [group] = await psdHandler.extract(f, 'Characters', 'chars.png');
    const g = await pixelsOf(group?.data as Buffer);
    // The hidden Hero#2 does not count: the group is the visible Hero's 20 x 20.
    expect([g.width, g.height]).toEqual([20, 20]);
    expect(g.at(5, 5)).toEqual(BLUE);
  });

  it('restores a layer from the old version in place; every other layer stays value-identical and the composite is redrawn', async () => {
    const old = file('art.psd', version1());
    const changed = version1();
    const chars = changed.children?.[1] as Layer;
    (chars.children as Layer[])[1] = paint('Hero', 12, 8, 20, 20, YELLOW);
    changed.children?.splice(2, 0, paint('Notes', 50, 2, 10, 4, GREEN));
    (changed.children?.[0] as Layer).opacity = 0.8;
    const current = file('art.psd', changed);
    const before = snapshot(current.data);
    const result = await psdHandler.restore(current, old, 'Characters/Hero');
    expect(result.restored).toEqual(['Characters/Hero']);
    expect(result.companions).toEqual([]);
    const after = snapshot(result.data);
    const oldSnap = snapshot(old.data);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, value] of before) {
      if (name === 'Characters/Hero' || name === 'Characters') continue;
      expect(after.get(name), name).toEqual(value);
    }
    expect(after.get('Characters/Hero')).toEqual(oldSnap.get('Characters/Hero'));
    // The composite: Background red at 80 %, Hero blue on top, then Shade multiply 50 % on the left half.
    const psd = readPsd(result.data, { useImageData: true, skipLayerImageData: true });
    const c = psd.imageData as PsdImageData;
    const at = (x: number, y: number) => [...c.data.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 4)];
    expect(at(15, 15)).toEqual([0, 0, 191, 255]); // blue × (grey 128 multiply at 50 %): 255 × (0.5 + 0.5 × 128/255)
    expect(at(40, 15)).toEqual([255, 0, 0, 204]); // right half: unmasked shade hidden by the mask; red at 80 %
    expect(at(52, 3)).toEqual([0, 255, 0, 255]); // Notes
    expect(psd.imageResources?.thumbnail ?? psd.imageResources?.thumbnailRaw).toBeUndefined(); // none was there
  });

  it('adds a missing layer back between the same neighbours and redraws the thumbnail it had', async () => {
    const old = file('art.psd', version1());
    const changed = version1();
    changed.children?.splice(2, 1); // Shade deleted
    changed.children?.push(paint('Top', 0, 0, 4, 4, GREEN)); // a new layer on top
    changed.imageResources = { thumbnailRaw: { width: 1, height: 1, data: await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).jpeg().toBuffer() } };
    const current = file('art.psd', changed);
    const before = snapshot(current.data);
    const result = await psdHandler.restore(current, old, 'Shade');
    const after = snapshot(result.data);
    expect([...after.keys()]).toEqual(['Top', 'Shade', 'Characters', 'Characters/Hero', 'Characters/Hero#2', 'Background']);
    for (const [name, value] of before) expect(after.get(name), name).toEqual(value);
    expect(after.get('Shade')).toEqual(snapshot(old.data).get('Shade'));
    const psd = readPsd(result.data, { skipLayerImageData: true, skipCompositeImageData: true, useRawThumbnail: true });
    expect(psd.imageResources?.thumbnailRaw).toMatchObject({ width: 64, height: 48 });
  });

  it('restores a whole group with its members', async () => {
    const old = file('art.psd', version1());
    const changed = version1();
    changed.children?.splice(1, 1);
    const result = await psdHandler.restore(file('art.psd', changed), old, 'Characters');
    expect(result.restored).toEqual(['Characters', 'Characters/Hero', 'Characters/Hero#2']);
    expect([...snapshot(result.data).keys()]).toEqual(['Shade', 'Characters', 'Characters/Hero', 'Characters/Hero#2', 'Background']);
  });

  it('refuses a missing element with close matches, a file of another type and a truncated file', async () => {
    const f = file('art.psd', version1());
    const missing = await errorOf(psdHandler.extract(f, 'Characters/Hro', 'x.png'));
    expect(missing.code).toBe('ELEMENT_NOT_FOUND');
    expect(missing.data?.closeMatches).toContain('Characters/Hero');
    const png = await sharp({ create: { width: 2, height: 2, channels: 4, background: '#fff' } }).png().toBuffer();
    const wrong = await errorOf(psdHandler.list({ name: 'fake.psd', data: png }));
    expect(wrong.code).toBe('ASSET_UNSUPPORTED');
    expect(wrong.message).toContain('fake.psd');
    const truncated = await errorOf(psdHandler.list({ name: 'cut.psd', data: f.data.subarray(0, 200) }));
    expect(truncated.code).toBe('ASSET_CORRUPT');
    const cutPixels = await errorOf(psdHandler.extract({ name: 'cut.psd', data: f.data.subarray(0, f.data.length - 3000) }, 'Background', 'x.png'));
    expect(cutPixels.code).toBe('ASSET_CORRUPT');
    const empty = await errorOf(psdHandler.list({ name: 'empty.psd', data: Buffer.alloc(0) }));
    expect(empty.code).toBe('ASSET_CORRUPT');
  });

  it('lists a large PSD without decoding its pixels (bounded memory)', async () => {
    // 4 layers of 2600 x 2000 noise (RLE cannot shrink it): about 62 MB on disk.
    const width = 2600;
    const height = 2000;
    const layers: Layer[] = [];
    let seed = 1;
    for (let k = 0; k < 4; k++) {
      const img = solid(width, height, [0, 0, 0, 255]);
      const d = img.data;
      for (let i = 0; i < d.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        if ((i & 3) !== 3) d[i] = seed >>> 24;
      }
      layers.push({ name: `Noise ${k}`, left: 0, top: 0, right: width, bottom: height, imageData: img });
    }
    const data = writePsdBuffer({ width, height, children: layers });
    layers.length = 0;
    expect(data.length).toBeGreaterThan(60_000_000);
    global.gc?.();
    const rss = process.memoryUsage().rss;
    const t = performance.now();
    const list = await psdHandler.list({ name: 'big.psd', data });
    const ms = performance.now() - t;
    const grown = process.memoryUsage().rss - rss;
    expect(list.map((e) => e.name)).toEqual(['Noise 3', 'Noise 2', 'Noise 1', 'Noise 0']);
    // Decoding even one layer would take 20 MB; the whole tree stays far below.
    expect(grown).toBeLessThan(15_000_000);
    expect(ms).toBeLessThan(2000);
  }, 60_000);
});
