/**
 * Wavefront OBJ: objects (`o`) and groups (`g`) each become a mesh (faces before any of them go to a
 * default mesh; a name met again continues its mesh), `v` with optional w and vertex colours, faces in
 * every `v`, `v/vt`, `v//vn`, `v/vt/vn` form with absolute or negative (relative) indices, polygons
 * fan-triangulated, `usemtl`, `mtllib` (several per line, `\` separators accepted) read through the
 * RelatedFileReader, `\` line continuations, UTF-16 files with a byte-order mark.
 *
 * Streaming-friendly: one pass over the Buffer, numbers parsed from its bytes, geometry kept in typed
 * arrays. Vertices no face uses (point clouds, stray vertices) are kept in the default mesh so the vertex
 * count matches the file's.
 */
import type { MaterialData, MeshData, Model, RelatedFileReader } from './model.js';
import { assembleModel, uniqueName } from './assemble-model.js';
import { GrowableFloat32, GrowableUint32 } from './mesh-builder.js';
import { modelCorrupt } from './model-error.js';
import { parseMtl } from './mtl.js';
import { TextScanner, normaliseTextEncoding } from './text-scanner.js';

export interface ObjInput {
  name: string;
  data: Buffer;
  readRelated?: RelatedFileReader;
}

interface MeshState {
  /** The file's name for it; undefined for the default mesh. */
  name: string | undefined;
  triangles: GrowableUint32;
  faceCount: number;
  materials: string[];
}

interface ObjGeometry {
  positions: Float32Array;
  meshes: MeshState[];
  mtllibs: string[];
  usedMaterials: string[];
  warnings: string[];
}

const FREE_FORM = new Set(['cstype', 'deg', 'bmat', 'step', 'curv', 'curv2', 'surf', 'parm', 'trim', 'hole', 'scrv', 'sp', 'end']);

