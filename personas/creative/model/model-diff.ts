import { createHash } from 'node:crypto';
import type { MaterialData, MeshData, Model, ModelFormat, NodeData, Quat, Vec3 } from './model.js';
import { vertexStats, type Box } from './model-bounds.js';

/**
 * What changed between two versions of a 3D model, as figures an artist or a script can read: counts,
 * bounds, centroid, which meshes, nodes and materials were added, removed, renamed or changed, texture
 * and external file references, and, when the topology is unchanged, how far the vertices moved.
 * Pure: two `Model`s in, plain JSON out (no NaN or Infinity anywhere: an absent figure is `null`).
 */

export interface CountChange {
  before: number;
  after: number;
  delta: number;
}

export interface BoxSummary {
  min: Vec3;
  max: Vec3;
  size: Vec3;
}

export interface MeshSummary {
  name: string;
  vertexCount: number;
  triangleCount: number;
  faceCount: number;
}

export interface NodeSummary {
  name: string;
  path: string;
  mesh: string | null;
}

export interface Renamed {
  from: string;
  to: string;
}

/** What differs in a mesh kept under the same name (or, for a rename, beyond its name). */
export type MeshAspect = 'vertexCount' | 'positions' | 'topology' | 'materials';

export interface RenamedMesh extends Renamed {
  /** Besides the name, what else differs (positions never do: that is what makes it a rename). */
  changes: MeshAspect[];
}

export interface Displacement {
  /** Largest distance a vertex moved, in model units. */
  max: number;
  /** Mean distance over the compared vertices (unmoved ones included). */
  mean: number;
  /** Vertices that moved further than the tolerance (0 by default: any movement at all). */
  movedVertices: number;
  /** Vertex pairs compared (pairs with a NaN or infinite coordinate are left out). */
  comparedVertices: number;
}

export interface MeshChange {
  name: string;
  changes: MeshAspect[];
  vertexCount: CountChange;
  triangleCount: CountChange;
  faceCount: CountChange;
  /** Present when the materials list changed. */
  materials?: { before: string[]; after: string[] };
  /** Present when only the positions changed (same vertex count, same triangles): per-vertex movement. */
  displacement?: Displacement;
}

export interface PropertyChange {
  name: string;
  /** `null` when the property is new in `after`. */
  before: number | number[] | string | null;
  /** `null` when the property was removed. */
  after: number | number[] | string | null;
}

export interface MaterialChange {
  name: string;
  properties: PropertyChange[];
  textures: { added: string[]; removed: string[] };
}

export interface NodeChange {
  name: string;
  path?: { before: string; after: string };
  mesh?: { before: string | null; after: string | null };
  translation?: { before: Vec3; after: Vec3; delta: Vec3; distance: number };
  /** The angle of the rotation taking the old orientation to the new one, in degrees (0 to 180). */
  rotation?: { before: Quat; after: Quat; angleDegrees: number };
  /** `ratio` is after / before per axis, `null` where the old scale was 0. */
  scale?: { before: Vec3; after: Vec3; ratio: (number | null)[] };
}

export interface ElementChanges<Item, Rename, Change> {
  added: Item[];
  removed: Item[];
  renamed: Rename[];
  changed: Change[];
}

