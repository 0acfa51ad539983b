/**
 * The significance tests behind `playtest compare`, all two-sided, all with the normal approximation:
 * - two proportions (completion rate): pooled two-proportion z-test;
 * - two distributions (session length, fps): Mann-Whitney U, with the tie correction of the variance
 *   and a continuity correction of 0.5 (the asymptotic test of R's wilcox.test and SciPy's
 *   mannwhitneyu);
 * - two event rates (deaths per level attempt): z-test for two Poisson rates with a pooled rate.
 */
import { normalSf } from '../feedback/stats.js';

export interface SignificanceResult {
  test: string;
  statistic: number;
  z: number;
  p: number;
}

function twoSided(z: number): number {
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}

/** Pooled two-proportion z-test of x1/n1 against x2/n2; null when it is undefined (n = 0, or all or none succeed). */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): SignificanceResult | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return null;
  const z = (x2 / n2 - x1 / n1) / se;
  return { test: 'two-proportion z-test', statistic: z, z, p: twoSided(z) };
}

/** Mann-Whitney U from tie groups: for each distinct value, ascending, how many of each sample have it. */
export function mannWhitneyFromGroups(groups: Iterable<readonly [number, number]>): SignificanceResult | null {
  let n1 = 0;
  let n2 = 0;
  let below2 = 0;
  let u1 = 0;
  let ties = 0;
  for (const [a, b] of groups) {
    if (a === 0 && b === 0) continue;
    u1 += a * (below2 + b / 2);
    below2 += b;
    n1 += a;
    n2 += b;
    const t = a + b;
    ties += t * t * t - t;
  }
  // u1 counts pairs where sample 2 is smaller: the U of sample 1.
  if (n1 === 0 || n2 === 0) return null;
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return null;
  const u = Math.max(u1, n1 * n2 - u1);
  const z = (u - mu - 0.5) / Math.sqrt(variance);
  const signed = u1 >= mu ? z : -z;
  return { test: 'Mann-Whitney U', statistic: u1, z: signed, p: Math.min(1, 2 * normalSf(Math.max(0, z))) };
}

/** Mann-Whitney U of two samples (U of the first). */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): SignificanceResult | null {
  const all = [...a.map((v) => [v, 0] as const), ...b.map((v) => [v, 1] as const)].sort((p, q) => p[0] - q[0]);
  const groups: [number, number][] = [];
  let last = NaN;
  for (const [v, side] of all) {
    if (v !== last || groups.length === 0) {
      groups.push([0, 0]);
      last = v;
    }
    groups[groups.length - 1]![side]++;
  }
  return mannWhitneyFromGroups(groups);
}

/** Mann-Whitney U of two histograms with the same bins (each bin one tie group). */
export function mannWhitneyFromCounts(a: ArrayLike<number>, b: ArrayLike<number>, overflowA = 0, overflowB = 0): SignificanceResult | null {
  function* groups(): Generator<readonly [number, number]> {
    for (let i = 0; i < a.length; i++) if (a[i]! > 0 || b[i]! > 0) yield [a[i]!, b[i]!];
    yield [overflowA, overflowB];
  }
  return mannWhitneyFromGroups(groups());
}

/** z-test of two Poisson rates: e1 events in exposure n1 against e2 in n2, pooled rate under the null. */
export function poissonRateTest(e1: number, n1: number, e2: number, n2: number): SignificanceResult | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (e1 + e2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 / n1 + 1 / n2));
  if (!(se > 0)) return null;
  const z = (e2 / n2 - e1 / n1) / se;
  return { test: 'Poisson rate z-test', statistic: z, z, p: twoSided(z) };
}

/** The median of a list of numbers (mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