function scanGeometry(file: string, data: Buffer): ObjGeometry {
  const text = normaliseTextEncoding(data);
  const nul = text.subarray(0, 1 << 16).indexOf(0);
  if (nul >= 0) throw modelCorrupt(file, 'binary data in a text OBJ file', `byte ${nul}`);
  const scanner = new TextScanner(text, { joinContinuations: true });
  const positions = new GrowableFloat32(Math.min(1 << 20, Math.max(1024, data.length >> 3)));
  let texCoords = 0;
  let normals = 0;
  const byName = new Map<string, MeshState>();
  const order: MeshState[] = [];
  const newMesh = (name: string | undefined): MeshState => {
    const mesh: MeshState = { name, triangles: new GrowableUint32(256), faceCount: 0, materials: [] };
    order.push(mesh);
    return mesh;
  };
  const defaultMesh = newMesh(undefined);
  let current = defaultMesh;
  let currentMaterial: string | undefined;
  const mtllibs: string[] = [];
  const usedMaterials = new Set<string>();
  const warnings: string[] = [];
  let poly = new Uint32Array(64);
  const ref = new Int32Array(3);
  let lines = 0;
  let points = 0;
  let freeForm = 0;
  let shortFaces = 0;
  let badTexRefs = 0;
  let forwardLine = 0;
  let maxForward = -1;
  const useMaterial = (mesh: MeshState, material: string): void => {
    if (!mesh.materials.includes(material)) mesh.materials.push(material);
  };

  while (scanner.nextLine()) {
    const first = scanner.peek();
    if (first < 0 || first === 0x23 /* # */) continue;
    if (first === 0x76 /* v */) {
      if (scanner.keyword('v')) {
        const x = scanner.number();
        const y = scanner.number();
        const z = scanner.number();
        if (Number.isNaN(x) || Number.isNaN(y) || Number.isNaN(z)) {
          throw modelCorrupt(file, `vertex needs three numbers, found "${scanner.lineText()}"`, `line ${scanner.line}`);
        }
        positions.push3(x, y, z);
        continue;
      }
      if (scanner.keyword('vt')) {
        texCoords++;
        continue;
      }
      if (scanner.keyword('vn')) {
        normals++;
        continue;
      }
    }
    if (first === 0x66 /* f */ && scanner.keyword('f')) {
      const vertexCount = positions.length / 3;
      let n = 0;
      while (scanner.peek() >= 0) {
        if (scanner.peek() === 0x23) break;
        if (!scanner.faceRef(ref)) {
          throw modelCorrupt(file, `malformed face "${scanner.lineText()}"`, `line ${scanner.line}`);
        }
        const v = ref[0] as number;
        let index: number;
        if (v > 0) {
          index = v - 1;
          if (index >= vertexCount && index > maxForward) {
            maxForward = index;
            if (forwardLine === 0) forwardLine = scanner.line;
          }
        } else if (v < 0) {
          index = vertexCount + v;
          if (index < 0) {
            throw modelCorrupt(file, `face refers to vertex ${v}, before the first vertex`, `line ${scanner.line}`);
          }
        } else {
          throw modelCorrupt(file, 'face refers to vertex 0 (OBJ indices start at 1)', `line ${scanner.line}`);
        }
        const vt = ref[1] as number;
        const vn = ref[2] as number;
        if ((vt > texCoords || -vt > texCoords) || (vn > normals || -vn > normals)) badTexRefs++;
        if (n >= poly.length) {
          const bigger = new Uint32Array(poly.length * 2);
          bigger.set(poly);
          poly = bigger;
        }
        poly[n++] = index;
      }
      if (n < 3) {
        shortFaces++;
        continue;
      }
      const tris = current.triangles;
      const a = poly[0] as number;
      for (let i = 1; i + 1 < n; i++) tris.push3(a, poly[i] as number, poly[i + 1] as number);
      current.faceCount++;
      if (currentMaterial !== undefined) useMaterial(current, currentMaterial);
      continue;
    }
    const keyword = scanner.word();
    switch (keyword) {
      case 'o':
      case 'g': {
        const name = scanner.rest().replace(/\s+/g, ' ');
        if (name === '') {
          current = defaultMesh;
          break;
        }
        let mesh = byName.get(name);
        if (mesh === undefined) {
          mesh = newMesh(name);
          byName.set(name, mesh);
        }
        current = mesh;
        break;
      }
      case 'usemtl': {
        const material = scanner.rest();
        currentMaterial = material === '' ? undefined : material;
        if (currentMaterial !== undefined) usedMaterials.add(currentMaterial);
        break;
      }
      case 'mtllib': {
        const lib = scanner.rest();
        if (lib !== '' && !mtllibs.includes(lib)) mtllibs.push(lib);
        break;
      }
      case 'l':
        lines++;
        break;
      case 'p':
        points++;
        break;
      default:
        if (FREE_FORM.has(keyword)) freeForm++;
        break;
    }
  }
  const total = positions.length / 3;
  if (maxForward >= total) {
    throw modelCorrupt(file, `face refers to vertex ${maxForward + 1} but the file has ${total} vertices`, `line ${forwardLine}`);
  }
  if (shortFaces > 0) warnings.push(`${file}: ${shortFaces} face(s) with fewer than 3 vertices skipped`);
  if (lines > 0) warnings.push(`${file}: ${lines} line element(s) (l) not counted as faces`);
  if (points > 0) warnings.push(`${file}: ${points} point element(s) (p) not counted as faces`);
  if (freeForm > 0) warnings.push(`${file}: ${freeForm} free-form curve/surface statement(s) ignored`);
  if (badTexRefs > 0) warnings.push(`${file}: ${badTexRefs} face vertex(es) refer to a missing texture coordinate or normal`);
  return { positions: positions.view(), meshes: order, mtllibs, usedMaterials: [...usedMaterials], warnings };
}

/** Builds each mesh's own compact vertex array from the file's shared one. */
function buildMeshes(geometry: ObjGeometry): { meshes: MeshData[]; unused: number } {
  const source = geometry.positions;
  const total = source.length / 3;
  const remap = new Uint32Array(total);
  const owner = new Int32Array(total).fill(-1);
  const taken = new Set<string>();
  for (const state of geometry.meshes) if (state.name !== undefined) taken.add(state.name);
  const built: (MeshData | undefined)[] = [];
  geometry.meshes.forEach((state, meshIndex) => {
    const tris = state.triangles.view();
    if (tris.length === 0 && state.name !== undefined && state.faceCount === 0) {
      built.push(undefined);
      return;
    }
    const local = new GrowableFloat32(Math.min(tris.length, 3 << 20) + 16);
    const indices = new Uint32Array(tris.length);
    let next = 0;
    for (let i = 0; i < tris.length; i++) {
      const g = tris[i] as number;
      if (owner[g] !== meshIndex) {
        owner[g] = meshIndex;
        remap[g] = next++;
        local.push3(source[g * 3] as number, source[g * 3 + 1] as number, source[g * 3 + 2] as number);
      }
      indices[i] = remap[g] as number;
    }
    built.push({ name: state.name ?? '', positions: local.toArray(), indices, faceCount: state.faceCount, materials: state.materials });
  });
  // Vertices that no face uses: keep them in the default mesh (index 0) so vertexCount is the file's.
  let unused = 0;
  for (let g = 0; g < total; g++) if (owner[g] === -1) unused++;
  if (unused > 0) {
    const base = built[0] ?? { name: '', positions: new Float32Array(0), indices: new Uint32Array(0), faceCount: 0, materials: [] };
    const merged = new Float32Array(base.positions.length + unused * 3);
    merged.set(base.positions);
    let o = base.positions.length;
    for (let g = 0; g < total; g++) {
      if (owner[g] !== -1) continue;
      merged[o++] = source[g * 3] as number;
      merged[o++] = source[g * 3 + 1] as number;
      merged[o++] = source[g * 3 + 2] as number;
    }
    built[0] = { ...base, positions: merged };
  }
  const meshes: MeshData[] = [];
  built.forEach((mesh, i) => {
    if (mesh === undefined) return;
    if (i === 0 && mesh.positions.length === 0) return;
    if (geometry.meshes[i]?.name === undefined) mesh.name = uniqueName(`mesh#${meshes.length}`, taken);
    meshes.push(mesh);
  });
  return { meshes, unused };
}

