/**
 * Playtest sessions end to end, through the built CLI: record from a file and from stdin (bad lines
 * reported with their numbers, out-of-order events sorted), an unknown version refused before anything
 * is stored, import of a real SuperTuxKart replay, list, show, analyze with a heatmap over a level
 * image, replay, export, and compare of two builds.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, okJson, removeTempDirs, strata, tempDir, errorCode } from './helpers.js';

afterAll(removeTempDirs);

const FIXTURE = new URL('../fixtures/game/playtest/standard_supertux_fortmagma.replay', import.meta.url).pathname;
let dir: string;
let v1: string;
let v2: string;

function snapshot(message: string): string {
  const lines = ok(['snapshot', '--json', '-m', message], { cwd: dir }).trim().split('\n');
  return (JSON.parse(lines[lines.length - 1] as string) as { id: string }).id;
}

/** A deterministic session of `attempts` level attempts. */
function session(attempts: number, completeEvery: number, fps: number): string {
  const lines: string[] = [];
  let t = 1000;
  for (let i = 0; i < attempts; i++) {
    lines.push(JSON.stringify({ t: (t += 100), type: 'level_start', level: 'forest' }));
    lines.push(JSON.stringify({ t: (t += 40), type: 'position', pos: [i, i % 3, 0], fps }));
    lines.push(JSON.stringify({ t: (t += 40), type: 'death', x: i, y: 1 }));
    for (let f = 0; f < 5; f++) lines.push(JSON.stringify({ t: (t += 16), type: 'frame', fps: fps + f }));
    lines.push(JSON.stringify({ t: (t += 100), type: i % completeEvery === 0 ? 'level_complete' : 'level_fail', level: 'forest' }));
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(() => {
  dir = tempDir('playtest');
  ok(['init'], { cwd: dir });
  writeFileSync(join(dir, 'game.txt'), 'build one\n');
  v1 = snapshot('one');
  ok(['tag', 'build-1'], { cwd: dir });
  writeFileSync(join(dir, 'game.txt'), 'build two\n');
  v2 = snapshot('two');
  ok(['tag', 'build-2'], { cwd: dir });
});

describe('strata game playtest', () => {
  it('refuses an unknown version and a missing file before storing anything', () => {
    writeFileSync(join(dir, 'one.jsonl'), '{"t":1,"type":"a"}\n');
    const r = strata(['game', 'playtest', 'record', '--version', 'build-9', 'one.jsonl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r.stderr)).toBe('UNKNOWN_REVISION');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const m = strata(['game', 'playtest', 'record', '--version', 'build-1', 'missing.jsonl'], { cwd: dir });
    expect(errorCode(m.stderr)).toBe('FILE_NOT_FOUND');
    const e = strata(['game', 'playtest', 'record', '--version', 'build-1', '-'], { cwd: dir, input: 'nothing useful\n' });
    expect(errorCode(e.stderr)).toBe('PLAYTEST_EMPTY');
    expect(ok(['game', 'playtest', 'list'], { cwd: dir }).trim()).toBe('no playtest sessions');
    expect(readdirSync(join(dir, '.strata', 'refs'))).not.toContain('records');
  });

  it('records from stdin, reporting bad lines by number and sorting late events', () => {
    const input = '{"t":200,"type":"level_start","level":"a"}\n{"t":100,"type":"session_start"}\n{oops\n{"t":300,"type":"level_complete","level":"a"}\n{"type":"no time"}\n';
    const r = strata(['game', 'playtest', 'record', '--version', 'build-1', '--player', 'ann', '--json'], { cwd: dir, input });
    expect(r.code).toBe(3); // stored, but lines were not read
    const warnings = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { message: string; line: number });
    expect(warnings.map((w) => w.line)).toEqual([3, 5]);
    const out = JSON.parse(r.stdout) as { session: { id: string; version: string; player: string; summary: { events: number; outOfOrder: number; problemCount: number } } };
    expect(out.session).toMatchObject({ version: v1, player: 'ann', summary: { events: 3, outOfOrder: 1, problemCount: 2 } });
    const human = strata(['game', 'playtest', 'record', '-v', 'build-1', '-'], { cwd: dir, input });
    expect(human.stdout).toMatch(/^stored session [0-9a-f]{64} of build-1 \([0-9a-f]{12}\): 3 events over 0\.2 s, 2 line\(s\) not read, 1 out of order \(sorted\)\n$/);
    expect(human.stderr).toContain('warning: line 3: not JSON');
    const jsonl = strata(['game', 'playtest', 'export', out.session.id.slice(0, 10)], { cwd: dir }).stdout;
    expect(jsonl).toBe('{"t":100,"type":"session_start"}\n{"t":200,"type":"level_start","level":"a"}\n{"t":300,"type":"level_complete","level":"a"}\n');
  });

  it('imports a real SuperTuxKart replay; analyze draws its heatmap over a level image; replay and export work on it', () => {
    const imp = okJson<{ session: { id: string; version: string; summary: { events: number } } }>(['game', 'playtest', 'import', FIXTURE, '--version', 'build-2', '--json'], { cwd: dir });
    expect(imp.session.summary.events).toBe(1133);
    expect(imp.session.version).toBe(v2);
    const id = imp.session.id;
    const show = ok(['game', 'playtest', 'show', id.slice(0, 8)], { cwd: dir });
    expect(show).toContain('source   supertuxkart-replay standard_supertux_fortmagma.replay');
    expect(show).toContain('player   ☆★STK★☆');
    // A "level image": 64x64 white, to draw over.
    const bg = new PNG({ width: 64, height: 64 });
    bg.data.fill(255);
    writeFileSync(join(dir, 'level.png'), PNG.sync.write(bg));
    const text = ok(['game', 'playtest', 'analyze', id, '-o', 'heat.png', '--background', 'level.png', '--size', '300'], { cwd: dir });
    expect(text).toMatch(/progression: 1 level start\(s\), 1 complete, 0 failed \(completion rate 100\.0%\)/);
    expect(text).toMatch(/positions: 1129\n/);
    expect(text).toMatch(/heatmap: wrote heat\.png \(\d+x\d+/);
    const png = PNG.sync.read(readFileSync(join(dir, 'heat.png')));
    expect(Math.max(png.width, png.height)).toBe(300);
    expect([...png.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]); // a corner the kart never visits: the level image
    const replay = strata(['game', 'playtest', 'replay', id, '--speed', '0', '--from', '90s'], { cwd: dir });
    const lines = replay.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\s*90\.\d{3}s {2}position level=fortmagma pos=/);
    expect(lines[lines.length - 1]).toMatch(/session_end$/);
    expect(replay.stderr).toMatch(/replayed \d+ events \(\d+ before --from skipped\)/);
    const csv = strata(['game', 'playtest', 'export', id, '--format', 'csv', '-o', 'out.csv'], { cwd: dir }).stdout;
    expect(csv).toMatch(/^wrote 1133 events of [0-9a-f]{12} to out\.csv \(csv\)\n$/);
    const rows = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('t,offset_ms,type,level,x,y,z,health,fps,frame_ms,data');
    expect(rows).toHaveLength(1134);
  });

  it('compares two builds with sample sizes and p-values; analyze --version takes every session of a build', () => {
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(dir, `a${i}.jsonl`), session(30 + i, 1, 60));
      writeFileSync(join(dir, `b${i}.jsonl`), session(30 + i, 2, 30));
      ok(['game', 'playtest', 'record', '--version', 'build-1', `a${i}.jsonl`], { cwd: dir });
      ok(['game', 'playtest', 'record', '--version', 'build-2', `b${i}.jsonl`], { cwd: dir });
    }
    // Recording a file again adds nothing.
    expect(ok(['game', 'playtest', 'record', '--version', 'build-1', 'a0.jsonl'], { cwd: dir })).toMatch(/^already stored as session [0-9a-f]{64} \(the same events of the same build and player\): nothing added$/);
    const c = okJson<{ metrics: { metric: string; level?: string; a: number; b: number; nA: number; nB: number; p: number; significant: boolean }[] }>(['game', 'playtest', 'compare', 'build-1', 'build-2', '--json'], { cwd: dir });
    const rate = c.metrics.find((m) => m.metric === 'completion_rate')!;
    expect(rate.nA).toBe(2 + 93); // the two stdin sessions' level starts, and 30 + 31 + 32
    expect(rate.significant).toBe(true);
    expect(c.metrics.find((m) => m.metric === 'fps_p50')).toMatchObject({ significant: true });
    const text = ok(['game', 'playtest', 'compare', 'build-1', 'build-2'], { cwd: dir });
    expect(text).toMatch(/^completion_rate\s+[\d.]+\s+[\d.]+\s+-[\d.]+\s+95\s+\d+\s+(<1e-6|[\d.]+)\* two-proportion z-test$/m);
    expect(text).toContain('Mann-Whitney U');
    const all = okJson<{ sessions: number; version: string }>(['game', 'playtest', 'analyze', '--version', 'build-1', '--json'], { cwd: dir });
    expect(all).toMatchObject({ sessions: 5, version: v1 });
    const list = ok(['game', 'playtest', 'list', '--version', 'build-2'], { cwd: dir });
    expect(list.trim().split('\n')).toHaveLength(4);
    expect(errorCode(strata(['game', 'playtest', 'compare', 'build-1', 'nope'], { cwd: dir }).stderr)).toBe('UNKNOWN_REVISION');
    expect(errorCode(strata(['game', 'playtest', 'show', 'abcdef'], { cwd: dir }).stderr)).toBe('UNKNOWN_SESSION');
    const usage = strata(['game', 'playtest', 'analyze', '--version', 'build-1', 'abcd'], { cwd: dir });
    expect([usage.code, errorCode(usage.stderr)]).toEqual([2, 'USAGE']);
    const bad = strata(['game', 'playtest', 'import', 'a0.jsonl', '--version', 'build-1'], { cwd: dir });
    expect(errorCode(bad.stderr)).toBe('REPLAY_INVALID');
  });
});
