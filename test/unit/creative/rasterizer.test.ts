import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../../../personas/creative/image/raster.js';
import type { Model } from '../../../personas/creative/model/model.js';
import { parseModel } from '../../../personas/creative/model/parse-model.js';
import {
  BACKGROUND, MODEL_COLOUR, SEPARATOR, renderModelOverlay, renderModelThumbnail, renderModelViews, type ViewName,
} from '../../../personas/creative/model/rasterizer.js';
import { boxMesh, gridMesh, makeModel, tetrahedronMesh, translateMesh, triangleMesh } from './model-builders.js';

function pixel(image: RasterImage, x: number, y: number): [number, number, number, number] {
  const o = (y * image.width + x) * 4;
  return [image.data[o]!, image.data[o + 1]!, image.data[o + 2]!, image.data[o + 3]!];
}

function isBackground(p: number[]): boolean {
  return (p[0] === BACKGROUND[0] && p[1] === BACKGROUND[1] && p[2] === BACKGROUND[2]) ||
    (p[0] === SEPARATOR[0] && p[1] === SEPARATOR[1] && p[2] === SEPARATOR[2]);
}

/** The bounding rectangle and count of the non-background pixels in columns [x0, x1). */
function coverage(image: RasterImage, x0 = 0, x1 = image.width) {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, count = 0, sumX = 0, sumY = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = x0; x < x1; x++) {
      if (isBackground(pixel(image, x, y))) continue;
      count++; sumX += x; sumY += y;
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
  }
  return { minX, maxX, minY, maxY, count, meanX: sumX / count, meanY: sumY / count };
}

const beforeTinted = (p: number[]) => p[0]! - p[2]! > 25;
const afterTinted = (p: number[]) => p[2]! - p[0]! > 25;

function countWhere(image: RasterImage, test: (p: number[]) => boolean): number {
  let n = 0;
  for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) if (test(pixel(image, x, y))) n++;
  return n;
}

const unitCube = makeModel([boxMesh('cube')]);

