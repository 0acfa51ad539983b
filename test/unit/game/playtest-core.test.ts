/** The playtest core: event normalisation, line reading, the reorder window, histograms, the tests' p-values, analysis, heatmaps. */
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  FineHistogram,
  HeatmapGrid,
  PlaytestAnalyzer,
  SessionIngest,
  comparePlaytestBuilds,
  ingestLines,
  mannWhitneyFromCounts,
  mannWhitneyU,
  normalizeEvent,
  numberedLines,
  parseEventLine,
  poissonRateTest,
  readStoredEvent,
  renderHeatmapPng,
  serializeEvent,
  twoProportionZTest,
  type PlaytestEvent,
} from '../../../personas/game/index.js';

async function* bytes(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p, 'utf8');
}

async function collect<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of it) out.push(...b);
  return out;
}

describe('events', () => {
  it('normalises the accepted spellings of time, position and payload', () => {
    expect(normalizeEvent({ type: 'position', t: 5, pos: [1, 2, 3], fps: 60 })).toEqual({ ok: true, event: { t: 5, type: 'position', x: 1, y: 2, z: 3, fps: 60 } });
    expect(normalizeEvent({ event: 'death', time: '2026-01-01T00:00:01Z', payload: { level: 3, position: { x: 1, y: 2 }, cause: 'lava' } })).toEqual({
      ok: true,
      event: { t: Date.UTC(2026, 0, 1, 0, 0, 1), type: 'death', level: '3', x: 1, y: 2, data: { cause: 'lava' } },
    });
    expect(normalizeEvent({ type: 'frame', timestamp: 10, data: { frameMs: 16.7, health: -3 } })).toEqual({ ok: true, event: { t: 10, type: 'frame', health: -3, frame_ms: 16.7 } });
  });

  it('says why a value is not an event', () => {
    expect(parseEventLine('{"t":1')).toMatchObject({ ok: false, message: expect.stringMatching(/^not JSON/) });
    expect(parseEventLine('[1,2]')).toEqual({ ok: false, message: 'not a JSON object' });
    expect(parseEventLine('{"t":1}')).toMatchObject({ ok: false, message: expect.stringMatching(/no "type"/) });
    expect(parseEventLine('{"type":"x"}')).toMatchObject({ ok: false, message: expect.stringMatching(/no time/) });
    expect(parseEventLine('{"type":"x","t":"soon"}')).toMatchObject({ ok: false, message: expect.stringMatching(/finite number/) });
    expect(parseEventLine('{"type":"x","t":1,"pos":[1]}')).toMatchObject({ ok: false, message: expect.stringMatching(/position/) });
    expect(parseEventLine('{"type":"x","t":1,"fps":-1}')).toMatchObject({ ok: false, message: expect.stringMatching(/fps/) });
  });

  it('round-trips the stored form', () => {
    const e: PlaytestEvent = { t: 1, type: 'death', level: 'a', x: 1, y: 2, z: 3, health: 0, fps: 30, frame_ms: 33, data: { k: [1] } };
    expect(readStoredEvent(serializeEvent(e))).toEqual(e);
    expect(serializeEvent({ data: { a: 1 }, type: 'x', t: 2 } as PlaytestEvent)).toBe('{"t":2,"type":"x","data":{"a":1}}');
  });
});

describe('numberedLines', () => {
  it('numbers lines across blocks, CRLF and a last line without newline', async () => {
    const lines = await collect(numberedLines(bytes('a\r\nb', 'c\n\nd')));
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'bc' },
      { line: 3, text: '' },
      { line: 4, text: 'd' },
    ]);
  });

  it('reports a runaway line without keeping it', async () => {
    const lines = await collect(numberedLines(bytes('x'.repeat(50), 'y'.repeat(50), '\nok\n'), { maxLineBytes: 64 }));
    expect(lines[0]).toMatchObject({ line: 1, tooLong: true });
    expect(lines[1]).toEqual({ line: 2, text: 'ok' });
  });
});

