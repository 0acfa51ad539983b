/**
 * Two builds' playtests compared, metric by metric: each metric with both values, the delta (B − A),
 * both sample sizes and a two-sided significance test (stats.ts):
 * - completion rate (level completions per level start): two-proportion z-test, n = level starts;
 * - median session length: Mann-Whitney U over session durations, n = sessions;
 * - deaths per level attempt, per level both builds played: Poisson rate z-test, n = level starts;
 * - fps p5, p50, p95: Mann-Whitney U over every fps sample (to 0.1 fps), n = samples.
 * `significant` is p < 0.05; it is null when the test is undefined (too few or identical samples).
 */
import type { AnalysisResult } from './analysis.js';
import type { FineHistogram } from './histogram.js';
import { mannWhitneyFromCounts, mannWhitneyU, median, poissonRateTest, twoProportionZTest, type SignificanceResult } from './stats.js';

export const SIGNIFICANCE_LEVEL = 0.05;

export interface BuildSample {
  /** The reference as given. */
  ref: string;
  version: string;
  analysis: AnalysisResult;
  fps: FineHistogram;
}

export interface MetricDelta {
  metric: string;
  level?: string;
  unit: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  nA: number;
  nB: number;
  test: string;
  statistic: number | null;
  p: number | null;
  significant: boolean | null;
}

export interface PlaytestComparison {
  a: { ref: string; version: string; sessions: number; events: number };
  b: { ref: string; version: string; sessions: number; events: number };
  alpha: number;
  metrics: MetricDelta[];
}

const r4 = (v: number | null): number | null => (v === null ? null : Number(v.toFixed(4)));

function metric(m: Omit<MetricDelta, 'delta' | 'statistic' | 'p' | 'significant' | 'test'>, test: SignificanceResult | null, testName: string): MetricDelta {
  return {
    ...m,
    a: r4(m.a),
    b: r4(m.b),
    delta: m.a === null || m.b === null ? null : r4(m.b - m.a),
    test: testName,
    statistic: test === null ? null : r4(test.statistic),
    p: test === null ? null : Number(test.p.toPrecision(4)),
    significant: test === null ? null : test.p < SIGNIFICANCE_LEVEL,
  };
}

export function comparePlaytestBuilds(a: BuildSample, b: BuildSample): PlaytestComparison {
  const A = a.analysis;
  const B = b.analysis;
  const metrics: MetricDelta[] = [];
  metrics.push(
    metric(
      { metric: 'completion_rate', unit: 'completions per level start', a: A.funnel.completionRate, b: B.funnel.completionRate, nA: A.funnel.starts, nB: B.funnel.starts },
      twoProportionZTest(A.funnel.completes, A.funnel.starts, B.funnel.completes, B.funnel.starts),
      'two-proportion z-test',
    ),
  );
  metrics.push(
    metric(
      { metric: 'median_session_length', unit: 'ms', a: median(A.sessionDurationsMs), b: median(B.sessionDurationsMs), nA: A.sessionDurationsMs.length, nB: B.sessionDurationsMs.length },
      mannWhitneyU(A.sessionDurationsMs, B.sessionDurationsMs),
      'Mann-Whitney U',
    ),
  );
  const levelsB = new Map(B.funnel.levels.map((l) => [l.level, l]));
  for (const la of A.funnel.levels) {
    const lb = levelsB.get(la.level);
    if (lb === undefined || (la.starts === 0 && lb.starts === 0)) continue;
    metrics.push(
      metric(
        { metric: 'deaths_per_attempt', level: la.level, unit: 'deaths per level start', a: la.deathsPerAttempt, b: lb.deathsPerAttempt, nA: la.starts, nB: lb.starts },
        poissonRateTest(la.deaths, la.starts, lb.deaths, lb.starts),
        'Poisson rate z-test',
      ),
    );
  }
  const fpsTest = mannWhitneyFromCounts(a.fps.counts, b.fps.counts, a.fps.overflow, b.fps.overflow);
  for (const p of ['p5', 'p50', 'p95'] as const) {
    metrics.push(metric({ metric: `fps_${p}`, unit: 'fps', a: A.fps[p], b: B.fps[p], nA: A.fps.samples, nB: B.fps.samples }, fpsTest, 'Mann-Whitney U'));
  }
  return {
    a: { ref: a.ref, version: a.version, sessions: A.sessions, events: A.events },
    b: { ref: b.ref, version: b.version, sessions: B.sessions, events: B.events },
    alpha: SIGNIFICANCE_LEVEL,
    metrics,
  };
}
