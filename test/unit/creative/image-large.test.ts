import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS, decodeImage } from '../../../personas/creative/image/decode.js';

describe('a 20,000 x 20,000 PNG', () => {
  it('decodes downscaled to at most maxPixels with bounded memory', async () => {
    const side = 20_000;
    const png = await sharp({ create: { width: side, height: side, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 1 } }, limitInputPixels: false })
      .png({ compressionLevel: 9 })
      .toBuffer();
    // 1.6 GB of pixels compress to ~1.6 MB: the decoder must never hold the full image.
    expect(png.length).toBeLessThan(8 << 20);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    let d;
    try {
      d = await decodeImage({ name: 'huge.png', data: png });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(d.info).toMatchObject({ width: side, height: side, format: 'png' });
    expect(d.raster.width * d.raster.height).toBeLessThanOrEqual(DEFAULT_MAX_PIXELS);
    expect(d.raster.width).toBe(4096);
    expect(d.scale).toBeCloseTo(4096 / side, 6);
    expect(Array.from(d.raster.data.subarray(0, 4))).toEqual([10, 200, 30, 255]);
    const growthMb = (peak - before) / 2 ** 20;
    expect(growthMb).toBeLessThan(400);
  }, 120_000);
});
