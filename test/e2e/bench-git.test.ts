/**
 * The git bridge's benchmark end to end on its smallest inputs (`--quick`: 500 files in 10 states,
 * a few seconds): both sides timed, the export checked by git (its tip tree is git's own), tables and a
 * JSON line printed, no target judged, no temp folder left; a bad argument exits 2 with the usage.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasGit } from '../helpers/git.js';

const BENCH = fileURLToPath(new URL('../../dist/bench/git.js', import.meta.url));

function bench(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasGit)('npm run bench:git', () => {
  it('--quick: times git add+commit and the export of 10 versions, judges no target', () => {
    const r = bench(['--quick']);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1] as string) as { bench: string; quick: boolean; files: number; states: number; failures: number; metrics: Record<string, number | null>; targets: Record<string, unknown> };
    expect(json).toMatchObject({ bench: 'git', quick: true, files: 500, states: 10, failures: 0 });
    expect(json.metrics['git-export.git_add_commit_s']).toBeGreaterThan(0);
    expect(json.metrics['git-export.strata_export_s']).toBeGreaterThan(0);
    expect(json.metrics['targets.export_vs_git_ratio']).toBeCloseTo((json.metrics['git-export.strata_export_s'] as number) / (json.metrics['git-export.git_add_commit_s'] as number), 4);
    expect(json.metrics['git-export.export_vs_git_cpu_ratio']).toBeGreaterThan(0);
    expect(json.targets).toEqual({});
    expect(r.stdout).toMatch(/strata git export, 10 versions\s+[\d.]+\s.*tip tree = git's/);
    expect(r.stdout).toMatch(/strata git export, 1 new version\s+[\d.]+/);
    expect(r.stdout).toMatch(/strata git import, 11 commits made by git\s+[\d.]+/);
    expect(json.metrics['git-export.strata_import_s']).toBeGreaterThan(0);
    expect(r.stdout).toContain('n/a (--quick: targets apply to a full run)');
    const temp = /temp folder (\S+);/.exec(r.stderr)?.[1];
    expect(temp).toBeDefined();
    expect(existsSync(temp as string)).toBe(false);
  }, 120_000);

  it('rejects an unknown argument with the usage text and exit 2', () => {
    const r = bench(['--fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown argument "--fast"');
    expect(r.stderr).toContain('usage: node dist/bench/git.js');
  });
});
