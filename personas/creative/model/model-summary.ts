import { vertexStats } from './model-bounds.js';
import type { Model, ModelFormat, Vec3 } from './model.js';

/** The figures of one model, for a file that exists on one side of a comparison only. */
export interface ModelSummary {
  format: ModelFormat;
  vertices: number;
  faces: number;
  triangles: number;
  meshes: number;
  nodes: number;
  materials: number;
  textures: string[];
  /** Bounds of the finite vertices; null when there are none. */
  bounds: { min: Vec3; max: Vec3; size: Vec3 } | null;
  /** The mean of the finite vertex positions; null when there are none. */
  centroid: Vec3 | null;
  warnings: string[];
}

export function summarizeModel(model: Model): ModelSummary {
  const stats = vertexStats(model.meshes);
  const box = stats.box;
  const n = stats.finiteVertices;
  return {
    format: model.format,
    vertices: model.vertexCount,
    faces: model.faceCount,
    triangles: model.triangleCount,
    meshes: model.meshes.length,
    nodes: model.nodes.length,
    materials: model.materials.length,
    textures: model.textures,
    bounds: box ? { min: box.min, max: box.max, size: [box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]] } : null,
    centroid: n === 0 ? null : [stats.sum[0] / n, stats.sum[1] / n, stats.sum[2] / n],
    warnings: model.warnings,
  };
}
