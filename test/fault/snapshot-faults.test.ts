/**
 * Faults during `strata snapshot`, with real processes and files: SIGKILL at random moments, SIGINT,
 * two snapshots at once, files deleted or growing during the scan, very long paths, a 5 GiB sparse
 * file and a folder of 100,000 empty files.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, describeResult, initRepo, makeTempDir, runCli, runCliAsync, startCli } from '../helpers/cli.js';
import { chooseSeed, listObjectFiles, makeRng, randInt, randomBytesFrom } from './_support.js';

const TRIALS = Number(process.env.STRATA_FAULT_TRIALS ?? 12);
const tmp = makeTempDir('strata-snapfault-');
afterAll(() => tmp.cleanup());

/** A folder of `files` small files (half random, half text) and two 3 MiB files. */
function makeFolder(root: string, files: number, rng: () => number): void {
  const pool = randomBytesFrom(rng, 4 * 1024 * 1024);
  for (let i = 0; i < files; i++) {
    const dir = join(root, `d${i % 25}`, `s${i % 4}`);
    mkdirSync(dir, { recursive: true });
    const size = randInt(rng, 512, 12 * 1024);
    const start = randInt(rng, 0, pool.length - size);
    const body = i % 2 ? pool.subarray(start, start + size) : Buffer.from(`line ${i} of a text file\n`.repeat(Math.ceil(size / 26)));
    writeFileSync(join(dir, `f${i}.dat`), Buffer.concat([Buffer.from(`#${i}\n`), body]));
  }
  writeFileSync(join(root, 'big1.bin'), randomBytesFrom(rng, 3 * 1024 * 1024));
  writeFileSync(join(root, 'big2.bin'), randomBytesFrom(rng, 3 * 1024 * 1024));
}

/** Ids of the versions the repository keeps (refs/versions/*). */
function versionRefs(repo: string): string[] {
  const dir = join(repo, 'refs', 'versions');
  // A writer killed while writing a ref leaves its `<name>.lock` (debris, not a ref): leave it out.
  return existsSync(dir) ? readdirSync(dir).filter((name) => /^[0-9a-f]{64}$/.test(name)).sort() : [];
}

function fsckOk(repo: string): void {
  const r = runCli(['fsck', '--repo', repo]);
  expect(r.code, describeResult(r)).toBe(0);
}

describe('SIGKILL and SIGINT during snapshot', () => {
  const rng = makeRng(chooseSeed('snapshot-faults'));
  let data: string;
  let fullMs = 0;
  let fullObjects = 0;

  beforeAll(() => {
    data = join(tmp.dir, 'data');
    makeFolder(data, 1500, rng);
    const repo = join(tmp.dir, 'measure');
    initRepo(repo);
    const r = runCli(['snapshot', data, '--repo', repo]);
    expect(r.code, describeResult(r)).toBe(0);
    fullMs = r.durationMs;
    fullObjects = listObjectFiles(repo).objects.length;
  });

  it(`a snapshot killed at random moments leaves a consistent repository, over ${TRIALS} kills`, async () => {
    const repo = join(tmp.dir, 'killed');
    initRepo(repo);
    let killedMidway = 0;
    let reusedAfterKill = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const before = versionRefs(repo);
      const headBefore = runCli(['rev-parse', 'main', '--repo', repo]).stdout.trim();
      // --rescan: the snapshot before this one filled the cache, and an incremental snapshot would
      // finish before most kills; every killed run reads (and, in a fresh repository, writes) it all.
      const run = startCli(['snapshot', data, '--repo', repo, '-m', `trial ${trial}`, '--rescan']);
      await run.spawned;
      await new Promise((resolve) => setTimeout(resolve, randInt(rng, 50, Math.max(100, Math.round(fullMs * 0.8)))));
      run.kill('SIGKILL');
      const r = await run.done;
      if (r.signal === 'SIGKILL') killedMidway++;
      // No partial version: either the snapshot finished (one new version, the branch on it) or
      // nothing visible changed except, at most, a finished version its branch update did not reach.
      const after = versionRefs(repo);
      const added = after.filter((v) => !before.includes(v));
      expect(added.length, `trial ${trial}`).toBeLessThanOrEqual(1);
      for (const v of added) {
        const listing = runCli(['ls-tree', '-r', v, '--repo', repo]);
        expect(listing.code, `trial ${trial}: ${describeResult(listing)}`).toBe(0);
      }
      const headAfter = runCli(['rev-parse', 'main', '--repo', repo]).stdout.trim();
      if (headAfter !== headBefore) expect(added).toEqual([headAfter]);
      fsckOk(repo);
      // The next snapshot succeeds and reuses what the killed one stored.
      const stored = listObjectFiles(repo).objects.length;
      const next = runCli(['snapshot', data, '--repo', repo, '--json']);
      expect(next.code, describeResult(next)).toBe(0);
      const summary = JSON.parse(next.stdout.trim().split('\n').pop() as string) as { newObjects: number };
      if (stored > 5 && summary.newObjects < fullObjects - 2) reusedAfterKill++;
      fsckOk(repo);
      // Start over from a fresh repository now and then, so kills also land in first snapshots.
      if (trial % 2 === 1) {
        rmSync(repo, { recursive: true, force: true });
        initRepo(repo);
      }
    }
    console.log(`[snapshot-faults] ${killedMidway} of ${TRIALS} kills landed while a snapshot ran; ${reusedAfterKill} next snapshots reused stored objects`);
    expect(killedMidway, 'the kills should land while snapshots run').toBeGreaterThanOrEqual(Math.ceil(TRIALS / 3));
    expect(reusedAfterKill).toBeGreaterThan(0);
    // Leftover temporary files are removed by prune.
    runCli(['prune', '--expire', 'now', '--repo', repo]);
    expect(listObjectFiles(repo).temps).toEqual([]);
  }, 240_000);

  it('SIGINT: exits 130 promptly, releases its lock, and the repository stays consistent', async () => {
    const repo = join(tmp.dir, 'interrupted');
    initRepo(repo);
    const run = startCli(['snapshot', data, '--repo', repo]);
    await run.spawned;
    await new Promise((resolve) => setTimeout(resolve, Math.max(150, Math.round(fullMs * 0.4))));
    const sent = Date.now();
    run.kill('SIGINT');
    const r = await run.done;
    if (r.code === 0) return; // finished before the signal arrived: nothing to check
    expect(r.code, describeResult(r)).toBe(130);
    expect(Date.now() - sent).toBeLessThan(3000);
    expect(r.stderr).toMatch(/^error\[INTERRUPTED\]/m);
    expect(readdirSync(join(repo, 'locks'))).toEqual([]);
    fsckOk(repo);
    expect(runCli(['snapshot', data, '--repo', repo]).code).toBe(0);
  }, 60_000);
});

