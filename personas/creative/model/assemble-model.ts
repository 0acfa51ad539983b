/**
 * Completes a Model from what a parser found: totals over the meshes, the sorted union of texture
 * references, sorted unique external files.
 */
import type { MaterialData, MeshData, Model, ModelFormat, NodeData } from './model.js';

export interface ModelParts {
  format: ModelFormat;
  meshes: MeshData[];
  nodes?: NodeData[];
  materials?: MaterialData[];
  externalFiles?: string[];
  warnings?: string[];
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function assembleModel(parts: ModelParts): Model {
  const materials = parts.materials ?? [];
  let vertexCount = 0;
  let faceCount = 0;
  let triangleCount = 0;
  for (const mesh of parts.meshes) {
    vertexCount += mesh.positions.length / 3;
    faceCount += mesh.faceCount;
    triangleCount += mesh.indices.length / 3;
  }
  return {
    format: parts.format,
    meshes: parts.meshes,
    nodes: parts.nodes ?? [],
    materials,
    textures: sortedUnique(materials.flatMap((m) => m.textures)),
    externalFiles: sortedUnique(parts.externalFiles ?? []),
    vertexCount,
    faceCount,
    triangleCount,
    warnings: parts.warnings ?? [],
  };
}

/** Makes `name` unique among `taken` by appending `#2`, `#3`…, and records it. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}#${i}`;
  taken.add(candidate);
  return candidate;
}