export interface ModelDiff {
  /** True when nothing at all differs (format, geometry, names, scene graph, materials, references). */
  identical: boolean;
  format: { before: ModelFormat; after: ModelFormat; changed: boolean };
  counts: {
    vertices: CountChange;
    faces: CountChange;
    triangles: CountChange;
    meshes: CountChange;
    nodes: CountChange;
    materials: CountChange;
    /** Vertices with a NaN or infinite coordinate, left out of bounds, centroid and displacement. */
    nonFiniteVertices: CountChange;
  };
  /** Axis-aligned bounds of the finite vertices; `null` for a model with none. Deltas are after - before. */
  bounds: {
    before: BoxSummary | null;
    after: BoxSummary | null;
    minDelta: Vec3 | null;
    maxDelta: Vec3 | null;
    sizeDelta: Vec3 | null;
  };
  /**
   * The centroid is the plain mean of the finite vertex positions (every vertex weighs the same, so a
   * densely tessellated region pulls it harder than its area would). `null` for a model with no vertex.
   */
  centroid: {
    method: 'vertex-mean';
    before: Vec3 | null;
    after: Vec3 | null;
    delta: Vec3 | null;
    distance: number | null;
  };
  meshes: ElementChanges<MeshSummary, RenamedMesh, MeshChange>;
  nodes: ElementChanges<NodeSummary, Renamed, NodeChange>;
  materials: ElementChanges<string, Renamed, MaterialChange>;
  /** `Model.textures`: every texture reference of the model. */
  textures: { added: string[]; removed: string[] };
  externalFiles: { added: string[]; removed: string[] };
  /** Same mesh names, each with the same vertex count and the same triangle index array. */
  topologyMatches: boolean;
  /** Per-vertex movement over all meshes, present only when `topologyMatches`. */
  displacement: Displacement | null;
}

export interface DiffModelsOptions {
  /** A vertex counts as moved when it moved further than this, in model units (default 0). */
  tolerance?: number;
}

/** Compare two models. Linear in their size: a million vertices take a few tens of milliseconds. */
export function diffModels(a: Model, b: Model, options: DiffModelsOptions = {}): ModelDiff {
  const tolerance = options.tolerance !== undefined && options.tolerance > 0 ? options.tolerance : 0;
  const statsA = vertexStats(a.meshes);
  const statsB = vertexStats(b.meshes);
  const meshesA = keyed(a.meshes.map(fingerprintMesh));
  const meshesB = keyed(b.meshes.map(fingerprintMesh));

  const meshes = diffMeshes(meshesA, meshesB, tolerance);
  const nodes = diffNodes(keyed(a.nodes), keyed(b.nodes));
  const materials = diffMaterials(keyed(a.materials), keyed(b.materials));
  const textures = diffSets(a.textures, b.textures);
  const externalFiles = diffSets(a.externalFiles, b.externalFiles);

  const topologyMatches = sameTopology(meshesA, meshesB);
  const displacement = topologyMatches ? totalDisplacement(meshesA, meshesB, tolerance) : null;

  const counts = {
    vertices: count(a.vertexCount, b.vertexCount),
    faces: count(a.faceCount, b.faceCount),
    triangles: count(a.triangleCount, b.triangleCount),
    meshes: count(a.meshes.length, b.meshes.length),
    nodes: count(a.nodes.length, b.nodes.length),
    materials: count(a.materials.length, b.materials.length),
    nonFiniteVertices: count(statsA.nonFiniteVertices, statsB.nonFiniteVertices),
  };

  const centroidA = statsA.finiteVertices > 0 ? scale(statsA.sum, 1 / statsA.finiteVertices) : null;
  const centroidB = statsB.finiteVertices > 0 ? scale(statsB.sum, 1 / statsB.finiteVertices) : null;
  const centroidDelta = centroidA && centroidB ? sub(centroidB, centroidA) : null;
  const boxA = statsA.box ? summarize(statsA.box) : null;
  const boxB = statsB.box ? summarize(statsB.box) : null;

  const formatChanged = a.format !== b.format;
  const noElementChange = (c: ElementChanges<unknown, unknown, unknown>): boolean =>
    c.added.length === 0 && c.removed.length === 0 && c.renamed.length === 0 && c.changed.length === 0;
  const identical =
    !formatChanged &&
    Object.values(counts).every((c) => c.delta === 0) &&
    noElementChange(meshes) &&
    noElementChange(nodes) &&
    noElementChange(materials) &&
    textures.added.length + textures.removed.length === 0 &&
    externalFiles.added.length + externalFiles.removed.length === 0;

  return {
    identical,
    format: { before: a.format, after: b.format, changed: formatChanged },
    counts,
    bounds: {
      before: boxA,
      after: boxB,
      minDelta: boxA && boxB ? sub(boxB.min, boxA.min) : null,
      maxDelta: boxA && boxB ? sub(boxB.max, boxA.max) : null,
      sizeDelta: boxA && boxB ? sub(boxB.size, boxA.size) : null,
    },
    centroid: {
      method: 'vertex-mean',
      before: centroidA,
      after: centroidB,
      delta: centroidDelta,
      distance: centroidDelta ? length(centroidDelta) : null,
    },
    meshes,
    nodes,
    materials,
    textures,
    externalFiles,
    topologyMatches,
    displacement,
  };
}

