import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BENCH = fileURLToPath(new URL('../../dist/bench/chunking.js', import.meta.url));

function bench(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('bench:chunking arguments', () => {
  it('rejects an unknown case or argument with the usage text and exit 2, before fetching anything', () => {
    for (const args of [['--only', 'rar'], ['--only'], ['--fast']]) {
      const r = bench(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('usage: node dist/bench/chunking.js [--quick] [--only <case>[,<case>...]] [--keep]');
      expect(r.stderr).toContain('cases: linux, warzone, krita');
    }
  });
});
