/**
 * Synthetic `Model` values for the model tests: boxes, tetrahedra, single triangles and large grids,
 * built the way a parser would fill the contract (world-space positions, triangles, totals).
 */
import type { MaterialData, MeshData, Model, ModelFormat, NodeData, Vec3 } from '../../../personas/creative/model/model.js';

/** An axis-aligned box as 8 shared vertices and 6 quads (12 triangles), outward-facing (counter-clockwise). */
export function boxMesh(name: string, min: Vec3 = [0, 0, 0], max: Vec3 = [1, 1, 1], materials: string[] = []): MeshData {
  const [x0, y0, z0] = min;
  const [x1, y1, z1] = max;
  // prettier-ignore
  const positions = new Float32Array([
    x0, y0, z0,  x1, y0, z0,  x1, y1, z0,  x0, y1, z0, // back  (z0): 0 1 2 3
    x0, y0, z1,  x1, y0, z1,  x1, y1, z1,  x0, y1, z1, // front (z1): 4 5 6 7
  ]);
  const quads = [
    [4, 5, 6, 7], // +z
    [1, 0, 3, 2], // -z
    [5, 1, 2, 6], // +x
    [0, 4, 7, 3], // -x
    [7, 6, 2, 3], // +y
    [0, 1, 5, 4], // -y
  ];
  const indices = new Uint32Array(quads.flatMap(([a, b, c, d]) => [a!, b!, c!, a!, c!, d!]));
  return { name, positions, indices, faceCount: 6, materials };
}

/** A tetrahedron with one corner at `origin` and edges of length `size` along +x, +y, +z. */
export function tetrahedronMesh(name: string, origin: Vec3 = [0, 0, 0], size = 1): MeshData {
  const [x, y, z] = origin;
  const positions = new Float32Array([x, y, z, x + size, y, z, x, y + size, z, x, y, z + size]);
  const indices = new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]);
  return { name, positions, indices, faceCount: 4, materials: [] };
}

/** One triangle from three corners. */
export function triangleMesh(name: string, a: Vec3, b: Vec3, c: Vec3): MeshData {
  return { name, positions: new Float32Array([...a, ...b, ...c]), indices: new Uint32Array([0, 1, 2]), faceCount: 1, materials: [] };
}

/**
 * A wavy height field of `cells` x `cells` quads over [0,1]², 2 triangles each: `gridMesh('g', 707)`
 * has ~1M triangles and ~500k vertices. Heights are z = 0.1·sin(…)·cos(…).
 */
export function gridMesh(name: string, cells: number): MeshData {
  const n = cells + 1;
  const positions = new Float32Array(n * n * 3);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const k = (j * n + i) * 3;
      const u = i / cells, v = j / cells;
      positions[k] = u;
      positions[k + 1] = v;
      positions[k + 2] = 0.1 * Math.sin(u * 12) * Math.cos(v * 9);
    }
  }
  const indices = new Uint32Array(cells * cells * 6);
  let t = 0;
  for (let j = 0; j < cells; j++) {
    for (let i = 0; i < cells; i++) {
      const a = j * n + i, b = a + 1, c = a + n + 1, d = a + n;
      indices[t++] = a; indices[t++] = b; indices[t++] = c;
      indices[t++] = a; indices[t++] = c; indices[t++] = d;
    }
  }
  return { name, positions, indices, faceCount: cells * cells, materials: [] };
}

export interface ModelParts {
  format?: ModelFormat;
  nodes?: NodeData[];
  materials?: MaterialData[];
  externalFiles?: string[];
}

/** A model from meshes, with the totals and texture union computed as a parser would. */
export function makeModel(meshes: MeshData[], parts: ModelParts = {}): Model {
  const materials = parts.materials ?? [];
  return {
    format: parts.format ?? 'obj',
    meshes,
    nodes: parts.nodes ?? [],
    materials,
    textures: [...new Set(materials.flatMap((m) => m.textures))].sort(),
    externalFiles: [...(parts.externalFiles ?? [])].sort(),
    vertexCount: meshes.reduce((s, m) => s + m.positions.length / 3, 0),
    faceCount: meshes.reduce((s, m) => s + m.faceCount, 0),
    triangleCount: meshes.reduce((s, m) => s + m.indices.length / 3, 0),
    warnings: [],
  };
}

/** A copy of the mesh with every vertex moved by `offset` (same topology). */
export function translateMesh(mesh: MeshData, offset: Vec3, name = mesh.name): MeshData {
  const positions = new Float32Array(mesh.positions);
  for (let i = 0; i < positions.length; i += 3) {
    positions[i] = (positions[i] as number) + offset[0];
    positions[i + 1] = (positions[i + 1] as number) + offset[1];
    positions[i + 2] = (positions[i + 2] as number) + offset[2];
  }
  return { ...mesh, name, positions, indices: new Uint32Array(mesh.indices), materials: [...mesh.materials] };
}

/** A deep copy of a mesh, optionally under another name. */
export function copyMesh(mesh: MeshData, name = mesh.name): MeshData {
  return translateMesh(mesh, [0, 0, 0], name);
}

/** A node with identity transform unless told otherwise. */
export function node(name: string, parts: Partial<NodeData> = {}): NodeData {
  return {
    name,
    path: parts.path ?? name,
    ...(parts.mesh !== undefined ? { mesh: parts.mesh } : {}),
    translation: parts.translation ?? [0, 0, 0],
    rotation: parts.rotation ?? [0, 0, 0, 1],
    scale: parts.scale ?? [1, 1, 1],
  };
}

export function material(name: string, properties: MaterialData['properties'] = {}, textures: string[] = []): MaterialData {
  return { name, properties, textures };
}