// ---------------------------------------------------------------------------------------------------
// Meshes

interface MeshPrint {
  name: string;
  mesh: MeshData;
  vertexCount: number;
  triangleCount: number;
  positionsHash: string;
  indicesHash: string;
  materialsKey: string;
}

function fingerprintMesh(mesh: MeshData): MeshPrint {
  return {
    name: mesh.name,
    mesh,
    vertexCount: Math.floor(mesh.positions.length / 3),
    triangleCount: Math.floor(mesh.indices.length / 3),
    positionsHash: hashArray(mesh.positions),
    indicesHash: hashArray(mesh.indices),
    materialsKey: JSON.stringify(mesh.materials),
  };
}

/** SHA-1 of the array's bytes (about 1 GB/s: equality of large arrays without comparing them twice). */
function hashArray(array: Float32Array | Uint32Array): string {
  return createHash('sha1').update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)).digest('hex');
}

function meshSummary(p: MeshPrint): MeshSummary {
  return { name: p.name, vertexCount: p.vertexCount, triangleCount: p.triangleCount, faceCount: p.mesh.faceCount };
}

function meshAspects(x: MeshPrint, y: MeshPrint): MeshAspect[] {
  const aspects: MeshAspect[] = [];
  if (x.vertexCount !== y.vertexCount) aspects.push('vertexCount');
  if (x.positionsHash !== y.positionsHash) aspects.push('positions');
  if (x.indicesHash !== y.indicesHash) aspects.push('topology');
  if (x.materialsKey !== y.materialsKey) aspects.push('materials');
  return aspects;
}

function diffMeshes(
  before: Map<string, MeshPrint>,
  after: Map<string, MeshPrint>,
  tolerance: number,
): ElementChanges<MeshSummary, RenamedMesh, MeshChange> {
  const changed: MeshChange[] = [];
  for (const [name, x] of before) {
    const y = after.get(name);
    if (!y) continue;
    const changes = meshAspects(x, y);
    if (changes.length === 0 && x.mesh.faceCount === y.mesh.faceCount) continue;
    const change: MeshChange = {
      name,
      changes,
      vertexCount: count(x.vertexCount, y.vertexCount),
      triangleCount: count(x.triangleCount, y.triangleCount),
      faceCount: count(x.mesh.faceCount, y.mesh.faceCount),
    };
    if (changes.includes('materials')) change.materials = { before: [...x.mesh.materials], after: [...y.mesh.materials] };
    if (changes.includes('positions') && !changes.includes('vertexCount') && !changes.includes('topology')) {
      change.displacement = displacement([[x.mesh.positions, y.mesh.positions]], tolerance);
    }
    changed.push(change);
  }
  const { added, removed, renamed } = matchRenames(before, after, (p) => `${p.vertexCount}:${p.positionsHash}`);
  return {
    added: added.map(meshSummary),
    removed: removed.map(meshSummary),
    renamed: renamed.map(([x, y]) => ({ from: x.name, to: y.name, changes: meshAspects(x, y) })),
    changed,
  };
}

function sameTopology(before: Map<string, MeshPrint>, after: Map<string, MeshPrint>): boolean {
  if (before.size !== after.size) return false;
  for (const [name, x] of before) {
    const y = after.get(name);
    if (!y || x.vertexCount !== y.vertexCount || x.indicesHash !== y.indicesHash) return false;
  }
  return true;
}

function totalDisplacement(before: Map<string, MeshPrint>, after: Map<string, MeshPrint>, tolerance: number): Displacement {
  const pairs: [Float32Array, Float32Array][] = [];
  for (const [name, x] of before) {
    const y = after.get(name);
    if (y) pairs.push([x.mesh.positions, y.mesh.positions]);
  }
  return displacement(pairs, tolerance);
}

