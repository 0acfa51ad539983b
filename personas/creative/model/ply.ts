/**
 * PLY (Stanford polygon files): ASCII, binary_little_endian and binary_big_endian. Reads vertex x y z
 * of any numeric type and the face list `vertex_indices` (or `vertex_index`) with any count and index
 * types, fan-triangulating polygons; every other element and property is skipped by its declared layout.
 * Counts in the header are checked against the data size before anything is allocated.
 */
import type { Model } from './model.js';
import { assembleModel } from './assemble-model.js';
import { GrowableUint32 } from './mesh-builder.js';
import { modelCorrupt, modelUnsupported } from './model-error.js';
import { TextScanner } from './text-scanner.js';

type ScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const TYPES: Record<string, ScalarType> = {
  char: 'int8', int8: 'int8', uchar: 'uint8', uint8: 'uint8',
  short: 'int16', int16: 'int16', ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32', uint: 'uint32', uint32: 'uint32',
  float: 'float32', float32: 'float32', double: 'float64', float64: 'float64',
};

const SIZE: Record<ScalarType, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };

interface Property {
  name: string;
  type: ScalarType;
  /** For list properties, the type of the count. */
  countType?: ScalarType;
}

interface Element {
  name: string;
  count: number;
  properties: Property[];
}

type Encoding = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

interface Header {
  encoding: Encoding;
  elements: Element[];
  dataOffset: number;
  warnings: string[];
}

function parseHeader(file: string, data: Buffer): Header {
  const marker = /end_header[ \t]*\r?\n/g;
  const text = data.toString('latin1', 0, Math.min(data.length, 1 << 20));
  const match = marker.exec(text);
  if (match === null) {
    if (data.length === 0) throw modelCorrupt(file, 'file is empty');
    throw modelCorrupt(file, 'PLY header has no end_header line (truncated or not a PLY file)');
  }
  const dataOffset = match.index + match[0].length;
  const lines = text.slice(0, match.index).split(/\r?\n/);
  if ((lines[0] ?? '').trim() !== 'ply') throw modelCorrupt(file, 'PLY file does not start with "ply"', 'line 1');
  let encoding: Encoding | undefined;
  const elements: Element[] = [];
  const warnings: string[] = [];
  let odd = 0;
  lines.forEach((raw, i) => {
    if (i === 0) return;
    const words = raw.trim().split(/\s+/).filter((w) => w !== '');
    const keyword = words[0];
    const where = `line ${i + 1}`;
    if (keyword === undefined || keyword === 'comment' || keyword === 'obj_info') return;
    if (keyword === 'format') {
      const value = words[1];
      if (value !== 'ascii' && value !== 'binary_little_endian' && value !== 'binary_big_endian') {
        throw modelUnsupported(file, `unknown PLY format "${value ?? ''}"`);
      }
      if (words[2] !== undefined && !words[2].startsWith('1.')) throw modelUnsupported(file, `PLY version ${words[2]} is not supported`);
      encoding = value;
      return;
    }
    if (keyword === 'element') {
      const count = Number(words[2]);
      if (words[1] === undefined || !Number.isSafeInteger(count) || count < 0) {
        throw modelCorrupt(file, `malformed element declaration "${raw.trim()}"`, where);
      }
      elements.push({ name: words[1], count, properties: [] });
      return;
    }
    if (keyword === 'property') {
      const element = elements[elements.length - 1];
      if (element === undefined) throw modelCorrupt(file, 'property before any element', where);
      if (words[1] === 'list') {
        const countType = TYPES[words[2] ?? ''];
        const type = TYPES[words[3] ?? ''];
        if (countType === undefined || type === undefined || words[4] === undefined) {
          throw modelCorrupt(file, `malformed list property "${raw.trim()}"`, where);
        }
        element.properties.push({ name: words[4], type, countType });
        return;
      }
      const type = TYPES[words[1] ?? ''];
      if (type === undefined || words[2] === undefined) throw modelCorrupt(file, `malformed property "${raw.trim()}"`, where);
      element.properties.push({ name: words[2], type });
      return;
    }
    odd++;
  });
  if (encoding === undefined) throw modelCorrupt(file, 'PLY header has no format line');
  if (odd > 0) warnings.push(`${file}: ${odd} unrecognised PLY header line(s) ignored`);
  return { encoding, elements, dataOffset, warnings };
}

/** Where the vertex positions and face lists are among an element's properties. */
interface Roles {
  xyz: [number, number, number] | undefined;
  faceList: number;
}