describe('SessionIngest', () => {
  it('keeps good lines, reports bad ones by line number, sorts within the window and flags late events', async () => {
    const input = ['{"t":10,"type":"a"}', 'oops', '{"t":5,"type":"b"}', '{"t":20,"type":"c"}', '{"t":30,"type":"d"}', '{"t":1,"type":"late"}', ''].join('\n');
    const ingest = new SessionIngest({ reorderWindow: 2 });
    const out = Buffer.concat(await (async () => {
      const parts: Buffer[] = [];
      for await (const b of ingestLines(numberedLines(bytes(input)), ingest)) parts.push(b);
      return parts;
    })()).toString('utf8');
    expect(out.trim().split('\n').map((l) => (JSON.parse(l) as PlaytestEvent).type)).toEqual(['b', 'a', 'late', 'c', 'd']);
    const s = ingest.summary;
    expect(s.events).toBe(5);
    expect(s.problems).toEqual([
      { line: 2, message: expect.stringMatching(/^not JSON/) },
      { line: 6, message: expect.stringMatching(/arrived after events up to t=10/) },
    ]);
    expect(s.problemCount).toBe(2);
    expect(s.outOfOrder).toBe(1);
    expect(s.late).toBe(1);
    expect(s.sorted).toBe(false);
    expect([s.startT, s.endT, s.durationMs]).toEqual([1, 30, 29]);
  });
});