describe('two snapshots into one repository at once', () => {
  it('both versions are recorded, one after the other; nothing is lost or corrupted', async () => {
    const repo = join(tmp.dir, 'race');
    initRepo(repo);
    const rng = makeRng(7);
    const a = join(tmp.dir, 'race-a');
    const b = join(tmp.dir, 'race-b');
    makeFolder(a, 300, rng);
    makeFolder(b, 300, rng);
    for (let round = 0; round < 3; round++) {
      const [ra, rb] = await Promise.all([
        runCliAsync(['snapshot', a, '--repo', repo, '--json', '--wait', '30']),
        runCliAsync(['snapshot', b, '--repo', repo, '--json', '--wait', '30']),
      ]);
      expect(ra.code, describeResult(ra)).toBe(0);
      expect(rb.code, describeResult(rb)).toBe(0);
    }
    // Six versions on main, each the parent of the next.
    const chain: string[] = [];
    let rev = 'main';
    for (;;) {
      const r = runCli(['rev-parse', rev, '--repo', repo]);
      if (r.code !== 0) break;
      chain.push(r.stdout.trim());
      rev = `${rev}~1`;
    }
    expect(chain).toHaveLength(6);
    expect(new Set(chain).size).toBe(6);
    expect(versionRefs(repo).sort()).toEqual([...chain].sort());
    const r = runCli(['fsck', '--full', '--repo', repo]);
    expect(r.code, describeResult(r)).toBe(0);
  }, 120_000);
});