function rolesOf(file: string, element: Element): Roles {
  if (element.name === 'vertex') {
    const find = (n: string): number => element.properties.findIndex((p) => p.name === n && p.countType === undefined);
    const xyz: [number, number, number] = [find('x'), find('y'), find('z')];
    if (xyz.some((i) => i < 0) && element.count > 0) throw modelCorrupt(file, 'PLY vertex element has no x, y and z properties');
    return { xyz, faceList: -1 };
  }
  if (element.name === 'face') {
    const faceList = element.properties.findIndex(
      (p) => p.countType !== undefined && (p.name === 'vertex_indices' || p.name === 'vertex_index'),
    );
    return { xyz: undefined, faceList };
  }
  return { xyz: undefined, faceList: -1 };
}

interface Geometry {
  positions: Float32Array | undefined;
  triangles: GrowableUint32;
  faces: number;
  maxIndex: number;
  minIndex: number;
}

function readBinary(file: string, data: Buffer, header: Header, geometry: Geometry): void {
  const little = header.encoding === 'binary_little_endian';
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = header.dataOffset;
  const end = data.length;
  const read = (type: ScalarType): number => {
    switch (type) {
      case 'int8': return view.getInt8(offset);
      case 'uint8': return view.getUint8(offset);
      case 'int16': return view.getInt16(offset, little);
      case 'uint16': return view.getUint16(offset, little);
      case 'int32': return view.getInt32(offset, little);
      case 'uint32': return view.getUint32(offset, little);
      case 'float32': return view.getFloat32(offset, little);
      case 'float64': return view.getFloat64(offset, little);
    }
  };
  const truncated = (element: Element, index: number): Error =>
    modelCorrupt(file, `PLY data ends inside ${element.name} ${index} of ${element.count} (truncated?)`, `byte ${offset}`);
  let poly = new Uint32Array(16);
  for (const element of header.elements) {
    const minSize = element.properties.reduce((sum, p) => sum + SIZE[p.countType ?? p.type], 0);
    if (minSize * element.count > end - offset) {
      throw modelCorrupt(file, `PLY header announces ${element.count} ${element.name} elements, more than the ${end - offset} bytes left can hold`, `byte ${offset}`);
    }
    const roles = rolesOf(file, element);
    const fixedSize = element.properties.every((p) => p.countType === undefined) ? minSize : -1;
    if (roles.xyz === undefined && roles.faceList < 0 && fixedSize >= 0) {
      offset += fixedSize * element.count;
      continue;
    }
    const positions = roles.xyz !== undefined ? new Float32Array(element.count * 3) : undefined;
    const xyz = roles.xyz;
    for (let e = 0; e < element.count; e++) {
      for (let k = 0; k < element.properties.length; k++) {
        const property = element.properties[k] as Property;
        if (property.countType === undefined) {
          const size = SIZE[property.type];
          if (offset + size > end) throw truncated(element, e);
          if (positions !== undefined && xyz !== undefined) {
            if (k === xyz[0]) positions[e * 3] = read(property.type);
            else if (k === xyz[1]) positions[e * 3 + 1] = read(property.type);
            else if (k === xyz[2]) positions[e * 3 + 2] = read(property.type);
          }
          offset += size;
          continue;
        }
        const countSize = SIZE[property.countType];
        if (offset + countSize > end) throw truncated(element, e);
        const n = read(property.countType);
        offset += countSize;
        const itemSize = SIZE[property.type];
        if (!Number.isInteger(n) || n < 0 || offset + n * itemSize > end) throw truncated(element, e);
        if (k !== roles.faceList) {
          offset += n * itemSize;
          continue;
        }
        if (n > poly.length) poly = new Uint32Array(Math.max(n, poly.length * 2));
        for (let i = 0; i < n; i++) {
          const index = read(property.type);
          offset += itemSize;
          if (index < geometry.minIndex) geometry.minIndex = index;
          if (index > geometry.maxIndex) geometry.maxIndex = index;
          poly[i] = index < 0 ? 0 : index;
        }
        addPolygon(geometry, poly, n);
      }
    }
    if (positions !== undefined) geometry.positions = positions;
  }
  if (offset < end) header.warnings.push(`${file}: ${end - offset} bytes after the last PLY element ignored`);
}

function addPolygon(geometry: Geometry, poly: Uint32Array, n: number): void {
  if (n < 3) return;
  const a = poly[0] as number;
  for (let i = 1; i + 1 < n; i++) geometry.triangles.push3(a, poly[i] as number, poly[i + 1] as number);
  geometry.faces++;
}

