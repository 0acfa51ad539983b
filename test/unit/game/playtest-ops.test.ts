/** Playtest sessions through the library: record (file and stream), import, list, show, analyze, replay, compare, export, and their errors. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupEngine, createTag, fixedClock, listRecordNamespaces, listRecords, type Repository } from '../../../porcelain/index.js';
import { analyzePlaytest, comparePlaytests, exportPlaytest, importPlaytest, listPlaytests, recordPlaytest, replayPlaytest, showPlaytest, PLAYTEST_NAMESPACE } from '../../../personas/game/index.js';

const base = mkdtempSync(join(tmpdir(), 'strata-playtest-ops-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const FIXTURE = new URL('../../fixtures/game/playtest/standard_supertux_fortmagma.replay', import.meta.url).pathname;

let repo: Repository;
let v1: string;
let v2: string;

async function* stream(text: string, piece = 7): AsyncGenerator<Uint8Array> {
  const b = Buffer.from(text, 'utf8');
  for (let i = 0; i < b.length; i += piece) yield b.subarray(i, i + piece);
}

/** A deterministic session: `attempts` level starts, a completion for every `completeEvery`th, deaths, fps. */
function sessionJsonl(o: { attempts: number; completeEvery: number; deathsPerAttempt: number; fps: number; seed: number }): string {
  const lines: string[] = [JSON.stringify({ t: 0, type: 'session_start' })];
  let t = 0;
  for (let i = 0; i < o.attempts; i++) {
    lines.push(JSON.stringify({ t: (t += 100), type: 'level_start', level: `L${i % 2}` }));
    for (let d = 0; d < o.deathsPerAttempt; d++) lines.push(JSON.stringify({ t: (t += 50), type: 'death', pos: [i, d] }));
    for (let f = 0; f < 10; f++) lines.push(JSON.stringify({ t: (t += 16), type: 'frame', fps: o.fps + ((f * 7 + o.seed) % 5) }));
    lines.push(JSON.stringify({ t: (t += 100), type: i % o.completeEvery === 0 ? 'level_complete' : 'level_fail' }));
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  const project = join(base, 'p');
  mkdirSync(project);
  // A clock that moves a second per reading, so records stored one after another have distinct times.
  let now = Date.UTC(2026, 5, 1, 12);
  const engine = await BackupEngine.initializeRepository({ dir: project, clock: { now: () => (now += 1000) } });
  repo = engine.repo;
  writeFileSync(join(project, 'a.txt'), 'a\n');
  v1 = (await engine.createSnapshot({ source: project })).id;
  writeFileSync(join(project, 'a.txt'), 'b\n');
  v2 = (await engine.createSnapshot({ source: project })).id;
  await createTag({ repo, name: 'build-1', version: v1 });
  await createTag({ repo, name: 'build-2', version: v2 });
});

