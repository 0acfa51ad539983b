import { createCipheriv } from 'node:crypto';
import { deflateSync, inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32 } from '../../../plumbing/store/adler32.js';
import { SEGMENT_SIZE, compressObject, planLevels } from '../../../plumbing/store/compression.js';

/** Deterministic incompressible bytes (an AES-CTR key stream). */
function random(length: number, seed: number): Buffer {
  const key = Buffer.alloc(16, seed);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

/** Text-like, compressible bytes. */
function text(length: number, seed: number): Buffer {
  const words = ['texture', 'mesh', 'level', 'shader', 'export', 'const', 'return', 'player', '\n', '{', '}', '=', 'value'];
  const out = Buffer.alloc(length);
  let state = seed;
  for (let pos = 0; pos < length; ) {
    state = (state * 1103515245 + 12345) >>> 0;
    const word = `${words[state % words.length]} `;
    pos += out.write(word, pos);
  }
  return out;
}

/** Blocks of 64 KiB, alternately text and random: the shape of a game build. */
function mixed(length: number): Buffer {
  const parts: Buffer[] = [];
  for (let pos = 0, k = 0; pos < length; pos += 64 * 1024, k++) {
    const n = Math.min(64 * 1024, length - pos);
    parts.push(k % 2 === 0 ? text(n, k) : random(n, k));
  }
  return Buffer.concat(parts);
}

const head = Buffer.from('blob 123\0');

describe('adler32', () => {
  it('matches zlib on known vectors and on long inputs, in one call or continued', () => {
    expect(adler32(Buffer.alloc(0))).toBe(1);
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    for (const data of [random(100_000, 3), Buffer.alloc(300_000, 0xff), text(70_000, 9)]) {
      const z = deflateSync(data, { level: 0 });
      const want = z.readUInt32BE(z.length - 4);
      expect(adler32(data)).toBe(want);
      expect(adler32(data.subarray(40_001), adler32(data.subarray(0, 40_001)))).toBe(want);
    }
  });
});

describe('planLevels', () => {
  it('gives one level to uniform content and runs to mixed content', () => {
    expect(planLevels(text(500_000, 1), 1)).toBe(1);
    expect(planLevels(random(500_000, 1), 1)).toBe(0);
    expect(planLevels(random(500_000, 1), 0)).toBe(0);
    const runs = planLevels(mixed(1024 * 1024), 1);
    expect(Array.isArray(runs)).toBe(true);
    if (!Array.isArray(runs)) return;
    expect(runs[0]?.start).toBe(0);
    expect(runs[runs.length - 1]?.end).toBe(1024 * 1024);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]?.start).toBe(runs[i - 1]?.end);
      expect(runs[i]?.level).not.toBe(runs[i - 1]?.level);
    }
    expect(runs.some((r) => r.level === 0) && runs.some((r) => r.level === 1)).toBe(true);
  });

  it('judges content of up to two segments as a whole', () => {
    expect(planLevels(Buffer.concat([text(SEGMENT_SIZE, 1), random(SEGMENT_SIZE, 2)]), 1)).toBeTypeOf('number');
  });
});

describe('compressObject', () => {
  const cases: Array<[string, Buffer]> = [
    ['mixed, 1 MiB', mixed(1024 * 1024)],
    ['mixed, starting with random bytes', Buffer.concat([random(200_000, 5), text(150_000, 6), random(70_001, 7)])],
    ['mixed, a stored run longer than a stored block', Buffer.concat([text(100_000, 1), random(300_000, 2), text(100_000, 3)])],
    ['text', text(400_000, 4)],
    ['random', random(400_000, 8)],
    ['small', text(1000, 2)],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [name, body] of cases) {
    for (const sync of [true, false]) {
      it(`is a zlib stream of head and body that zlib inflates byte for byte (${name}, ${sync ? 'sync' : 'async'})`, async () => {
        const stored = await compressObject(head, body, 1, sync);
        expect(inflateSync(stored).equals(Buffer.concat([head, body]))).toBe(true);
        // A valid zlib header, and a raw inflate of the deflate data alone gives the same bytes.
        expect((stored.readUInt16BE(0) % 31) === 0 && (stored[0] as number) === 0x78).toBe(true);
        expect(inflateRawSync(stored.subarray(2, stored.length - 4)).equals(Buffer.concat([head, body]))).toBe(true);
      });
    }
  }

  it('stores the random half of mixed content instead of deflating it, and still compresses the text half', async () => {
    const body = mixed(2 * 1024 * 1024);
    const stored = await compressObject(head, body, 1, true);
    const whole = deflateSync(Buffer.concat([head, body]), { level: 1 });
    // The random half cannot shrink; the text half must.
    expect(stored.length).toBeLessThan(body.length * 0.5 + body.length * 0.5 * 0.6);
    // No larger than deflating the whole body (deflate even expands random bytes a little).
    expect(stored.length).toBeLessThanOrEqual(whole.length * 1.01);
  });

  it('keeps the level of the configuration in the zlib header', async () => {
    const body = mixed(512 * 1024);
    for (const level of [1, 6, 9]) {
      const stored = await compressObject(head, body, level, true);
      expect(inflateSync(stored).equals(Buffer.concat([head, body]))).toBe(true);
      expect(((stored[1] as number) >> 6) & 3).toBe(level === 1 ? 0 : level === 6 ? 2 : 3);
    }
  });
});
