/**
 * The porcelain benchmark end to end at a tiny scale (a few seconds): it runs the built script,
 * measures strata (and git when installed), prints its tables and a JSON line, leaves no temp folder
 * behind, and rejects bad arguments with exit 2. Its data set is the same for the same seed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const BENCH = fileURLToPath(new URL('../../dist/bench/porcelain.js', import.meta.url));
const DATA = new URL('../../dist/bench/lib/porcelain-data.js', import.meta.url).href;
const TEXT = new URL('../../dist/bench/lib/data.js', import.meta.url).href;

function bench(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function installed(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function strataHasRestore(): boolean {
  const r = spawnSync(process.execPath, [CLI, 'restore', '--help'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.startsWith('strata restore');
}

interface BenchJson {
  bench: string;
  scale: number;
  targetsApply: boolean;
  failures: number;
  tools: string;
  metrics: Record<string, number | null>;
  targets: Record<string, unknown>;
  notes: Array<{ caseName: string; text: string }>;
}

/** sha256 of every file under `root`, by relative path. */
function digestTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(root, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(root);
  return out;
}

describe('npm run bench:porcelain', () => {
  it('measures snapshots and a single-file restore at a tiny scale and prints tables and a JSON line', () => {
    const withGit = installed('git');
    const r = bench(['--scale', '0.005', '--only', 'unchanged-snapshot,edited-snapshot,restore-small', '--tools', 'strata,git']);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);

    const lines = r.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1] as string) as BenchJson;
    expect(json).toMatchObject({ bench: 'porcelain', scale: 0.005, targetsApply: false, failures: 0 });
    expect(json.tools).toBe(withGit ? 'strata,git' : 'strata');
    // Below --scale 1 no target is judged: the table says why, the JSON holds none.
    expect(json.targets).toEqual({});
    expect(r.stdout).toContain('n/a (--scale 0.005: targets apply at 1)');
    expect(r.stdout).not.toMatch(/\bPASS\b|\bMISS\b/);

    const m = json.metrics;
    expect(m['unchanged-snapshot.strata_s']).toBeGreaterThan(0);
    expect(m['edited-snapshot.strata_growth_mb']).toBeGreaterThan(0);
    expect(m['peak_rss.strata_mb']).toBeGreaterThan(0);
    // The nothing-changed snapshot reads no file again (the data settled before it).
    expect(r.stdout).toMatch(/snapshot, nothing changed \(best of 3\)\s+strata\s+[\d.]+.*read 0 of \d+ files/);
    if (withGit) {
      expect(m['unchanged-snapshot.git_s']).toBeGreaterThan(0);
      expect(m['edited-snapshot.git_growth_mb']).toBeGreaterThan(0);
      expect(m['restore-small.git_s']).toBeGreaterThan(0);
      expect(m['ratio.edited_growth_over_git']).toBeGreaterThan(0);
    }
    // The first snapshot was needed but not selected: it ran untimed and has no figures.
    expect(Object.keys(m).some((k) => k.startsWith('first-snapshot.'))).toBe(false);
    if (strataHasRestore()) {
      expect(m['restore-small.strata_s']).toBeGreaterThan(0);
    } else {
      expect(m['restore-small.strata_s']).toBeNull();
      expect(json.notes).toContainEqual({ caseName: 'restore-small', text: expect.stringContaining('restore not available') });
    }

    const temp = /temp folder (\S+);/.exec(r.stderr)?.[1];
    expect(temp).toBeDefined();
    expect(existsSync(temp as string)).toBe(false);
  });

  it.each([
    [['--scale', '0']],
    [['--scale', 'x']],
    [['--only', 'nope']],
    [['--tools', 'svn']],
    [['--quick', '--scale', '0.1']],
    [['--bogus']],
  ])('rejects %j with exit 2 and the usage text', (args) => {
    const r = bench(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: node dist/bench/porcelain.js');
    expect(r.stdout).toBe('');
  });

  it('writes every byte of text content, whatever the buffer held before', async () => {
    const { TextGenerator } = (await import(TEXT)) as typeof import('../../bench/lib/data.js');
    for (const size of [1, 100, 1023, 1024, 1025, 5000, 20_480]) {
      const a = Buffer.alloc(size, 0x00);
      const b = Buffer.alloc(size, 0xff);
      new TextGenerator(3).fill(a);
      new TextGenerator(3).fill(b);
      expect(a.equals(b)).toBe(true);
    }
  });

  it('generates the same data set from the same seed', async () => {
    const { generateDataSet } = (await import(DATA)) as typeof import('../../bench/lib/porcelain-data.js');
    const a = generateDataSet(join(tempDir('bench-data'), 'a'), 0.002, 7);
    const b = generateDataSet(join(tempDir('bench-data'), 'b'), 0.002, 7);
    expect(b.files).toBe(a.files);
    expect(b.bytes).toBe(a.bytes);
    const da = digestTree(a.root);
    expect(da.size).toBe(a.files);
    expect(digestTree(b.root)).toEqual(da);
    const c = generateDataSet(join(tempDir('bench-data'), 'c'), 0.002, 8);
    expect(digestTree(c.root)).not.toEqual(da);
  });
});
