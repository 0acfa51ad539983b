/**
 * STL, ASCII and binary. Binary is recognised by its size (84 + 50 × triangle count), since binary
 * files may start with `solid` too. Each ASCII `solid` is a mesh named after it; a binary file is one
 * mesh named from its 80-byte header. Faces are the triangles; equal corner positions are welded so the
 * vertex count is the model's, not three per triangle.
 */
import type { MeshData, Model } from './model.js';
import { assembleModel, uniqueName } from './assemble-model.js';
import { GrowableUint32 } from './mesh-builder.js';
import { modelCorrupt } from './model-error.js';
import { isBinaryStl } from './model-formats.js';
import { TextScanner, normaliseTextEncoding } from './text-scanner.js';
import { VertexWelder } from './vertex-welder.js';

const HEADER = 80;
const TRIANGLE = 50;

function headerName(data: Buffer): string {
  let end = data.indexOf(0);
  if (end < 0 || end > HEADER) end = HEADER;
  let text = data.toString('latin1', 0, end).replace(/[^\x20-\x7e]/g, ' ').trim();
  if (/^solid\b/i.test(text)) text = text.slice(5).trim();
  return text;
}

function parseBinary(file: string, data: Buffer): { meshes: MeshData[]; warnings: string[] } {
  if (data.length < HEADER + 4) {
    throw modelCorrupt(file, `binary STL is ${data.length} bytes, shorter than its 84-byte header`);
  }
  const count = data.readUInt32LE(HEADER);
  const needed = HEADER + 4 + TRIANGLE * count;
  if (needed > data.length) {
    throw modelCorrupt(file, `binary STL header announces ${count} triangles (${needed} bytes) but the file has ${data.length} bytes`, 'byte 80', {
      triangles: count,
    });
  }
  const warnings: string[] = [];
  if (needed < data.length) warnings.push(`${file}: ${data.length - needed} bytes after the last triangle ignored`);
  const welder = new VertexWelder(Math.ceil(count / 2) + 16);
  const indices = new GrowableUint32(count * 3 + 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = HEADER + 4;
  for (let t = 0; t < count; t++) {
    let p = offset + 12;
    for (let k = 0; k < 3; k++) {
      indices.push(welder.add(view.getFloat32(p, true), view.getFloat32(p + 4, true), view.getFloat32(p + 8, true)));
      p += 12;
    }
    offset += TRIANGLE;
  }
  const name = headerName(data) || 'solid#0';
  return {
    meshes: [{ name, positions: welder.positions.toArray(), indices: indices.toArray(), faceCount: count, materials: [] }],
    warnings,
  };
}

interface SolidState {
  name: string;
  welder: VertexWelder;
  indices: GrowableUint32;
  faces: number;
}

function parseAscii(file: string, data: Buffer): { meshes: MeshData[]; warnings: string[] } {
  const scanner = new TextScanner(normaliseTextEncoding(data));
  const meshes: MeshData[] = [];
  const warnings: string[] = [];
  const taken = new Set<string>();
  const expected = Math.max(64, Math.floor(data.length / 250));
  let solid: SolidState | undefined;
  let inFacet = false;
  let facetLine = 0;
  const corner: number[] = [];
  let shortFacets = 0;
  const finish = (s: SolidState): void => {
    meshes.push({
      name: uniqueName(s.name || `solid#${meshes.length}`, taken),
      positions: s.welder.positions.toArray(),
      indices: s.indices.toArray(),
      faceCount: s.faces,
      materials: [],
    });
  };
  const vertex = (): void => {
    if (!inFacet || solid === undefined) throw modelCorrupt(file, 'vertex outside a facet', `line ${scanner.line}`);
    const x = scanner.number();
    const y = scanner.number();
    const z = scanner.number();
    if (Number.isNaN(x) || Number.isNaN(y) || Number.isNaN(z)) {
      throw modelCorrupt(file, `vertex needs three numbers, found "${scanner.lineText()}"`, `line ${scanner.line}`);
    }
    corner.push(solid.welder.add(x, y, z));
  };
  while (scanner.nextLine()) {
    if (scanner.keyword('vertex')) {
      vertex();
      continue;
    }
    const keyword = scanner.word().toLowerCase();
    switch (keyword) {
      case 'vertex':
        vertex();
        break;
      case '':
      case 'outer':
      case 'endloop':
        break;
      case 'solid':
        if (solid !== undefined) throw modelCorrupt(file, 'solid inside another solid (missing endsolid)', `line ${scanner.line}`);
        solid = { name: scanner.rest(), welder: new VertexWelder(expected), indices: new GrowableUint32(expected * 2), faces: 0 };
        break;
      case 'facet':
        if (solid === undefined) throw modelCorrupt(file, 'facet outside a solid', `line ${scanner.line}`);
        if (inFacet) throw modelCorrupt(file, 'facet inside another facet (missing endfacet)', `line ${scanner.line}`);
        inFacet = true;
        facetLine = scanner.line;
        corner.length = 0;
        break;
      case 'endfacet':
        if (!inFacet || solid === undefined) throw modelCorrupt(file, 'endfacet without facet', `line ${scanner.line}`);
        inFacet = false;
        if (corner.length < 3) {
          shortFacets++;
          break;
        }
        for (let i = 1; i + 1 < corner.length; i++) solid.indices.push3(corner[0] as number, corner[i] as number, corner[i + 1] as number);
        solid.faces++;
        break;
      case 'endsolid':
        if (solid === undefined) throw modelCorrupt(file, 'endsolid without solid', `line ${scanner.line}`);
        if (inFacet) throw modelCorrupt(file, 'endsolid inside a facet', `line ${scanner.line}`);
        finish(solid);
        solid = undefined;
        break;
      default:
        throw modelCorrupt(file, `unexpected "${keyword.slice(0, 40)}" in ASCII STL`, `line ${scanner.line}`);
    }
  }
  if (inFacet) throw modelCorrupt(file, 'ends inside a facet (truncated?)', `line ${facetLine}`);
  if (solid !== undefined) {
    warnings.push(`${file}: no endsolid at the end (the file may be truncated)`);
    finish(solid);
  }
  if (meshes.length === 0) throw modelCorrupt(file, 'no solid in ASCII STL');
  if (shortFacets > 0) warnings.push(`${file}: ${shortFacets} facet(s) with fewer than 3 vertices skipped`);
  return { meshes, warnings };
}

export function parseStl(input: { name: string; data: Buffer }): Model {
  const { name, data } = input;
  if (data.length === 0) throw modelCorrupt(name, 'file is empty');
  const { meshes, warnings } = isBinaryStl(data) ? parseBinary(name, data) : parseAscii(name, data);
  return assembleModel({ format: 'stl', meshes, warnings });
}
