/**
 * Growable typed arrays for the parsers: amortised doubling, no per-element objects, trimmed to an
 * exact-length copy at the end.
 */
export class GrowableFloat32 {
  private data: Float32Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Float32Array(Math.max(initial, 16));
  }

  push3(x: number, y: number, z: number): void {
    if (this.length + 3 > this.data.length) this.grow(this.length + 3);
    const d = this.data;
    d[this.length] = x;
    d[this.length + 1] = y;
    d[this.length + 2] = z;
    this.length += 3;
  }

  get(i: number): number {
    return this.data[i] as number;
  }

  private grow(min: number): void {
    const next = new Float32Array(Math.max(min, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** An exact-length copy. */
  toArray(): Float32Array {
    return this.data.slice(0, this.length);
  }

  /** The backing storage, valid up to `length` (no copy). */
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowableUint32 {
  private data: Uint32Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Uint32Array(Math.max(initial, 16));
  }

  push(v: number): void {
    if (this.length >= this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }

  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.grow(this.length + 3);
    const d = this.data;
    d[this.length] = a;
    d[this.length + 1] = b;
    d[this.length + 2] = c;
    this.length += 3;
  }

  private grow(min: number): void {
    const next = new Uint32Array(Math.max(min, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }

  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Fan-triangulates a polygon of `n` vertices given as indices in `poly[0..n)` into `out`. */
export function fanTriangulate(poly: ArrayLike<number>, n: number, out: GrowableUint32): void {
  const first = poly[0] as number;
  for (let i = 1; i + 1 < n; i++) out.push3(first, poly[i] as number, poly[i + 1] as number);
}
