import type { MeshData, Model, Vec3 } from './model.js';

/** An axis-aligned box in model space. */
export interface Box {
  min: Vec3;
  max: Vec3;
}

/** Running bounds and coordinate sums over the finite vertices of some meshes. */
export interface VertexStats {
  /** Vertices whose three coordinates are all finite (the others are left out of every figure). */
  finiteVertices: number;
  /** Vertices with a NaN or infinite coordinate. */
  nonFiniteVertices: number;
  /** Undefined when no vertex is finite. */
  box: Box | undefined;
  /** Sum of x, y, z over the finite vertices (for the vertex-mean centroid). */
  sum: Vec3;
}

/**
 * One pass over every mesh's positions: the bounding box and coordinate sums of the finite vertices.
 * NaN and infinite coordinates are skipped (and counted), so one bad vertex cannot blow up a frame.
 */
export function vertexStats(meshes: readonly MeshData[]): VertexStats {
  let minX = Infinity, minY = Infinity, minZ = Infinity;
  let maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
  let sx = 0, sy = 0, sz = 0;
  let finite = 0, nonFinite = 0;
  for (const mesh of meshes) {
    const p = mesh.positions;
    const n = p.length - (p.length % 3);
    for (let i = 0; i < n; i += 3) {
      const x = p[i]!, y = p[i + 1]!, z = p[i + 2]!;
      // x - x is 0 for finite x and NaN for NaN or ±Infinity: one test covers all three.
      if (x - x !== 0 || y - y !== 0 || z - z !== 0) {
        nonFinite++;
        continue;
      }
      finite++;
      sx += x; sy += y; sz += z;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (z < minZ) minZ = z;
      if (z > maxZ) maxZ = z;
    }
  }
  return {
    finiteVertices: finite,
    nonFiniteVertices: nonFinite,
    box: finite === 0 ? undefined : { min: [minX, minY, minZ], max: [maxX, maxY, maxZ] },
    sum: [sx, sy, sz],
  };
}

/** The bounding box of a model's finite vertices, or undefined when it has none. */
export function modelBounds(model: Model): Box | undefined {
  return vertexStats(model.meshes).box;
}

/** The smallest box holding both (either may be undefined). */
export function unionBox(a: Box | undefined, b: Box | undefined): Box | undefined {
  if (!a) return b ? cloneBox(b) : undefined;
  if (!b) return cloneBox(a);
  return {
    min: [Math.min(a.min[0], b.min[0]), Math.min(a.min[1], b.min[1]), Math.min(a.min[2], b.min[2])],
    max: [Math.max(a.max[0], b.max[0]), Math.max(a.max[1], b.max[1]), Math.max(a.max[2], b.max[2])],
  };
}

function cloneBox(box: Box): Box {
  return { min: [...box.min], max: [...box.max] };
}