function readAscii(file: string, data: Buffer, header: Header, geometry: Geometry): void {
  const scanner = new TextScanner(data.subarray(header.dataOffset));
  const headerLines = data.toString('latin1', 0, header.dataOffset).split('\n').length - 1;
  const where = (): string => `line ${headerLines + scanner.line}`;
  let poly = new Uint32Array(16);
  for (const element of header.elements) {
    const remaining = data.length - header.dataOffset;
    if (element.count > remaining) {
      throw modelCorrupt(file, `PLY header announces ${element.count} ${element.name} elements, more than the file's ${remaining} bytes of data can hold`);
    }
    const roles = rolesOf(file, element);
    const positions = roles.xyz !== undefined ? new Float32Array(element.count * 3) : undefined;
    const xyz = roles.xyz;
    for (let e = 0; e < element.count; e++) {
      do {
        if (!scanner.nextLine()) {
          throw modelCorrupt(file, `PLY data ends inside ${element.name} ${e} of ${element.count} (truncated?)`, where());
        }
      } while (scanner.atEnd());
      for (let k = 0; k < element.properties.length; k++) {
        const property = element.properties[k] as Property;
        if (property.countType === undefined) {
          const value = scanner.number();
          if (Number.isNaN(value) && scanner.atEnd()) {
            throw modelCorrupt(file, `${element.name} ${e} has too few values for its ${element.properties.length} properties`, where());
          }
          if (positions !== undefined && xyz !== undefined) {
            if (k === xyz[0]) positions[e * 3] = value;
            else if (k === xyz[1]) positions[e * 3 + 1] = value;
            else if (k === xyz[2]) positions[e * 3 + 2] = value;
          }
          continue;
        }
        const n = scanner.number();
        if (!Number.isInteger(n) || n < 0 || n > scanner.end - scanner.pos) {
          throw modelCorrupt(file, `${element.name} ${e}: malformed list "${scanner.lineText().slice(0, 60)}"`, where());
        }
        if (n > poly.length) poly = new Uint32Array(Math.max(n, poly.length * 2));
        for (let i = 0; i < n; i++) {
          const index = scanner.number();
          if (Number.isNaN(index)) {
            throw modelCorrupt(file, `${element.name} ${e}: list announces ${n} values but has fewer`, where());
          }
          if (k === roles.faceList) {
            if (index < geometry.minIndex) geometry.minIndex = index;
            if (index > geometry.maxIndex) geometry.maxIndex = index;
            poly[i] = index < 0 ? 0 : index;
          }
        }
        if (k === roles.faceList) addPolygon(geometry, poly, n);
      }
      if (!scanner.atEnd()) {
        throw modelCorrupt(file, `${element.name} ${e} has more values than its ${element.properties.length} properties`, where());
      }
    }
    if (positions !== undefined) geometry.positions = positions;
  }
}

export function parsePly(input: { name: string; data: Buffer }): Model {
  const { name, data } = input;
  const header = parseHeader(name, data);
  const geometry: Geometry = { positions: undefined, triangles: new GrowableUint32(1024), faces: 0, maxIndex: -1, minIndex: 0 };
  if (header.encoding === 'ascii') readAscii(name, data, header, geometry);
  else readBinary(name, data, header, geometry);
  const positions = geometry.positions ?? new Float32Array(0);
  const vertexCount = positions.length / 3;
  if (geometry.minIndex < 0) throw modelCorrupt(name, `a face refers to vertex ${geometry.minIndex}`);
  if (geometry.maxIndex >= vertexCount) {
    throw modelCorrupt(name, `a face refers to vertex ${geometry.maxIndex} but the file has ${vertexCount} vertices`);
  }
  const warnings = header.warnings;
  const skipped = header.elements.filter((e) => e.name !== 'vertex' && e.name !== 'face' && e.count > 0).map((e) => e.name);
  if (skipped.includes('tristrips')) warnings.push(`${name}: tristrips element not read (faces are read from the face element only)`);
  const face = header.elements.find((e) => e.name === 'face');
  if (face !== undefined && face.count > 0 && rolesOf(name, face).faceList < 0) {
    warnings.push(`${name}: face element has no vertex_indices list; faces not read`);
  }
  return assembleModel({
    format: 'ply',
    meshes: [{ name: 'mesh#0', positions, indices: geometry.triangles.toArray(), faceCount: geometry.faces, materials: [] }],
    warnings,
  });
}