describe('renderModelViews', () => {
  it('draws a unit cube in the front view over exactly the framed square', () => {
    // 100 px view, 10% margin: the cube's 1 x 1 face spans pixels 10 to 89 on both axes.
    const image = renderModelViews(unitCube, { size: 100, views: ['front'], edges: false });
    expect([image.width, image.height]).toEqual([100, 100]);
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 100; x++) {
        const inside = x >= 10 && x <= 89 && y >= 10 && y <= 89;
        expect(isBackground(pixel(image, x, y)), `pixel ${x},${y}`).toBe(!inside);
        expect(pixel(image, x, y)[3]).toBe(255);
      }
    }
    // Flat shading: one face, one colour, darker than the model colour at full light.
    const face = pixel(image, 50, 50);
    expect(pixel(image, 11, 88)).toEqual(face);
    expect(face[0]).toBeLessThan(MODEL_COLOUR[0]);
    expect(face[0]).toBeGreaterThan(MODEL_COLOUR[0] * 0.35);
  });

  it('puts the three default views side by side, each framing the cube the same way', () => {
    const image = renderModelViews(unitCube, { size: 100 });
    expect([image.width, image.height]).toEqual([300, 100]);
    for (let v = 0; v < 3; v++) {
      const c = coverage(image, v * 100, v * 100 + 100);
      expect(c).toMatchObject({ minX: v * 100 + 10, maxX: v * 100 + 89, minY: 10, maxY: 89, count: 6400 });
    }
    expect(pixel(image, 100, 50).slice(0, 3)).toEqual(SEPARATOR);
  });

  it('orients the views: side looks down -X (+Z on the left), top looks down -Y (+Z at the bottom)', () => {
    // A long bar along Z with a tall block on its +Z end.
    const model = makeModel([boxMesh('bar', [0, 0, 0], [1, 1, 4]), boxMesh('block', [0, 1, 3], [1, 3, 4])]);
    // One call: all three views share one scale, 80 px for the longest side (4 units), so 20 px per unit.
    const image = renderModelViews(model, { size: 100 });
    const front = coverage(image, 0, 100), side = coverage(image, 100, 200), top = coverage(image, 200, 300);
    expect([front.maxX - front.minX + 1, front.maxY - front.minY + 1]).toEqual([20, 60]);
    expect([side.maxX - side.minX + 1, side.maxY - side.minY + 1]).toEqual([80, 60]);
    expect([top.maxX - top.minX + 1, top.maxY - top.minY + 1]).toEqual([20, 80]);
    // Side view: the block rises at the left end (+Z), not the right.
    expect(isBackground(pixel(image, 100 + 15, 30))).toBe(false);
    expect(isBackground(pixel(image, 100 + 85, 30))).toBe(true);
    // Top view: the block (nearer the camera) is at the bottom (+Z), outlined against the bar.
    // Both tops face the camera (same flat shade); the 2-unit step between them at z = 3 (row 70) is outlined.
    const blockTop = pixel(image, 250, 85), barTop = pixel(image, 250, 30);
    expect(isBackground(barTop)).toBe(false);
    expect(blockTop).toEqual(barTop);
    expect(Math.min(pixel(image, 250, 69)[0], pixel(image, 250, 70)[0])).toBeLessThan(barTop[0] * 0.8);
    // Front view: the block sits on top of the bar, whose top edge is drawn where the block starts.
    expect(isBackground(pixel(image, 50, 25))).toBe(false);
  });

  it('keeps a small triangle in front of a big one visible whatever the drawing order (z-buffer)', () => {
    const big = triangleMesh('big', [-2, -2, 0], [2, -2, 0], [0, 2, 0]);
    // Tilted, so its flat shade differs from the big one's.
    const small = triangleMesh('small', [-0.3, -0.3, 0.5], [0.3, -0.3, 0.8], [0, 0.3, 0.5]);
    const frame = { min: [-2, -2, -1] as [number, number, number], max: [2, 2, 1] as [number, number, number] };
    const options = { size: 64, views: ['front' as ViewName], frame, edges: false };
    const bigOnly = renderModelViews(makeModel([big]), options);
    const smallFirst = renderModelViews(makeModel([small, big]), options);
    const bigFirst = renderModelViews(makeModel([big, small]), options);
    const centre = pixel(bigOnly, 32, 33);
    expect(isBackground(centre)).toBe(false);
    expect(pixel(smallFirst, 32, 33)).not.toEqual(centre);
    expect(pixel(bigFirst, 32, 33)).toEqual(pixel(smallFirst, 32, 33));
    // Behind the big triangle, the small one is hidden.
    const behind = translateMesh(small, [0, 0, -1.5]);
    expect(renderModelViews(makeModel([big, behind]), options).data).toEqual(bigOnly.data);
    expect(renderModelViews(makeModel([behind, big]), options).data).toEqual(bigOnly.data);
  });

  it('leaves no pinholes along an edge shared by two triangles that runs through pixel centres', () => {
    // A unit square as two triangles split along the diagonal x + y = 1, which in a 100 px view passes
    // exactly through the centres of pixels (i, 99 - i): each must be drawn by one triangle or the other.
    const quad = {
      name: 'quad',
      positions: new Float32Array([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]),
      indices: new Uint32Array([0, 1, 3, 1, 2, 3]),
      faceCount: 1,
      materials: [],
    };
    const image = renderModelViews(makeModel([quad]), { size: 100, views: ['front'], edges: false });
    expect(coverage(image)).toMatchObject({ minX: 10, maxX: 89, minY: 10, maxY: 89, count: 6400 });
  });

  it('draws back faces too (inconsistent winding)', () => {
    const ccw = triangleMesh('t', [0, 0, 0], [1, 0, 0], [0, 1, 0]);
    const cw = triangleMesh('t', [0, 0, 0], [0, 1, 0], [1, 0, 0]);
    const a = renderModelViews(makeModel([ccw]), { size: 64, views: ['front'] });
    const b = renderModelViews(makeModel([cw]), { size: 64, views: ['front'] });
    expect(coverage(a).count).toBeGreaterThan(1000);
    expect(b.data).toEqual(a.data);
  });

  it('renders an empty model as a blank frame', () => {
    const image = renderModelViews(makeModel([]), { size: 32 });
    expect([image.width, image.height]).toEqual([96, 32]);
    expect(coverage(image).count).toBe(0);
    expect(coverage(renderModelThumbnail(makeModel([]), 32)).count).toBe(0);
  });

  it('survives every vertex at one point, and skips NaN and infinite coordinates', () => {
    const point = tetrahedronMesh('p', [2, 2, 2], 0);
    expect(coverage(renderModelViews(makeModel([point]), { size: 32 })).count).toBe(0);

    const poisoned = makeModel([
      boxMesh('cube'),
      triangleMesh('nan', [0, 0, 0], [Number.NaN, 1, 0], [1, 1, 1]),
      triangleMesh('inf', [0, 0, 0], [Number.POSITIVE_INFINITY, 0, 0], [0, Number.NEGATIVE_INFINITY, 0]),
      { name: 'bad-index', positions: new Float32Array([0, 0, 0]), indices: new Uint32Array([0, 5, 9]), faceCount: 1, materials: [] },
    ]);
    expect(renderModelViews(poisoned, { size: 64 }).data).toEqual(renderModelViews(unitCube, { size: 64 }).data);
  });

  it('rejects sizes and views it cannot draw', () => {
    expect(() => renderModelViews(unitCube, { size: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => renderModelViews(unitCube, { size: 100_000 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => renderModelViews(unitCube, { views: ['sideways' as ViewName] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => renderModelViews(unitCube, { views: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => renderModelViews(unitCube, { size: 4096, views: ['front', 'side', 'top'] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => renderModelViews(unitCube, { colour: [300, 0, 0] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const badFrame = { min: [1, 0, 0] as [number, number, number], max: [0, 1, 1] as [number, number, number] };
    expect(() => renderModelViews(unitCube, { frame: badFrame })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('renders 1M triangles at 256 px in three views in well under a second', () => {
    const model = makeModel([gridMesh('terrain', 707)]);
    expect(model.triangleCount).toBeGreaterThan(999_000);
    const start = performance.now();
    const image = renderModelViews(model);
    const ms = performance.now() - start;
    expect(coverage(image, 0, 256).count).toBeGreaterThan(0.5 * 205 * 205);
    expect(ms).toBeLessThan(1000);
  });
});

describe('renderModelThumbnail', () => {
  it('draws one three-quarter view showing three faces of a cube', () => {
    const image = renderModelThumbnail(unitCube, 64);
    expect([image.width, image.height]).toEqual([64, 64]);
    expect(isBackground(pixel(image, 0, 0))).toBe(true);
    const c = coverage(image);
    expect(c.count).toBeGreaterThan(1000);
    // Three visible faces, each its own flat shade: count the distinct colours of the interior.
    const shades = new Set<string>();
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) {
      const p = pixel(image, x, y);
      if (!isBackground(p)) shades.add(p.slice(0, 3).join());
    }
    expect(shades.size).toBeGreaterThanOrEqual(3);
  });
});

describe('renderModelOverlay', () => {
  it('shows a model over itself in neutral only', () => {
    const model = makeModel([boxMesh('a'), tetrahedronMesh('t', [1.5, 0, 0])]);
    const image = renderModelOverlay(model, model, { size: 64 });
    expect(countWhere(image, beforeTinted)).toBe(0);
    expect(countWhere(image, afterTinted)).toBe(0);
    expect(coverage(image).count).toBeGreaterThan(1000);
  });

  it('shows both tints for a translated copy, on the sides it moved from and to', () => {
    const after = makeModel([translateMesh(unitCube.meshes[0]!, [0.5, 0, 0])]);
    const image = renderModelOverlay(unitCube, after, { size: 100, views: ['front'] });
    // Union frame 1.5 x 1 wide: scale 80 / 1.5; the old cube alone on the left, the new alone on the right.
    expect(beforeTinted(pixel(image, 20, 50))).toBe(true);
    expect(afterTinted(pixel(image, 80, 50))).toBe(true);
    const middle = pixel(image, 50, 50);
    expect(beforeTinted(middle) || afterTinted(middle)).toBe(false);
    expect(isBackground(middle)).toBe(false);
    expect(countWhere(image, beforeTinted)).toBeGreaterThan(500);
    expect(countWhere(image, afterTinted)).toBeGreaterThan(500);
  });

  it('shows the nearer model where one moved towards the viewer', () => {
    const after = makeModel([translateMesh(unitCube.meshes[0]!, [0, 0, 0.5])]);
    const image = renderModelOverlay(unitCube, after, { size: 64, views: ['front', 'side'] });
    expect(afterTinted(pixel(image, 32, 32))).toBe(true); // front: the new cube is in front
    expect(countWhere(image, beforeTinted)).toBeGreaterThan(100); // side: the old cube's exposed back
  });

  it('frames both in the same box, and an empty pair renders blank', () => {
    const far = makeModel([boxMesh('far', [10, 0, 0], [11, 1, 1])]);
    const image = renderModelOverlay(unitCube, far, { size: 110, views: ['front'] });
    expect(beforeTinted(pixel(image, 15, 55))).toBe(true);
    expect(afterTinted(pixel(image, 94, 55))).toBe(true);
    expect(coverage(renderModelOverlay(makeModel([]), makeModel([]), { size: 16 })).count).toBe(0);
  });
});

describe('rendering real files (assimp test models, parsed by parseModel)', () => {
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/creative/model');
  const load = async (relative: string): Promise<Model> => {
    const path = join(fixtures, relative);
    return parseModel({ name: basename(path), data: await readFile(path), readRelated: (p) => readFile(join(dirname(path), p)).catch(() => undefined) });
  };

  it('an OBJ unit cube fills the framed square of the front view', async () => {
    const image = renderModelViews(await load('obj/cube_usemtl.obj'), { size: 100, views: ['front'] });
    expect(coverage(image)).toMatchObject({ minX: 10, maxX: 89, minY: 10, maxY: 89, count: 6400 });
  });

  it('a binary STL spider: views inside the margins, its overlay with itself neutral, with a moved copy tinted', async () => {
    const spider = await load('stl/Spider_binary.stl');
    const image = renderModelViews(spider, { size: 128 });
    for (let v = 0; v < 3; v++) {
      const c = coverage(image, v * 128, v * 128 + 128);
      expect(c.count).toBeGreaterThan(300);
      expect(c.minX).toBeGreaterThanOrEqual(v * 128 + 12);
      expect(c.maxX).toBeLessThanOrEqual(v * 128 + 115);
      expect(c.minY).toBeGreaterThanOrEqual(12);
      expect(c.maxY).toBeLessThanOrEqual(115);
    }
    // The longest side of the frame spans the view less its margins in at least one view.
    const spans = [0, 1, 2].map((v) => {
      const c = coverage(image, v * 128, v * 128 + 128);
      return Math.max(c.maxX - c.minX + 1, c.maxY - c.minY + 1);
    });
    expect(Math.max(...spans)).toBeGreaterThanOrEqual(100);

    const same = renderModelOverlay(spider, spider, { size: 128 });
    expect(countWhere(same, beforeTinted) + countWhere(same, afterTinted)).toBe(0);
    const moved = makeModel(spider.meshes.map((m) => translateMesh(m, [0, 5, 0])), { format: 'stl' });
    const overlay = renderModelOverlay(spider, moved, { size: 128 });
    expect(countWhere(overlay, beforeTinted)).toBeGreaterThan(100);
    expect(countWhere(overlay, afterTinted)).toBeGreaterThan(100);

    const thumb = renderModelThumbnail(spider, 96);
    expect(coverage(thumb).count).toBeGreaterThan(300);
  });
});