describe('SessionIngest ordering (property)', () => {
  it('keeps every event; within the window the output is sorted and stable; beyond it late events are flagged', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), fc.integer({ min: 1, max: 64 }), (times, window) => {
        const ingest = new SessionIngest({ reorderWindow: window });
        const out: string[] = [];
        times.forEach((t, i) => ingest.addEvent({ t, type: 'e', data: { i } }, i + 1, out));
        ingest.flush(out);
        const got = out.map((l) => JSON.parse(l) as { t: number; data: { i: number } });
        expect(got.map((e) => e.data.i).sort((a, b) => a - b)).toEqual(times.map((_, i) => i));
        const sorted = got.every((e, k) => k === 0 || got[k - 1]!.t < e.t || (got[k - 1]!.t === e.t && got[k - 1]!.data.i < e.data.i));
        expect(ingest.summary.sorted).toBe(ingest.summary.late === 0);
        if (ingest.summary.late === 0) expect(sorted).toBe(true);
        if (window >= times.length) expect(ingest.summary.late).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('statistics (p-values checked against SciPy 1.17)', () => {
  it('two-proportion z-test: 45/100 against 60/100', () => {
    const r = twoProportionZTest(45, 100, 60, 100)!;
    expect(r.z).toBeCloseTo(2.1239769762143657, 9);
    expect(r.p).toBeCloseTo(0.033672068856345855, 6);
    expect(twoProportionZTest(0, 10, 0, 10)).toBeNull();
    expect(twoProportionZTest(1, 0, 1, 1)).toBeNull();
  });

  it('Mann-Whitney U (asymptotic, continuity and tie corrections) as scipy.stats.mannwhitneyu', () => {
    const r1 = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12])!;
    expect(r1.statistic).toBe(17);
    expect(r1.p).toBeCloseTo(0.11134688653314041, 6);
    const r2 = mannWhitneyU([1, 2, 2, 3, 3, 3, 4, 5], [3, 4, 4, 5, 5, 6, 7, 7, 8])!;
    expect(r2.statistic).toBe(7.5);
    expect(r2.p).toBeCloseTo(0.006373133838085873, 6);
    expect(mannWhitneyU([], [1])).toBeNull();
  });

  it('Mann-Whitney from histograms equals the test on the samples', () => {
    const a = [30, 30.1, 45, 60, 60, 60, 59.9];
    const b = [58, 60, 61, 61, 62.5, 30];
    const ha = new FineHistogram();
    const hb = new FineHistogram();
    a.forEach((v) => ha.add(v));
    b.forEach((v) => hb.add(v));
    const direct = mannWhitneyU(a, b)!;
    const binned = mannWhitneyFromCounts(ha.counts, hb.counts)!;
    expect(binned.statistic).toBe(direct.statistic);
    expect(binned.p).toBeCloseTo(direct.p, 12);
  });

  it('Poisson rate z-test: 30 deaths in 50 attempts against 50 in 50', () => {
    const r = poissonRateTest(30, 50, 50, 50)!;
    expect(r.z).toBeCloseTo(2.23606797749979, 9);
    expect(r.p).toBeCloseTo(0.025347318677468252, 6);
  });
});

describe('FineHistogram', () => {
  it('gives nearest-rank percentiles to 0.1 and coarse bins', () => {
    const h = new FineHistogram();
    for (let i = 1; i <= 100; i++) h.add(i);
    expect([h.percentile(5), h.percentile(50), h.percentile(95)]).toEqual([5, 50, 95]);
    const s = h.summary([0, 50, 100]);
    expect(s.histogram).toEqual([
      { from: 0, to: 50, count: 49 },
      { from: 50, to: 100, count: 50 },
      { from: 100, to: null, count: 1 },
    ]);
    expect(s.mean).toBe(50.5);
  });
});

describe('PlaytestAnalyzer', () => {
  it('builds the funnel, deaths per level (from the current level when an event names none), durations', () => {
    const an = new PlaytestAnalyzer();
    const s1: PlaytestEvent[] = [
      { t: 0, type: 'level_start', level: 'L1' },
      { t: 10, type: 'death' },
      { t: 20, type: 'death', level: 'L1' },
      { t: 30, type: 'level_fail' },
      { t: 40, type: 'level_start', level: 'L1' },
      { t: 50, type: 'level_complete', level: 'L1' },
      { t: 60, type: 'level_start', level: 'L2' },
      { t: 70, type: 'frame', fps: 50 },
    ];
    an.beginSession();
    s1.forEach((e) => an.add(e));
    an.beginSession();
    an.add({ t: 1000, type: 'level_start', level: 'L2' });
    an.add({ t: 1500, type: 'level_complete', level: 'L2' });
    const r = an.result();
    expect(r.sessions).toBe(2);
    expect(r.sessionDurationsMs).toEqual([70, 500]);
    expect(r.funnel.levels).toEqual([
      { level: 'L1', starts: 2, completes: 1, fails: 1, unfinished: 0, completionRate: 0.5, deaths: 2, deathsPerAttempt: 1 },
      { level: 'L2', starts: 2, completes: 1, fails: 0, unfinished: 1, completionRate: 0.5, deaths: 0, deathsPerAttempt: 0 },
    ]);
    expect(r.funnel.completionRate).toBe(0.5);
    expect(r.fps.p50).toBe(50);
    expect(r.frameMs.p50).toBe(20);
  });
});

describe('comparePlaytestBuilds', () => {
  it('reports each metric with both sample sizes and its test', () => {
    const build = (completes: number, starts: number, fps: number[]): Parameters<typeof comparePlaytestBuilds>[0] => {
      const an = new PlaytestAnalyzer();
      an.beginSession();
      for (let i = 0; i < starts; i++) an.add({ t: i * 10, type: 'level_start', level: 'L' });
      for (let i = 0; i < completes; i++) an.add({ t: 5000 + i, type: 'level_complete', level: 'L' });
      fps.forEach((f, i) => an.add({ t: 9000 + i, type: 'frame', fps: f }));
      return { ref: 'x', version: 'v'.repeat(64), analysis: an.result(), fps: an.fps };
    };
    const c = comparePlaytestBuilds(build(45, 100, [60, 60, 59, 58]), build(60, 100, [30, 31, 29, 30]));
    const rate = c.metrics.find((m) => m.metric === 'completion_rate')!;
    expect(rate).toMatchObject({ a: 0.45, b: 0.6, delta: 0.15, nA: 100, nB: 100, test: 'two-proportion z-test', significant: true });
    expect(rate.p).toBeCloseTo(0.03367, 4);
    const p50 = c.metrics.find((m) => m.metric === 'fps_p50')!;
    expect(p50).toMatchObject({ a: 59, b: 30, nA: 4, nB: 4, test: 'Mann-Whitney U' });
  });
});

describe('heatmap', () => {
  it('counts positions on the grid with +y up and renders a PNG of the grid size', async () => {
    const g = new HeatmapGrid({ bounds: { minX: 0, minY: 0, maxX: 100, maxY: 50 }, size: 200, cell: 4 });
    expect([g.width, g.height]).toEqual([200, 100]);
    for (let i = 0; i < 10; i++) g.add(0, 50);
    g.add(100, 0);
    g.add(500, 0);
    expect(g.outside).toBe(1);
    expect(g.counts[0]).toBe(10); // top-left: x 0, y 50 (the top)
    expect(g.counts[g.counts.length - 1]).toBe(1);
    const png = PNG.sync.read(await renderHeatmapPng(g));
    expect([png.width, png.height]).toEqual([200, 100]);
    const px = (x: number, y: number): number[] => [...png.data.subarray((y * 200 + x) * 4, (y * 200 + x) * 4 + 4)];
    expect(px(1, 1)[0]).toBeGreaterThan(200); // the busiest cell is red
    expect(px(100, 50)).toEqual([0x20, 0x24, 0x28, 255]); // nothing there: the background
  });

  it('draws over a background image', async () => {
    const bg = new PNG({ width: 10, height: 10 });
    bg.data.fill(255);
    const g = new HeatmapGrid({ bounds: { minX: 0, minY: 0, maxX: 10, maxY: 10 }, size: 20, cell: 2 });
    g.add(5, 5);
    const png = PNG.sync.read(await renderHeatmapPng(g, { background: PNG.sync.write(bg) }));
    expect([...png.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });

});