/** Vertex i of one array against vertex i of the other, in double precision. */
function displacement(pairs: [Float32Array, Float32Array][], tolerance: number): Displacement {
  let max = 0, sum = 0, moved = 0, compared = 0;
  for (const [p, q] of pairs) {
    const n = Math.min(p.length, q.length) - (Math.min(p.length, q.length) % 3);
    for (let i = 0; i < n; i += 3) {
      const dx = q[i]! - p[i]!, dy = q[i + 1]! - p[i + 1]!, dz = q[i + 2]! - p[i + 2]!;
      const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (d - d !== 0) continue; // a NaN or infinite coordinate on either side
      compared++;
      sum += d;
      if (d > max) max = d;
      if (d > tolerance) moved++;
    }
  }
  return { max, mean: compared > 0 ? sum / compared : 0, movedVertices: moved, comparedVertices: compared };
}

// ---------------------------------------------------------------------------------------------------
// Nodes

function nodeSummary(n: NodeData): NodeSummary {
  return { name: n.name, path: n.path, mesh: n.mesh ?? null };
}

function nodeContentKey(n: NodeData): string {
  return JSON.stringify([n.mesh ?? null, n.translation, n.rotation, n.scale]);
}

function diffNodes(before: Map<string, NodeData>, after: Map<string, NodeData>): ElementChanges<NodeSummary, Renamed, NodeChange> {
  const changed: NodeChange[] = [];
  for (const [name, x] of before) {
    const y = after.get(name);
    if (!y) continue;
    const change: NodeChange = { name };
    let any = false;
    if (x.path !== y.path) {
      change.path = { before: x.path, after: y.path };
      any = true;
    }
    if ((x.mesh ?? null) !== (y.mesh ?? null)) {
      change.mesh = { before: x.mesh ?? null, after: y.mesh ?? null };
      any = true;
    }
    if (!sameNumbers(x.translation, y.translation)) {
      const delta = sub(y.translation, x.translation);
      change.translation = { before: [...x.translation], after: [...y.translation], delta, distance: finiteOr0(length(delta)) };
      any = true;
    }
    if (!sameNumbers(x.rotation, y.rotation)) {
      change.rotation = { before: [...x.rotation], after: [...y.rotation], angleDegrees: rotationAngle(x.rotation, y.rotation) };
      any = true;
    }
    if (!sameNumbers(x.scale, y.scale)) {
      const ratio = y.scale.map((s, i) => {
        const r = s / x.scale[i]!;
        return Number.isFinite(r) ? r : null;
      });
      change.scale = { before: [...x.scale], after: [...y.scale], ratio };
      any = true;
    }
    if (any) changed.push(change);
  }
  const { added, removed, renamed } = matchRenames(before, after, nodeContentKey);
  return {
    added: added.map(nodeSummary),
    removed: removed.map(nodeSummary),
    renamed: renamed.map(([x, y]) => ({ from: x.name, to: y.name })),
    changed,
  };
}

/** The angle between two orientations: 2·acos(|q1·q2|) for unit quaternions, in degrees. */
function rotationAngle(q1: Quat, q2: Quat): number {
  const n1 = Math.hypot(...q1), n2 = Math.hypot(...q2);
  if (!(n1 > 0) || !(n2 > 0) || !Number.isFinite(n1) || !Number.isFinite(n2)) return 0;
  const dot = Math.abs(q1[0] * q2[0] + q1[1] * q2[1] + q1[2] * q2[2] + q1[3] * q2[3]) / (n1 * n2);
  return (2 * Math.acos(Math.min(1, dot)) * 180) / Math.PI;
}

// ---------------------------------------------------------------------------------------------------
// Materials

function materialContentKey(m: MaterialData): string {
  const properties = Object.keys(m.properties).sort().map((k) => [k, m.properties[k]]);
  return JSON.stringify([properties, [...m.textures].sort()]);
}

