/**
 * The game benchmark end to end on its smallest inputs (a few seconds): `--quick` builds a 100-version
 * platforms history, times `strata game platforms history`, finds exactly the planted changes, prints
 * its tables and a JSON line, judges no target and leaves no temp folder behind; bad arguments exit 2.
 * Its generator writes a normal repository (log, check, show at a version read it) with the changes
 * it claims.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, okJson, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const BENCH = fileURLToPath(new URL('../../dist/bench/game.js', import.meta.url));
const PROJECT = new URL('../../dist/bench/lib/game-history-project.js', import.meta.url).href;

function bench(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

interface BenchJson {
  bench: string;
  quick: boolean;
  targetsApply: boolean;
  versions: number;
  planted: number;
  failures: number;
  missed: number;
  metrics: Record<string, number | null>;
  targets: Record<string, unknown>;
}

describe('npm run bench:game', () => {
  it('--quick: times history over 100 versions, finds the 10 planted changes, judges no target', () => {
    const r = bench(['--quick']);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1] as string) as BenchJson;
    expect(json).toMatchObject({ bench: 'game', quick: true, targetsApply: false, versions: 100, planted: 10, failures: 0, missed: 0 });
    expect(json.metrics['platforms-history.changes']).toBe(10);
    expect(json.metrics['platforms-history.strata_history_s']).toBeGreaterThan(0);
    const evaluated = json.metrics['platforms-history.evaluated'] as number;
    expect(evaluated).toBeGreaterThan(10);
    expect(evaluated).toBeLessThanOrEqual(100);
    expect(json.targets).toEqual({});
    expect(r.stdout).toMatch(/history switch graphics\.fps, 100 versions\s+[\d.]+\s.*best of 3\s+10 changes, as planted/);
    expect(r.stdout).toContain('n/a (--quick: targets apply to a full run)');
    expect(r.stdout).not.toMatch(/\bPASS\b|\bMISS\b/);
    const temp = /temp folder (\S+);/.exec(r.stderr)?.[1];
    expect(temp).toBeDefined();
    expect(existsSync(temp as string)).toBe(false);
  }, 60_000);

  it('rejects an unknown argument or case with the usage text and exit 2', () => {
    const a = bench(['--fast']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown argument "--fast"');
    expect(a.stderr).toContain('usage: node dist/bench/game.js');
    const b = bench(['--only', 'nope']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--only: unknown case "nope"');
  });

  it('the generator writes a normal repository holding the changes it claims', async () => {
    const { buildHistoryProject } = (await import(PROJECT)) as typeof import('../../bench/lib/game-history-project.js');
    const dir = tempDir('bench-game');
    const p = await buildHistoryProject({ dir, versions: 25, fpsEvery: 10, otherFiles: 40 });
    expect(p.versions).toHaveLength(25);
    expect(p.changes.map((c) => [c.index, c.value, c.before])).toEqual([
      [1, 20, undefined],
      [11, 21, 20],
      [21, 22, 21],
    ]);
    expect(p.changes.map((c) => c.version)).toEqual([p.versions[0], p.versions[10], p.versions[20]]);
    const logged = okJson<Array<{ id: string; name: string; files: number }>>(['log', '--json'], { cwd: dir });
    expect(logged.map((v) => v.id)).toEqual([...p.versions].reverse());
    expect(logged[0]).toMatchObject({ name: 'build 25', files: 46 });
    expect(ok(['check'], { cwd: dir })).toContain('no damage found');
    const shown = okJson(['game', 'platforms', 'show', 'switch', '-r', 'HEAD~5', '-k', 'graphics.fps', '--json'], { cwd: dir });
    expect(shown.entries).toEqual([{ key: 'graphics.fps', path: ['graphics', 'fps'], value: 21, file: 'config/switch.toml', line: 4 }]);
    const history = okJson(['game', 'platforms', 'history', 'switch', 'graphics.fps', '--json'], { cwd: dir });
    expect(history.entries.map((e: { version: string; value: number }) => [e.version, e.value])).toEqual([
      [p.versions[20], 22],
      [p.versions[10], 21],
      [p.versions[0], 20],
    ]);
  }, 30_000);
});
