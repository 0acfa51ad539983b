/**
 * A fixed-resolution histogram of non-negative values (fps, frame times): values are kept to
 * `resolution` (0.1 by default) up to `limit`, larger ones in one overflow bin (their largest value
 * is kept). Percentiles and rank tests run on it in constant memory, whatever the sample count.
 */

export interface HistogramBin {
  from: number;
  /** Exclusive upper edge; null for the last, open bin. */
  to: number | null;
  count: number;
}

export interface DistributionSummary {
  samples: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  p5: number | null;
  p50: number | null;
  p95: number | null;
  histogram: HistogramBin[];
}

export class FineHistogram {
  readonly counts: Float64Array;
  overflow = 0;
  samples = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(
    readonly resolution = 0.1,
    readonly limit = 1000,
  ) {
    this.counts = new Float64Array(Math.round(limit / resolution));
  }

  /** The bin of a value (values are quantised down to the resolution). */
  binOf(v: number): number {
    return Math.floor(v / this.resolution + 1e-9);
  }

  add(v: number): void {
    if (!(v >= 0) || !Number.isFinite(v)) return;
    this.samples++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    const b = this.binOf(v);
    if (b < this.counts.length) this.counts[b]!++;
    else this.overflow++;
  }

  merge(other: FineHistogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.overflow += other.overflow;
    this.samples += other.samples;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** The value of bin i (its lower edge, rounded to the resolution's digits). */
  value(i: number): number {
    return Number((i * this.resolution).toFixed(6));
  }

  /** Nearest-rank percentile (p in 0..100) of the quantised values; null without samples. */
  percentile(p: number): number | null {
    if (this.samples === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.samples));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return this.value(i);
    }
    return this.max;
  }

  /** Counts in coarser bins with the given edges (the last bin is open). */
  bins(edges: readonly number[]): HistogramBin[] {
    const out: HistogramBin[] = edges.map((from, i) => ({ from, to: i + 1 < edges.length ? edges[i + 1]! : null, count: 0 }));
    const add = (v: number, n: number): void => {
      let k = out.length - 1;
      while (k > 0 && v < out[k]!.from) k--;
      out[k]!.count += n;
    };
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]! > 0) add(i * this.resolution + this.resolution / 2, this.counts[i]!);
    if (this.overflow > 0) add(this.limit, this.overflow);
    return out;
  }

  summary(edges: readonly number[]): DistributionSummary {
    const none = this.samples === 0;
    const r3 = (v: number): number => Number(v.toFixed(3));
    // A percentile is its bin's lower edge, kept within the observed range.
    const pct = (p: number): number | null => {
      const v = this.percentile(p);
      return v === null ? null : r3(Math.min(this.max, Math.max(this.min, v)));
    };
    return {
      samples: this.samples,
      min: none ? null : r3(this.min),
      max: none ? null : r3(this.max),
      mean: none ? null : r3(this.sum / this.samples),
      p5: pct(5),
      p50: pct(50),
      p95: pct(95),
      histogram: this.bins(edges),
    };
  }
}

/** Display bins: fps in steps of 10 up to 120; frame times around the 60, 30 and 20 fps budgets. */
export const FPS_EDGES = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120] as const;
export const FRAME_MS_EDGES = [0, 8.3, 16.7, 33.3, 50, 100] as const;