function diffMaterials(before: Map<string, MaterialData>, after: Map<string, MaterialData>): ElementChanges<string, Renamed, MaterialChange> {
  const changed: MaterialChange[] = [];
  for (const [name, x] of before) {
    const y = after.get(name);
    if (!y) continue;
    const properties: PropertyChange[] = [];
    const keys = [...new Set([...Object.keys(x.properties), ...Object.keys(y.properties)])].sort();
    for (const key of keys) {
      const vx = Object.hasOwn(x.properties, key) ? x.properties[key]! : null;
      const vy = Object.hasOwn(y.properties, key) ? y.properties[key]! : null;
      if (!sameValue(vx, vy)) properties.push({ name: key, before: copyValue(vx), after: copyValue(vy) });
    }
    const textures = diffSets(x.textures, y.textures);
    if (properties.length > 0 || textures.added.length > 0 || textures.removed.length > 0) {
      changed.push({ name, properties, textures });
    }
  }
  const { added, removed, renamed } = matchRenames(before, after, materialContentKey);
  return {
    added: added.map((m) => m.name),
    removed: removed.map((m) => m.name),
    renamed: renamed.map(([x, y]) => ({ from: x.name, to: y.name })),
    changed,
  };
}

type PropertyValue = number | number[] | string | null;

function sameValue(x: PropertyValue, y: PropertyValue): boolean {
  if (Array.isArray(x) && Array.isArray(y)) return sameNumbers(x, y);
  return x === y;
}

function copyValue(v: PropertyValue): PropertyValue {
  return Array.isArray(v) ? [...v] : v;
}

// ---------------------------------------------------------------------------------------------------
// Shared helpers

/** Elements by name. Names are unique by contract; a repeated one is kept apart as `name (2)`, `name (3)`… */
function keyed<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    let key = item.name;
    for (let i = 2; map.has(key); i++) key = `${item.name} (${i})`;
    map.set(key, key === item.name ? item : { ...item, name: key });
  }
  return map;
}

/**
 * Names only in `before` are removed, names only in `after` added, except that a removed and an added
 * element with the same content key are paired as a rename (one to one, in order).
 */
function matchRenames<T>(
  before: Map<string, T>,
  after: Map<string, T>,
  contentKey: (item: T) => string,
): { added: T[]; removed: T[]; renamed: [T, T][] } {
  const removedByKey = new Map<string, T[]>();
  const removedOrder: T[] = [];
  for (const [name, item] of before) {
    if (after.has(name)) continue;
    removedOrder.push(item);
    const key = contentKey(item);
    const list = removedByKey.get(key);
    if (list) list.push(item);
    else removedByKey.set(key, [item]);
  }
  const added: T[] = [];
  const renamed: [T, T][] = [];
  const paired = new Set<T>();
  for (const [name, item] of after) {
    if (before.has(name)) continue;
    const candidate = removedByKey.get(contentKey(item))?.shift();
    if (candidate !== undefined) {
      renamed.push([candidate, item]);
      paired.add(candidate);
    } else {
      added.push(item);
    }
  }
  return { added, removed: removedOrder.filter((item) => !paired.has(item)), renamed };
}

function diffSets(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const x = new Set(before), y = new Set(after);
  return {
    added: [...y].filter((s) => !x.has(s)).sort(),
    removed: [...x].filter((s) => !y.has(s)).sort(),
  };
}

function count(before: number, after: number): CountChange {
  return { before, after, delta: after - before };
}

function summarize(box: Box): BoxSummary {
  return { min: [...box.min], max: [...box.max], size: sub(box.max, box.min) };
}

function sameNumbers(x: readonly number[], y: readonly number[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i]) && x[i] !== y[i]) return false;
  return true;
}

function sub(x: Vec3, y: Vec3): Vec3 {
  return [x[0] - y[0], x[1] - y[1], x[2] - y[2]];
}

function scale(v: Vec3, k: number): Vec3 {
  return [v[0] * k, v[1] * k, v[2] * k];
}

function length(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}

function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0;
}
