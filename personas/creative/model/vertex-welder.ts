/**
 * Welds exactly equal vertex positions into one vertex, with an open-addressing hash table over the
 * float32 bit patterns (no per-vertex objects or strings): STL stores every triangle's corners apart,
 * and welding them makes vertex counts meaningful and lets topology be compared.
 */
import { GrowableFloat32 } from './mesh-builder.js';

export class VertexWelder {
  readonly positions: GrowableFloat32;
  private table: Int32Array;
  private mask: number;
  private count = 0;
  private readonly scratch = new Float32Array(3);
  private readonly bits = new Uint32Array(this.scratch.buffer);

  constructor(expectedVertices = 1024) {
    let size = 1024;
    while (size < expectedVertices * 2) size *= 2;
    this.table = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.positions = new GrowableFloat32(Math.max(16, expectedVertices * 3));
  }

  get vertexCount(): number {
    return this.count;
  }

  private hash(): number {
    const b = this.bits;
    let h = Math.imul((b[0] as number) ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (b[1] as number) ^ (h >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ (b[2] as number) ^ (h >>> 16), 0x27d4eb2f);
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** The index of the vertex at x y z, adding it if new. -0 and 0 are the same position. */
  add(x: number, y: number, z: number): number {
    const s = this.scratch;
    s[0] = x + 0;
    s[1] = y + 0;
    s[2] = z + 0;
    const fx = s[0] as number;
    const fy = s[1] as number;
    const fz = s[2] as number;
    const positions = this.positions;
    let slot = this.hash();
    for (;;) {
      const existing = this.table[slot] as number;
      if (existing < 0) break;
      const p = existing * 3;
      if (positions.get(p) === fx && positions.get(p + 1) === fy && positions.get(p + 2) === fz) return existing;
      slot = (slot + 1) & this.mask;
    }
    const index = this.count++;
    this.table[slot] = index;
    positions.push3(fx, fy, fz);
    if (this.count * 2 > this.table.length) this.rehash();
    return index;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    const s = this.scratch;
    for (let i = 0; i < this.count; i++) {
      s[0] = this.positions.get(i * 3);
      s[1] = this.positions.get(i * 3 + 1);
      s[2] = this.positions.get(i * 3 + 2);
      let slot = this.hash();
      while ((this.table[slot] as number) >= 0) slot = (slot + 1) & this.mask;
      this.table[slot] = i;
    }
  }
}
