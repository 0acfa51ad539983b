/** The significance tests against known values (SciPy 1.17: scipy.special.erfc, scipy.stats.fisher_exact, scipy.stats.norm.sf). */
import { describe, expect, it } from 'vitest';
import { erfc, fisherExactGreater, holmAdjust, logFactorial, normalSf, proportionTest, twoProportionZGreater } from '../../../personas/game/feedback/stats.js';

describe('feedback statistics', () => {
  it('erfc matches SciPy across its three ranges', () => {
    const known: Array<[number, number]> = [
      [0, 1],
      [0.1, 0.8875370839817152],
      [0.49, 0.48833173881147696],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028516],
      [2, 0.004677734981047266],
      [3.9, 3.479224859723178e-8],
      [4, 1.541725790028002e-8],
      [5, 1.5374597944280347e-12],
      [8, 1.1224297172982928e-29],
      [-1, 1.8427007929497148],
    ];
    for (const [x, want] of known) expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-13);
    expect(normalSf(1.6448536269514722)).toBeCloseTo(0.05, 14);
  });

  it("Fisher's exact test: the lady tasting tea (17/70) and a larger table", () => {
    expect(fisherExactGreater({ hits: 3, n: 4 }, { hits: 1, n: 4 }).p).toBeCloseTo(17 / 70, 14);
    // scipy.stats.fisher_exact([[30, 170], [12, 288]], alternative='greater').pvalue
    const r = fisherExactGreater({ hits: 30, n: 200 }, { hits: 12, n: 300 });
    expect(Math.abs(r.p - 1.695436799155301e-5) / 1.695436799155301e-5).toBeLessThan(1e-9);
    expect(r).toMatchObject({ test: 'fisher', after: 0.15, before: 0.04 });
    // A share that fell is nowhere near significant; the most extreme table has p = 1 / C(N, n).
    expect(fisherExactGreater({ hits: 1, n: 10 }, { hits: 9, n: 10 }).p).toBeGreaterThan(0.99);
    expect(fisherExactGreater({ hits: 5, n: 5 }, { hits: 0, n: 5 }).p).toBeCloseTo(1 / 252, 14);
    expect(fisherExactGreater({ hits: 0, n: 0 }, { hits: 0, n: 5 }).p).toBe(1);
    expect(logFactorial(10)).toBeCloseTo(Math.log(3628800), 12);
  });

  it("Holm's adjustment (as R's p.adjust(c(0.01, 0.04, 0.03, 0.005), 'holm'))", () => {
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((want, i) => expect(adj[i]).toBeCloseTo(want, 15));
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('the two-proportion z-test (pooled)', () => {
    // z = 1.5557127061904528, scipy.stats.norm.sf(z) = 0.05988821188986143
    const a = twoProportionZGreater({ hits: 56, n: 100 }, { hits: 45, n: 100 });
    expect(a.z).toBeCloseTo(1.5557127061904528, 12);
    expect(a.p).toBeCloseTo(0.05988821188986143, 12);
    const b = proportionTest('z', { hits: 30, n: 200 }, { hits: 12, n: 300 });
    expect(b.z).toBeCloseTo(4.344061132643304, 12);
    expect(Math.abs(b.p - 6.993628198585429e-6) / 6.993628198585429e-6).toBeLessThan(1e-9);
    expect(twoProportionZGreater({ hits: 0, n: 10 }, { hits: 0, n: 10 }).p).toBe(1);
    expect(() => twoProportionZGreater({ hits: 11, n: 10 }, { hits: 0, n: 10 })).toThrow(RangeError);
  });
});