/** The ways a `mtllib` line may name its libraries: the whole line (names with spaces), else each word. */
function libraryCandidates(line: string): string[][] {
  const words = line.split(/\s+/).filter((w) => w !== '');
  return words.length > 1 ? [[line], words] : [[line]];
}

async function readLibrary(path: string, readRelated: RelatedFileReader): Promise<{ path: string; data: Buffer } | undefined> {
  const forms = [path];
  if (path.includes('\\')) forms.push(path.replace(/\\/g, '/'));
  for (const form of forms) {
    const data = await readRelated(form);
    if (data !== undefined) return { path: form, data };
  }
  return undefined;
}

async function loadMaterials(
  file: string,
  mtllibs: string[],
  readRelated: RelatedFileReader | undefined,
  warnings: string[],
  externalFiles: string[],
): Promise<MaterialData[]> {
  const materials: MaterialData[] = [];
  const seen = new Set<string>();
  for (const line of mtllibs) {
    const candidates = libraryCandidates(line);
    if (readRelated === undefined) {
      externalFiles.push(...(candidates[candidates.length - 1] as string[]).map((p) => p.replace(/\\/g, '/')));
      continue;
    }
    let found = false;
    for (const paths of candidates) {
      const loaded: { path: string; data: Buffer }[] = [];
      const missing: string[] = [];
      for (const path of paths) {
        const lib = await readLibrary(path, readRelated);
        if (lib === undefined) missing.push(path);
        else loaded.push(lib);
      }
      if (loaded.length === 0 && paths !== candidates[candidates.length - 1]) continue;
      found = true;
      for (const lib of loaded) {
        externalFiles.push(lib.path);
        const result = parseMtl(lib.data, lib.path);
        warnings.push(...result.warnings);
        for (const material of result.materials) {
          if (seen.has(material.name)) {
            warnings.push(`${file}: material "${material.name}" defined more than once; the first definition is used`);
            continue;
          }
          seen.add(material.name);
          materials.push(material);
        }
      }
      for (const path of missing) {
        externalFiles.push(path.replace(/\\/g, '/'));
        warnings.push(`${file}: material library "${path}" not found; its materials are unknown`);
      }
      break;
    }
    if (!found) warnings.push(`${file}: material library "${line}" not found`);
  }
  return materials;
}

export async function parseObj(input: ObjInput): Promise<Model> {
  const geometry = scanGeometry(input.name, input.data);
  const { meshes } = buildMeshes(geometry);
  const warnings = [...geometry.warnings];
  const externalFiles: string[] = [];
  if (geometry.mtllibs.length > 0 && input.readRelated === undefined) {
    warnings.push(`${input.name}: material libraries not read (no access to the files next to the model)`);
  }
  const materials = await loadMaterials(input.name, geometry.mtllibs, input.readRelated, warnings, externalFiles);
  if (input.readRelated !== undefined || geometry.mtllibs.length === 0) {
    const defined = new Set(materials.map((m) => m.name));
    const undefinedUsed = geometry.usedMaterials.filter((m) => !defined.has(m));
    if (undefinedUsed.length > 0) {
      warnings.push(`${input.name}: material(s) used but not defined: ${undefinedUsed.map((m) => `"${m}"`).join(', ')}`);
    }
  }
  return assembleModel({ format: 'obj', meshes, materials, externalFiles, warnings });
}
