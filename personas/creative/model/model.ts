/**
 * The common in-memory form of a 3D model, whatever file it came from (OBJ+MTL, STL, PLY, glTF/GLB).
 * Parsers fill it; diffing, the rasterizer and thumbnails read it. Plain data: every array is owned.
 */
export type ModelFormat = 'obj' | 'stl' | 'ply' | 'gltf' | 'glb';

export type Vec3 = [number, number, number];
/** A rotation quaternion, x y z w. */
export type Quat = [number, number, number, number];

/** One mesh (an OBJ object or group, a glTF mesh primitive set, the whole of an STL or PLY). */
export interface MeshData {
  /** Unique within the model: the file's name for it, or `<kind>#<index>` when it has none. */
  name: string;
  /** Vertex positions, x y z per vertex, in model (world) space: node transforms already applied. */
  positions: Float32Array;
  /** Triangles as vertex indices into `positions` (polygons fan-triangulated), 3 per triangle. */
  indices: Uint32Array;
  /** Faces as the file has them (a quad counts once), before triangulation. */
  faceCount: number;
  /** The material names this mesh uses, in first-use order. */
  materials: string[];
}

/** A node of a scene graph (glTF). OBJ/STL/PLY have none. */
export interface NodeData {
  /** Unique within the model: the node's name, or `node#<index>`. */
  name: string;
  /** The names from the root down to this node, joined by `/`. */
  path: string;
  /** The name of the mesh it instances, if any. */
  mesh?: string;
  translation: Vec3;
  rotation: Quat;
  scale: Vec3;
}

export interface MaterialData {
  name: string;
  /** Scalar and colour parameters (MTL `Kd`, `Ns`…; glTF `baseColorFactor`, `metallicFactor`…). */
  properties: Record<string, number | number[] | string>;
  /** Texture references of this material: relative paths or URIs as the file writes them, `embedded:<name>` for embedded images. */
  textures: string[];
}

export interface Model {
  format: ModelFormat;
  meshes: MeshData[];
  nodes: NodeData[];
  materials: MaterialData[];
  /** Every texture reference of the model (union over materials), sorted, unique. */
  textures: string[];
  /** Other files it references (OBJ `mtllib`, glTF external buffers), sorted, unique. */
  externalFiles: string[];
  /** Totals over all meshes. */
  vertexCount: number;
  faceCount: number;
  triangleCount: number;
  /** Non-fatal problems met while reading (a missing MTL, an unsupported extension…). */
  warnings: string[];
}

/**
 * How a parser reaches a file the model references (an OBJ's MTL, a glTF's .bin buffers), by the path
 * relative to the model's folder exactly as the model writes it. Undefined when there is no such file.
 */
export type RelatedFileReader = (relativePath: string) => Promise<Buffer | undefined>;