describe('recordPlaytest', () => {
  it('refuses an unknown version before reading or storing anything', async () => {
    await expect(recordPlaytest({ repo, version: 'nope', path: join(base, 'missing.jsonl') })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });
    expect(await listRecordNamespaces(repo, 'game/')).toEqual([]);
  });

  it('refuses a missing file and a session without events, storing nothing', async () => {
    await expect(recordPlaytest({ repo, version: 'build-1', path: join(base, 'missing.jsonl') })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(recordPlaytest({ repo, version: 'build-1', input: stream('junk\n{"t":1}\n') })).rejects.toMatchObject({ code: 'PLAYTEST_EMPTY', message: expect.stringContaining('line 1: not JSON') });
    expect(await listRecords(repo, PLAYTEST_NAMESPACE).catch(() => [])).toEqual([]);
  });

  it('streams a session in, keeping good lines, reporting bad ones by number, sorting late arrivals', async () => {
    const text = '{"t":100,"type":"level_start","level":"a"}\n{"t":50,"type":"session_start"}\nbroken\n\n{"t":300,"type":"level_complete","level":"a","fps":60}\n';
    const seen: number[] = [];
    const r = await recordPlaytest({ repo, version: 'build-1', player: 'ann', input: stream(text), onProblem: (p) => seen.push(p.line) });
    expect(seen).toEqual([3]);
    expect(r.versionRef).toEqual({ ref: 'build-1', via: 'revision' });
    expect(r.session).toMatchObject({ version: v1, player: 'ann', source: { kind: 'stdin' }, interrupted: false });
    expect(r.session.summary).toMatchObject({ events: 3, outOfOrder: 1, late: 0, sorted: true, problemCount: 1, startT: 50, endT: 300, durationMs: 250, types: { level_start: 1, session_start: 1, level_complete: 1 } });
    const out: string[] = [];
    await exportPlaytest({ repo, session: r.session.id, format: 'jsonl', write: (t) => void out.push(t) });
    expect(out.join('')).toBe('{"t":50,"type":"session_start"}\n{"t":100,"type":"level_start","level":"a"}\n{"t":300,"type":"level_complete","level":"a","fps":60}\n');
    expect(await showPlaytest({ repo, session: r.session.id.slice(0, 8) })).toEqual(r.session);
  });

  it('stores the same events once: from a file, then from a stream, of the same build and player', async () => {
    const text = sessionJsonl({ attempts: 5, completeEvery: 2, deathsPerAttempt: 1, fps: 58, seed: 1 });
    const path = join(base, 's.jsonl');
    writeFileSync(path, text);
    const before = (await listPlaytests({ repo })).sessions.length;
    const a = await recordPlaytest({ repo, version: v1.slice(0, 10), path });
    expect(a.session.source).toEqual({ kind: 'file', name: 's.jsonl' });
    expect(a.session.alreadyStored).toBeUndefined();
    const b = await recordPlaytest({ repo, version: 'build-1', input: stream(text, 4096) });
    expect(b.session).toMatchObject({ id: a.session.id, alreadyStored: true });
    expect((await listPlaytests({ repo })).sessions.length).toBe(before + 1);
    // Another player's identical session is a session of its own.
    const c = await recordPlaytest({ repo, version: 'build-1', player: 'bob', input: stream(text, 4096) });
    expect(c.session.id).not.toBe(a.session.id);
    expect((await listPlaytests({ repo })).sessions.length).toBe(before + 2);
    const ea: string[] = [];
    const ec: string[] = [];
    await exportPlaytest({ repo, session: a.session.id, format: 'jsonl', write: (t) => void ea.push(t) });
    await exportPlaytest({ repo, session: c.session.id, format: 'jsonl', write: (t) => void ec.push(t) });
    expect(ea.join('')).toBe(ec.join(''));
    // Stored in the normalised form: a position as x and y.
    expect(ea.join('')).toBe(text.replace(/"pos":\[(\d+),(\d+)\]/g, '"x":$1,"y":$2'));
  });
});

describe('export', () => {
  it('writes CSV with a header, offsets and quoted data', async () => {
    const r = await recordPlaytest({ repo, version: 'build-2', input: stream('{"t":1000,"type":"chat","msg":"hi, \\"you\\""}\n{"t":1500,"type":"position","x":1.5,"y":-2}\n') });
    const out: string[] = [];
    const res = await exportPlaytest({ repo, session: r.session.id, format: 'csv', write: (t) => void out.push(t) });
    expect(res.events).toBe(2);
    expect(out.join('')).toBe('t,offset_ms,type,level,x,y,z,health,fps,frame_ms,data\n1000,0,chat,,,,,,,,"{""msg"":""hi, \\""you\\""""}"\n1500,500,position,,1.5,-2,,,,,\n');
  });

  it('names a session it does not know', async () => {
    await expect(exportPlaytest({ repo, session: 'abcdef12', format: 'csv', write: () => undefined })).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
    await expect(showPlaytest({ repo, session: 'not-an-id' })).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
  });
});

describe('importPlaytest', () => {
  it('imports a real SuperTuxKart replay and analyses it with a heatmap', async () => {
    const r = await importPlaytest({ repo, version: 'build-2', path: FIXTURE });
    expect(r.session).toMatchObject({ player: '☆★STK★☆', source: { kind: 'supertuxkart-replay', name: 'standard_supertux_fortmagma.replay' }, info: { track: 'fortmagma', frames: 1129 } });
    const out = join(base, 'fortmagma.png');
    const a = await analyzePlaytest({ repo, session: r.session.id, heatmap: { out, size: 256 } });
    expect(a.positions).toBe(1129);
    expect(a.funnel.levels).toEqual([expect.objectContaining({ level: 'fortmagma', starts: 1, completes: 1, completionRate: 1 })]);
    expect(a.heatmap).toMatchObject({ path: out, positions: 1129, outside: 0 });
    const png = PNG.sync.read(readFileSync(out));
    expect(Math.max(png.width, png.height)).toBe(256);
    expect(a.heatmap!.cells).toBeGreaterThan(100);
  });

  it('refuses a file that is not a replay', async () => {
    const path = join(base, 'bad.replay');
    writeFileSync(path, 'hello\n');
    await expect(importPlaytest({ repo, version: 'build-2', path })).rejects.toMatchObject({ code: 'REPLAY_INVALID' });
  });
});