describe('files that change during the scan, and unusual folders', () => {
  it('a file that keeps growing is re-read or left out with a warning, never stored torn', async () => {
    const dir = join(tmp.dir, 'growing');
    mkdirSync(dir);
    const repo = join(tmp.dir, 'growing-repo');
    initRepo(repo);
    writeFileSync(join(dir, 'log.txt'), 'start\n');
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, `other${i}.txt`), `other ${i}\n`);
    // A writer that appends to log.txt continuously while the snapshot runs.
    // About 10 MB a second for 3 seconds.
    const writer = spawn(process.execPath, [
      '-e',
      `const fs=require('fs');const end=Date.now()+3000;let i=0;const t=setInterval(()=>{if(Date.now()>end){clearInterval(t);return;}fs.appendFileSync(${JSON.stringify(join(dir, 'log.txt'))}, ('line '+(i++)+'\\n').repeat(2000));},2);`,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const r = await runCliAsync(['snapshot', dir, '--repo', repo, '--json']);
    await new Promise((resolve) => writer.on('close', resolve));
    expect([0, 3], describeResult(r)).toContain(r.code);
    const final = readFileSync(join(dir, 'log.txt'));
    const listing = runCli(['ls-tree', 'main', 'log.txt', '--json', '--repo', repo]);
    if (r.code === 3) expect(r.stderr).toMatch(/kept changing while it was read/);
    if (listing.code === 0 && listing.stdout.includes('log.txt')) {
      // Whatever was stored is a consistent prefix of the append-only file. (`cat`, not `cat-file
      // --raw`: a file that grew past the chunking threshold is stored as a chunk list.)
      const stored = runCli(['cat', 'main:log.txt', '--repo', repo]).stdoutBuffer;
      expect(final.subarray(0, stored.length).equals(stored)).toBe(true);
    }
    fsckOk(repo);
  }, 60_000);

  it('files deleted during the scan are warnings (exit 3); what was stored is intact', async () => {
    const dir = join(tmp.dir, 'vanishing');
    const repo = join(tmp.dir, 'vanishing-repo');
    initRepo(repo);
    const contents = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const sub = join(dir, `g${i % 30}`);
      mkdirSync(sub, { recursive: true });
      const body = `file ${i}\n`.repeat(200);
      contents.set(`g${i % 30}/v${i}.txt`, body);
      writeFileSync(join(sub, `v${i}.txt`), body);
    }
    const run = startCli(['snapshot', dir, '--repo', repo, '--json']);
    await run.spawned;
    await new Promise((resolve) => setTimeout(resolve, 150));
    for (let i = 2999; i >= 0; i -= 2) rmSync(join(dir, `g${i % 30}`, `v${i}.txt`), { force: true });
    const r = await run.done;
    expect([0, 3], describeResult(r)).toContain(r.code);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // Every file that was stored has exactly its content.
    const out = join(tmp.dir, 'vanishing-out');
    cliOk(repo, ['checkout-tree', 'main', out]);
    let checked = 0;
    for (let g = 0; g < 30; g++) {
      for (const name of readdirSync(join(out, `g${g}`))) {
        expect(readFileSync(join(out, `g${g}`, name), 'utf8')).toBe(contents.get(`g${g}/${name}`));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    fsckOk(repo);
  }, 60_000);

  it('very long paths: a deep path is stored and restored; one beyond the system limit is a warning, not a crash', () => {
    const dir = join(tmp.dir, 'deep');
    const repo = join(tmp.dir, 'deep-repo');
    initRepo(repo);
    const segment = 'x'.repeat(200);
    const deep = join(dir, ...Array.from({ length: 14 }, (_, i) => `${segment}${i}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'leaf.txt'), 'deep leaf');
    // Past PATH_MAX (4096 bytes): built with relative steps (chdir, then mkdir a name at a time).
    execFileSync(process.execPath, [
      '-e',
      `const fs=require('fs');process.chdir(${JSON.stringify(deep)});for(let i=0;i<12;i++){const n=${JSON.stringify(segment)}+'d'+i;fs.mkdirSync(n);process.chdir(n);}fs.writeFileSync('far.txt','far');`,
    ]);
    const r = runCli(['snapshot', dir, '--repo', repo]);
    expect(r.code, describeResult(r)).toBe(3);
    expect(r.stderr).toMatch(/^warning: cannot read .*ENAMETOOLONG/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const rel = Array.from({ length: 14 }, (_, i) => `${segment}${i}`).join('/');
    expect(cliOk(repo, ['cat-file', '--raw', `main:${rel}/leaf.txt`])).toBe('deep leaf');
    fsckOk(repo);
    execFileSync('rm', ['-rf', dir]); // GNU rm walks paths longer than PATH_MAX; node's rmSync cannot
  });

  it('a 5 GiB sparse file is stored in bounded memory as a few small objects', () => {
    const dir = join(tmp.dir, 'sparse');
    mkdirSync(dir);
    const repo = join(tmp.dir, 'sparse-repo');
    initRepo(repo);
    execFileSync('truncate', ['-s', '5G', join(dir, 'disk.img')]);
    appendFileSync(join(dir, 'disk.img'), 'tail');
    const r = runCli(['snapshot', dir, '--repo', repo, '--json'], { wrap: ['/usr/bin/time', '-f', 'maxrss %M'] });
    expect(r.code, describeResult(r)).toBe(0);
    const rss = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
    expect(rss, 'peak RSS in KiB').toBeLessThan(300 * 1024);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { bytes: number; newStoredBytes: number };
    expect(summary.bytes).toBe(5 * 1024 ** 3 + 4);
    expect(summary.newStoredBytes).toBeLessThan(1024 * 1024);
    fsckOk(repo);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('a folder of 100,000 empty files', () => {
    const dir = join(tmp.dir, 'many');
    const repo = join(tmp.dir, 'many-repo');
    initRepo(repo);
    for (let d = 0; d < 100; d++) {
      const sub = join(dir, `d${d}`);
      mkdirSync(sub, { recursive: true });
      for (let i = 0; i < 1000; i++) writeFileSync(join(sub, `e${i}`), '');
    }
    const r = runCli(['snapshot', dir, '--repo', repo, '--json'], { timeoutMs: 170_000 });
    expect(r.code, describeResult(r)).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { files: number; directories: number; bytes: number };
    expect(summary).toMatchObject({ files: 100_000, directories: 100, bytes: 0 });
    expect(listObjectFiles(repo).objects.length).toBeLessThanOrEqual(103); // one empty blob, 101 trees, the version
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});
