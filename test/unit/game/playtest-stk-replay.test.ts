/** SuperTuxKart replays: the fixture read field by field, broken replays, and every replay Debian's supertuxkart-data ships. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlaytestAnalyzer, parseStkReplay, type StkReplay } from '../../../personas/game/index.js';
import { debianMaterial } from '../../helpers/debian-material.js';

const FIXTURE = new URL('../../fixtures/game/playtest/standard_supertux_fortmagma.replay', import.meta.url);

function parsed(text: string): StkReplay {
  const r = parseStkReplay(text);
  if ('error' in r) throw new Error(r.error);
  return r;
}

describe('parseStkReplay', () => {
  it('reads the header, every frame and the race as events', () => {
    const r = parsed(readFileSync(FIXTURE, 'utf8'));
    expect(r).toMatchObject({ version: 4, stkVersion: '1.4', track: 'fortmagma', mode: 'time-trial', difficulty: 'supertux', laps: 3, reverse: false, minTime: 94.882843, uid: expect.any(String) });
    expect(r.karts).toHaveLength(1);
    expect(r.karts[0]!.player).toBe('☆★STK★☆');
    expect(r.frames).toEqual([1129]);
    expect(r.problems).toEqual([]);
    expect(r.events).toHaveLength(1129 + 4);
    expect(r.events.slice(0, 2).map((e) => e.type)).toEqual(['session_start', 'level_start']);
    const positions = r.events.filter((e) => e.type === 'position');
    // The first frame line: time, x y z (y up), quaternion, speed, steer, ...; events take x and z as the ground plane.
    const firstLine = readFileSync(FIXTURE, 'utf8').split('\n')[13]!.trim().split(/\s+/).map(Number);
    expect(positions[0]).toMatchObject({ t: Math.round(firstLine[0]! * 1000), x: firstLine[1], y: firstLine[3], z: firstLine[2], level: 'fortmagma' });
    expect(positions[0]!.data).toMatchObject({ speed: firstLine[8], distance: firstLine[20] });
    const complete = r.events.find((e) => e.type === 'level_complete')!;
    expect(complete.t).toBe(94883);
    for (let i = 1; i < r.events.length; i++) expect(r.events[i]!.t).toBeGreaterThanOrEqual(r.events[i - 1]!.t);
    // Distance down the track grows through the race.
    const d = positions.map((e) => e.data!['distance'] as number);
    expect(d[d.length - 1]!).toBeGreaterThan(d[0]! + 1000);
  });

  it('reports broken frame lines by line number and keeps the rest', () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    lines[20] = 'garbage';
    const r = parsed(lines.join('\n'));
    expect(r.problems).toEqual([
      { line: 21, message: 'frame 8 of kart 1 is not a frame line (1 fields)' },
      { line: 1142, message: 'kart 1: 1129 frames announced, 1128 read' },
    ]);
    expect(r.frames).toEqual([1128]);
  });

  it('refuses what is not a replay', () => {
    expect(parseStkReplay('hello\n')).toEqual({ error: 'not a SuperTuxKart replay: the first line is not "version: <n>"' });
    expect(parseStkReplay('version: 4\nkart: tux\n')).toEqual({ error: 'not a SuperTuxKart replay: no "track:" line in the header' });
  });
});

const material = debianMaterial('supertuxkart-data', 'usr/share/games/supertuxkart/data/replay/standard_novice_mines.replay');

describe.skipIf(material.root === undefined)(`every replay of supertuxkart-data${material.reason ? ` (skipped: ${material.reason})` : ''}`, () => {
  it('reads all 29 replays without a problem, one lap-race per file, analysable', () => {
    const dir = join(material.root!, 'usr/share/games/supertuxkart/data/replay');
    const files = readdirSync(dir).filter((f) => f.endsWith('.replay')).sort();
    expect(files).toHaveLength(29);
    const tracks = new Set<string>();
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const r = parsed(text);
      const announced = [...text.matchAll(/^size:\s*(\d+)/gm)].map((m) => Number(m[1]));
      expect(r.problems, f).toEqual([]);
      expect(r.frames, f).toEqual(announced);
      expect(text, f).toContain(`\ntrack: ${r.track}\n`);
      tracks.add(r.track);
      const an = new PlaytestAnalyzer();
      r.events.forEach((e) => an.add(e));
      const a = an.result();
      expect(a.positions, f).toBe(announced.reduce((s, n) => s + n, 0));
      expect(a.funnel.levels, f).toEqual([expect.objectContaining({ level: r.track, starts: 1, completes: 1 })]);
      // The recording ends within a few seconds after the finishing time.
      expect(Math.abs(a.durationMs - r.minTime! * 1000), f).toBeLessThan(5000);
    }
    expect(tracks.size).toBeGreaterThanOrEqual(20);
  });
});
