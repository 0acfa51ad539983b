/**
 * The game benchmark's feedback case on its small input (`--quick --only feedback-import`: 10,000 CSV
 * rows): the import finds exactly the planted new, unlinked and malformed rows, the re-import adds
 * nothing, the report covers the 5 builds, no target is judged.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BENCH = fileURLToPath(new URL('../../dist/bench/game.js', import.meta.url));

describe('npm run bench:game -- --only feedback-import', () => {
  it('--quick: 10,000 rows imported as planted, re-import adds nothing', () => {
    const r = spawnSync(process.execPath, [BENCH, '--quick', '--only', 'feedback-import'], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1] as string) as { failures: number; metrics: Record<string, number | null>; targets: Record<string, unknown> };
    expect(json.failures).toBe(0);
    expect(json.metrics['feedback-import.rows']).toBe(10_000);
    expect(json.metrics['feedback-import.added']).toBe(9_990);
    expect(json.metrics['feedback-import.unlinked']).toBe(10);
    expect(json.metrics['feedback-import.malformed']).toBe(10);
    expect(json.metrics['feedback-import.present']).toBe(9_990);
    expect(json.metrics['feedback-import.strata_feedback_import_s']).toBeGreaterThan(0);
    expect(json.targets).toEqual({});
    expect(r.stdout).toMatch(/feedback import of 10,000 CSV rows\s+[\d.]+\s.*9990 new, 10 unlinked, 10 malformed, as planted/);
  }, 90_000);
});