describe('replayPlaytest', () => {
  it('waits for each event at the scaled pace, from the given offset (injected clock)', async () => {
    const r = await recordPlaytest({ repo, version: 'build-2', input: stream('{"t":0,"type":"a"}\n{"t":1000,"type":"b"}\n{"t":3000,"type":"c"}\n{"t":7000,"type":"d"}\n') });
    let clock = 0;
    const waits: number[] = [];
    const seen: [string, number, number][] = [];
    const res = await replayPlaytest({
      repo,
      session: r.session.id,
      speed: 2,
      fromMs: 1000,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      onEvent: (e, offset) => void seen.push([e.type, offset, clock]),
    });
    expect(seen).toEqual([
      ['b', 1000, 0],
      ['c', 3000, 1000],
      ['d', 7000, 3000],
    ]);
    expect(waits).toEqual([1000, 2000]);
    expect(res).toMatchObject({ events: 3, skipped: 1 });
    await expect(replayPlaytest({ repo, session: r.session.id, speed: -1, onEvent: () => undefined })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('comparePlaytests and analyze --version', () => {
  it('finds a significant drop in completion and fps between two builds, with sample sizes', async () => {
    const project = join(base, 'c');
    mkdirSync(project);
    const engine = await BackupEngine.initializeRepository({ dir: project, clock: fixedClock(Date.UTC(2026, 5, 1, 12)) });
    const r2 = engine.repo;
    writeFileSync(join(project, 'a.txt'), 'a\n');
    const a = (await engine.createSnapshot({ source: project })).id;
    writeFileSync(join(project, 'a.txt'), 'b\n');
    const b = (await engine.createSnapshot({ source: project })).id;
    for (let s = 0; s < 4; s++) {
      await recordPlaytest({ repo: r2, version: a, input: stream(sessionJsonl({ attempts: 20 + s, completeEvery: 1, deathsPerAttempt: 1, fps: 60, seed: s }), 65536) });
      await recordPlaytest({ repo: r2, version: b, input: stream(sessionJsonl({ attempts: 20 + s, completeEvery: 3, deathsPerAttempt: 2, fps: 40, seed: s }), 65536) });
    }
    await expect(comparePlaytests({ repo: r2, a, b: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });
    const c = await comparePlaytests({ repo: r2, a, b });
    expect(c.a).toMatchObject({ version: a, sessions: 4 });
    const get = (m: string, level?: string) => c.metrics.find((x) => x.metric === m && x.level === level)!;
    expect(get('completion_rate')).toMatchObject({ a: 1, nA: 86, nB: 86, significant: true });
    expect(get('completion_rate').b).toBeCloseTo(30 / 86, 3);
    expect(get('deaths_per_attempt', 'L0')).toMatchObject({ a: 1, b: 2, significant: true });
    expect(get('fps_p50')).toMatchObject({ a: 62, b: 42, nA: 860, nB: 860, significant: true });
    expect(get('median_session_length')).toMatchObject({ nA: 4, nB: 4, test: 'Mann-Whitney U' });
    const all = await analyzePlaytest({ repo: r2, version: a });
    expect(all.sessions).toBe(4);
    expect(all.funnel.starts).toBe(86);
    expect((await listPlaytests({ repo: r2, version: b })).sessions).toHaveLength(4);
  });

  it('says when a build has no sessions', async () => {
    const project = join(base, 'e');
    mkdirSync(project);
    const engine = await BackupEngine.initializeRepository({ dir: project, clock: fixedClock(0) });
    writeFileSync(join(project, 'a.txt'), 'a\n');
    const a = (await engine.createSnapshot({ source: project })).id;
    await expect(analyzePlaytest({ repo: engine.repo, version: a })).rejects.toMatchObject({ code: 'NO_SESSIONS' });
    await expect(analyzePlaytest({ repo: engine.repo })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
