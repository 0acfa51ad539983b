/**
 * Large PSDs are listed from their layer records alone, streamed: the small listing document gives
 * exactly the list the whole file gives, for PSD and PSB, groups and hidden layers included, and a
 * document whose layers live elsewhere (16-bit) is left to the whole-file reader.
 */
import { Readable } from 'node:stream';
import { initializeCanvas, writePsdBuffer, type Psd } from 'ag-psd';
import { describe, expect, it } from 'vitest';
import { psdHandler } from '../../../personas/creative/elements/psd.js';
import { psdListingDocument } from '../../../personas/creative/elements/psd-prefix.js';

type MakeImageData = NonNullable<Parameters<typeof initializeCanvas>[1]>;
initializeCanvas(
  () => {
    throw new Error('no canvas in tests');
  },
  (width, height) => ({ width, height, data: new Uint8ClampedArray(width * height * 4), colorSpace: 'srgb' }) as unknown as ReturnType<MakeImageData>,
);

function noise(w: number, h: number, seed: number): ReturnType<MakeImageData> {
  const data = new Uint8ClampedArray(w * h * 4);
  let x = seed;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : x >>> 24;
  }
  return { width: w, height: h, data, colorSpace: 'srgb' } as unknown as ReturnType<MakeImageData>;
}

function doc(size: number): Psd {
  return {
    width: size,
    height: size,
    children: [
      { name: 'Background', left: 0, top: 0, right: size, bottom: size, imageData: noise(size, size, 1) },
      {
        name: 'Characters',
        opened: true,
        children: [
          { name: 'Hero', left: 10, top: 20, right: 60, bottom: 90, opacity: 0.75, blendMode: 'multiply', imageData: noise(50, 70, 2) },
          { name: 'Villain', hidden: true, left: 30, top: 5, right: 50, bottom: 25, imageData: noise(20, 20, 3) },
        ],
      },
      { name: 'Hero', left: 0, top: 0, right: 8, bottom: 8, imageData: noise(8, 8, 4) },
    ],
  };
}

/** The file as a stream of 64 KiB blocks, counting how many bytes were pulled. */
function blocks(data: Buffer, pulled: { bytes: number }): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let at = 0; at < data.length; at += 65536) {
      const block = data.subarray(at, at + 65536);
      pulled.bytes += block.length;
      yield block;
    }
  })();
}

describe('listing a PSD from its layer records', () => {
  for (const psb of [false, true]) {
    it(`gives the same list as the whole ${psb ? 'PSB' : 'PSD'}, reading only its start`, async () => {
      const data = Buffer.from(writePsdBuffer(doc(600), { psb, generateThumbnail: false }));
      const pulled = { bytes: 0 };
      const small = await psdListingDocument(blocks(data, pulled));
      expect(small).toBeDefined();
      const name = psb ? 'big.psb' : 'big.psd';
      const whole = await psdHandler.list({ name, data });
      const fromRecords = await psdHandler.list({ name, data: small as Buffer });
      expect(fromRecords).toEqual(whole);
      expect(whole.map((e) => e.name)).toEqual(expect.arrayContaining(['Background', 'Characters', 'Characters/Hero', 'Characters/Villain']));
      // 600 x 600 noise is ~1.4 MB of pixels; the records are within the first block or two.
      expect(small!.length).toBeLessThan(4096);
      expect(pulled.bytes).toBeLessThanOrEqual(2 * 65536);
    });
  }

  it('leaves a 16-bit document (layers after the pixels) to the whole-file reader', async () => {
    // ag-psd writes only 8-bit documents: a 16-bit header is enough, the depth decides before any record is read.
    const data = Buffer.from(writePsdBuffer(doc(64), { generateThumbnail: false }));
    data.writeUInt16BE(16, 22);
    expect(await psdListingDocument(Readable.from([data]))).toBeUndefined();
  });

  it('gives up on what is not a PSD, or is cut short', async () => {
    expect(await psdListingDocument(Readable.from([Buffer.from('not a psd at all, just text')]))).toBeUndefined();
    const data = Buffer.from(writePsdBuffer(doc(64), { generateThumbnail: false }));
    expect(await psdListingDocument(Readable.from([data.subarray(0, 200)]))).toBeUndefined();
  });
});
