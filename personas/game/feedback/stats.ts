/**
 * The tests behind "this category rose after that version": is the category's share of the items
 * after a version greater than its share before? Both are one-sided tests of two proportions. Pure.
 *
 * - Fisher's exact test (the default): the p-value is the probability, with the margins of the 2x2 table
 *   fixed, of a table at least as extreme, P(X >= a) for X hypergeometric. Exact at any sample size,
 *   which matters: a build often has a few dozen reports.
 * - The two-proportion z-test with a pooled proportion: z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)),
 *   p-value = 1 - Phi(z). The usual large-sample approximation.
 */

/** A 2x2 comparison: `hits` of `n` items after, against `hits` of `n` before. */
export interface ProportionSample {
  hits: number;
  n: number;
}

export const SIGNIFICANCE_TESTS = ['fisher', 'z'] as const;
export type SignificanceTest = (typeof SIGNIFICANCE_TESTS)[number];

export interface TestResult {
  test: SignificanceTest;
  /** Share after, share before. */
  after: number;
  before: number;
  /** One-sided p-value of "greater after". */
  p: number;
  /** The z statistic (z-test only). */
  z?: number;
}

const logFactorials: number[] = [0];

/** ln(n!) for a whole n >= 0 (a table grown on demand: exact sums of logarithms). */
export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`logFactorial(${n})`);
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push((logFactorials[i - 1] as number) + Math.log(i));
  return logFactorials[n] as number;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

function check(s: ProportionSample, name: string): void {
  if (!Number.isInteger(s.hits) || !Number.isInteger(s.n) || s.n < 0 || s.hits < 0 || s.hits > s.n) throw new RangeError(`${name}: ${s.hits} of ${s.n} is not a proportion`);
}

/** Fisher's exact test, one-sided: is the share in `after` greater than in `before`? */
export function fisherExactGreater(after: ProportionSample, before: ProportionSample): TestResult {
  check(after, 'after');
  check(before, 'before');
  const N = after.n + before.n;
  const K = after.hits + before.hits;
  const n = after.n;
  const top = Math.min(n, K);
  const logTotal = logChoose(N, n);
  const logs: number[] = [];
  for (let x = after.hits; x <= top; x++) logs.push(logChoose(K, x) + logChoose(N - K, n - x) - logTotal);
  const max = Math.max(...logs);
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - max);
  const p = logs.length === 0 ? 1 : Math.min(1, Math.exp(max) * sum);
  return { test: 'fisher', after: share(after), before: share(before), p };
}

/** The two-proportion z-test (pooled), one-sided: is the share in `after` greater than in `before`? */
export function twoProportionZGreater(after: ProportionSample, before: ProportionSample): TestResult {
  check(after, 'after');
  check(before, 'before');
  const p1 = share(after);
  const p2 = share(before);
  const pooled = (after.hits + before.hits) / (after.n + before.n || 1);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / (after.n || 1) + 1 / (before.n || 1)));
  if (after.n === 0 || before.n === 0 || se === 0) return { test: 'z', after: p1, before: p2, p: 1, z: 0 };
  const z = (p1 - p2) / se;
  return { test: 'z', after: p1, before: p2, p: normalSf(z), z };
}

export function proportionTest(test: SignificanceTest, after: ProportionSample, before: ProportionSample): TestResult {
  return test === 'fisher' ? fisherExactGreater(after, before) : twoProportionZGreater(after, before);
}

function share(s: ProportionSample): number {
  return s.n === 0 ? 0 : s.hits / s.n;
}

/** How p-values of many tests are adjusted: not at all, or by Holm's step-down method (family-wise error at most alpha). */
export const P_ADJUSTMENTS = ['none', 'holm'] as const;
export type PAdjustment = (typeof P_ADJUSTMENTS)[number];

/**
 * Holm-Bonferroni adjusted p-values, in the order given: sorted ascending, the i-th smallest (from 0) is
 * multiplied by (m - i), capped at 1, and made non-decreasing.
 */
export function holmAdjust(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

/** 1 - Phi(z), the upper tail of the standard normal distribution. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * The complementary error function: W. J. Cody's rational Chebyshev approximations (1969), as in
 * his CALERF routine, accurate to about 1e-15 relative; negative x by erfc(-x) = 2 - erfc(x).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) return 1 - erfSmall(x);
  if (x > 26.6) return 0;
  if (x < 4) {
    const P = [3.004592610201616e2, 4.519189537118729e2, 3.393208167343437e2, 1.529892850469404e2, 4.316222722205674e1, 7.211758250883094, 5.641955174789740e-1, -1.368648573827167e-7];
    const Q = [3.004592609569833e2, 7.909509253278980e2, 9.313540948506096e2, 6.389802644656312e2, 2.775854447439876e2, 7.700015293522947e1, 1.278272731962942e1, 1];
    let num = 0;
    let den = 0;
    for (let i = P.length - 1; i >= 0; i--) {
      num = num * x + (P[i] as number);
      den = den * x + (Q[i] as number);
    }
    return Math.exp(-x * x) * (num / den);
  }
  const P = [-2.99610707703542174e-3, -4.94730910623250734e-2, -2.26956593539686930e-1, -2.78661308609647788e-1, -2.23192459734184686e-2];
  const Q = [1.06209230528467918e-2, 1.91308926107829841e-1, 1.05167510706793207, 1.98733201817135256, 1];
  const z = 1 / (x * x);
  let num = 0;
  let den = 0;
  for (let i = P.length - 1; i >= 0; i--) {
    num = num * z + (P[i] as number);
    den = den * z + (Q[i] as number);
  }
  return (Math.exp(-x * x) / x) * (1 / Math.sqrt(Math.PI) + z * (num / den));
}

function erfSmall(x: number): number {
  const P = [3.20937758913846947e3, 3.77485237685302021e2, 1.13864154151050156e2, 3.16112374387056560, 1.85777706184603153e-1];
  const Q = [2.84423683343917062e3, 1.28261652607737228e3, 2.44024637934444173e2, 2.36012909523441209e1, 1];
  const z = x * x;
  let num = 0;
  let den = 0;
  for (let i = P.length - 1; i >= 0; i--) {
    num = num * z + (P[i] as number);
    den = den * z + (Q[i] as number);
  }
  return (x * num) / den;
}
