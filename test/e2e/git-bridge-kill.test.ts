/**
 * Crash safety of `strata git export`: the process killed with SIGKILL at random moments leaves the git
 * repository with refs only on complete objects (`git fsck` finds nothing wrong, the branch is absent
 * or on a commit whose checkout equals the version's restore), and the next export finishes the work
 * without --force. The built CLI on a few thousand real files.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderListing } from '../helpers/folder-listing.js';
import { hasGit, runGit } from '../helpers/git.js';
import { ok, okJson, removeTempDirs, strataAsync, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const TRIALS = Number(process.env.STRATA_FAULT_TRIALS ?? 3);

/** A deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

function snapshot(dir: string, name: string): string {
  const lines = ok(['snapshot', '--json', '--name', name], { cwd: dir }).trim().split('\n');
  return (JSON.parse(lines[lines.length - 1] as string) as { id: string }).id;
}

/** A folder's listing, without the LFS file (a pointer in a clone without git-lfs) and the .gitattributes naming it. */
function listing(dir: string): string[] {
  return folderListing(dir, { skip: (p) => p === '.git' || p === '.strata' || p === '.gitattributes' || p === 'big.bin' });
}

describe.skipIf(!hasGit)('strata git export killed at random moments', () => {
  it(`leaves git consistent and is finished by the next run (${TRIALS} trials)`, async () => {
    const random = rng(Number(process.env.STRATA_FAULT_SEED ?? 20268));
    const project = tempDir('git-kill');
    ok(['init'], { cwd: project });
    for (let i = 0; i < 1500; i++) {
      const dir = join(project, `d${i % 25}`, `s${i % 4}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `f${i}.txt`), `file ${i}\n${'x'.repeat(Math.floor(random() * 4000))}\n`);
    }
    writeFileSync(join(project, 'big.bin'), Buffer.alloc(6 * 1024 * 1024, 7));
    chmodSync(join(project, 'd0/s0/f0.txt'), 0o755);
    const versions = [snapshot(project, 'one')];
    for (let v = 0; v < 2; v++) {
      for (let k = 0; k < 40; k++) writeFileSync(join(project, `d${k % 25}`, `s${k % 4}`, `f${k + v}.txt`), `changed ${v} ${k}\n`);
      versions.push(snapshot(project, `v${v}`));
    }
    // How long a whole export takes here: the kills land within its first 60 %.
    const scratch = join(tempDir('git-kill-scratch'), 's.git');
    runGit(join(scratch, '..'), ['init', '--quiet', '--bare', '--initial-branch=main', scratch]);
    const t0 = Date.now();
    ok(['git', 'export', scratch, '--lfs-threshold', '1M'], { cwd: project });
    const whole = Date.now() - t0;
    let killed = 0;
    let withRef = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const bare = join(tempDir('git-kill-bare'), 'r.git');
      runGit(join(bare, '..'), ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
      const child = strataAsync(['git', 'export', bare, '--lfs-threshold', '1M'], { cwd: project });
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const delay = Math.floor(whole * (0.05 + 0.55 * random()));
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const code = await exited;
      clearTimeout(timer);
      if (code === null) killed++;
      // Whatever happened: git finds nothing wrong, and the branch is absent or on a complete commit.
      const fsck = runGit(bare, ['fsck', '--strict', '--no-dangling'], { allowFail: true });
      expect([fsck.status, fsck.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('notice:'))]).toEqual([0, []]);
      const tip = runGit(bare, ['rev-parse', '--verify', '--quiet', 'refs/heads/main'], { allowFail: true }).stdout.trim();
      if (tip !== '') {
        withRef++;
        const n = Number(runGit(bare, ['rev-list', '--count', 'main']).stdout.trim());
        const clone = join(tempDir('git-kill-clone'), 'c');
        runGit(join(clone, '..'), ['clone', '--quiet', bare, clone]);
        const restored = tempDir('git-kill-restore');
        ok(['restore', versions[n - 1] as string, restored], { cwd: project });
        expect(listing(clone)).toEqual(listing(restored));
        if (process.env.STRATA_FAULT_VERBOSE) process.stderr.write(`trial ${trial}: killed after ${delay} of ${whole} ms with main on commit ${n} (exit ${code})\n`);
      }
      // The next run finishes, without --force.
      const done = okJson<{ head: string }>(['git', 'export', bare, '--lfs-threshold', '1M', '--json'], { cwd: project });
      expect(runGit(bare, ['rev-parse', 'main']).stdout.trim()).toBe(done.head);
      expect(Number(runGit(bare, ['rev-list', '--count', 'main']).stdout.trim())).toBe(versions.length);
      expect(runGit(bare, ['fsck', '--strict', '--no-dangling'])).toMatchObject({ stderr: '' });
    }
    // The delays are meant to land inside the export; at least one did.
    expect(killed).toBeGreaterThan(0);
  }, 180_000);
});
