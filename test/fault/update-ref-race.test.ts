/**
 * Ref updates under contention (objects-spec.md section 7.3): of several writers moving one ref from the
 * same old value exactly one wins, the others get REF_CHANGED (exit 1) or LOCKED (exit 11); stale and
 * live lock files are reported, never removed silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, cliOkAsync, describeResult, initRepo, makeTempDir, parseErrorLine, parseJsonLines, runCliAsync, startCli, type CliResult } from '../helpers/cli.js';

const ROUNDS = 6;
const RACERS = 3;

/** The host name as strata writes it into lock files and temp file names. */
function safeHost(): string {
  return hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'host';
}

function noStack(r: CliResult): void {
  expect(r.stderr, describeResult(r)).not.toMatch(/^\s+at /m);
  expect(r.stderr.trim().split('\n').length, describeResult(r)).toBeLessThanOrEqual(2);
}

describe.concurrent('update-ref races and locks', () => {
  const tmp = makeTempDir('strata-race-');
  const repo = join(tmp.dir, 'repo');
  const versions: string[] = [];

  beforeAll(() => {
    initRepo(repo);
    const data = join(tmp.dir, 'data');
    mkdirSync(data);
    // Enough distinct objects for every round's old value and every racer's new value, stored with one
    // process: update-ref accepts any stored object.
    const files: string[] = [];
    for (let i = 0; i < ROUNDS * RACERS + 1; i++) {
      const file = join(data, `n${i}.txt`);
      writeFileSync(file, `state ${i}\n`);
      files.push(file);
    }
    versions.push(...cliOk(repo, ['hash-object', '-w', ...files]).split('\n'));
    expect(new Set(versions).size).toBe(ROUNDS * RACERS + 1);
    cliOk(repo, ['update-ref', 'refs/heads/main', versions[0] as string]);
  });

  afterAll(() => tmp.cleanup());

  // Each test works on its own ref, so the tests can run at the same time.
  const refFile = (branch = 'main') => join(repo, 'refs', 'heads', branch);
  const lockFile = (branch = 'main') => `${refFile(branch)}.lock`;

  it(`${ROUNDS} rounds of ${RACERS} concurrent compare-and-swap updates: exactly one wins each round`, async () => {
    let old = versions[0] as string;
    const codes = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const news = Array.from({ length: RACERS }, (_, i) => versions[1 + round * RACERS + i] as string);
      const runs = news.map((n) => startCli(['update-ref', 'refs/heads/main', n, old, '--repo', repo]));
      const results = await Promise.all(runs.map((r) => r.done));
      const winners = results.flatMap((r, i) => (r.code === 0 ? [i] : []));
      const summary = results.map((r) => describeResult(r)).join('\n');
      expect(winners, `round ${round}: exactly one update wins\n${summary}`).toHaveLength(1);
      for (const [i, r] of results.entries()) {
        if (i === winners[0]) {
          expect(r.stderr, describeResult(r)).toBe('');
          continue;
        }
        const err = parseErrorLine(r.stderr);
        expect(['REF_CHANGED', 'LOCKED'], `round ${round} loser\n${describeResult(r)}`).toContain(err?.code);
        expect(r.code, describeResult(r)).toBe(err?.code === 'LOCKED' ? 11 : 1);
        noStack(r);
        codes.set(err?.code as string, (codes.get(err?.code as string) ?? 0) + 1);
      }
      const winner = news[winners[0] as number] as string;
      expect(readFileSync(refFile(), 'utf8'), `round ${round}: the ref holds the winner's value`).toBe(`${winner}\n`);
      expect(existsSync(lockFile()), 'no lock file is left behind').toBe(false);
      old = winner;
    }
    console.log(`[update-ref-race] losers by error code: ${JSON.stringify(Object.fromEntries(codes))}`);
  }, 120_000);

  it('a lock left by a dead process on this host is reported as STALE_LOCK (exit 11) with a hint naming the file, and kept', async () => {
    const branch = 'stale';
    await cliOkAsync(repo, ['update-ref', `refs/heads/${branch}`, versions[0] as string]);
    const dead = spawnSync(process.execPath, ['-e', '']);
    expect(dead.status).toBe(0);
    const deadPid = dead.pid as number;
    expect(() => process.kill(deadPid, 0), 'the pid must belong to no live process').toThrow();
    const before = readFileSync(refFile(branch), 'utf8').trim();
    const target = versions[versions.length - 1] as string;
    const lock = JSON.stringify({ pid: deadPid, host: safeHost(), time: 0 });
    writeFileSync(lockFile(branch), lock);
    try {
      const r = await runCliAsync(['update-ref', `refs/heads/${branch}`, target, '--repo', repo]);
      expect(r.code, describeResult(r)).toBe(11);
      const err = parseErrorLine(r.stderr);
      expect(err?.code, describeResult(r)).toBe('STALE_LOCK');
      expect(err?.message).toContain(String(deadPid));
      expect(err?.hint, describeResult(r)).toBeDefined();
      expect(err?.hint).toContain(lockFile(branch));
      noStack(r);
      expect(readFileSync(lockFile(branch), 'utf8'), 'the stale lock is never removed silently').toBe(lock);
      expect(readFileSync(refFile(branch), 'utf8').trim(), 'the ref is unchanged').toBe(before);

      const j = await runCliAsync(['update-ref', `refs/heads/${branch}`, target, '--repo', repo, '--json']);
      expect(j.code).toBe(11);
      const [json] = parseJsonLines(j.stderr);
      expect(json).toMatchObject({ code: 'STALE_LOCK', exitCode: 11 });
    } finally {
      rmSync(lockFile(branch), { force: true });
    }
    const ok = await runCliAsync(['update-ref', `refs/heads/${branch}`, target, '--repo', repo]);
    expect(ok.code, describeResult(ok)).toBe(0);
    expect(readFileSync(refFile(branch), 'utf8')).toBe(`${target}\n`);
  });

  it('a lock held by a live process: update-ref waits, then exits 11 LOCKED; the lock and the ref stay as they were', async () => {
    const branch = 'live';
    await cliOkAsync(repo, ['update-ref', `refs/heads/${branch}`, versions[0] as string]);
    const before = readFileSync(refFile(branch), 'utf8');
    const lock = JSON.stringify({ pid: process.pid, host: safeHost(), time: Date.now() });
    writeFileSync(lockFile(branch), lock);
    try {
      const r = await runCliAsync(['update-ref', `refs/heads/${branch}`, versions[1] as string, '--repo', repo]);
      expect(r.code, describeResult(r)).toBe(11);
      const err = parseErrorLine(r.stderr);
      expect(err?.code, describeResult(r)).toBe('LOCKED');
      expect(err?.message).toContain(String(process.pid));
      noStack(r);
      expect(r.durationMs, 'it waits for the holder before giving up').toBeGreaterThanOrEqual(1500);
      expect(readFileSync(lockFile(branch), 'utf8')).toBe(lock);
      expect(readFileSync(refFile(branch), 'utf8')).toBe(before);
    } finally {
      rmSync(lockFile(branch), { force: true });
    }
  });

  it('a lock file that is not JSON (an unknown holder) is LOCKED, not removed', async () => {
    const branch = 'garbage';
    writeFileSync(lockFile(branch), 'garbage');
    try {
      const r = await runCliAsync(['update-ref', `refs/heads/${branch}`, versions[2] as string, '--repo', repo]);
      expect(r.code, describeResult(r)).toBe(11);
      expect(parseErrorLine(r.stderr)?.code).toBe('LOCKED');
      noStack(r);
      expect(readFileSync(lockFile(branch), 'utf8')).toBe('garbage');
    } finally {
      rmSync(lockFile(branch), { force: true });
    }
  });

  it('compare-and-swap with a stale old value fails with REF_CHANGED (exit 1) and leaves the ref alone', async () => {
    const branch = 'cas';
    await cliOkAsync(repo, ['update-ref', `refs/heads/${branch}`, versions[4] as string]);
    const current = readFileSync(refFile(branch), 'utf8');
    const stale = versions.find((v) => `${v}\n` !== current) as string;
    const r = await runCliAsync(['update-ref', `refs/heads/${branch}`, versions[3] as string, stale, '--repo', repo]);
    expect(r.code, describeResult(r)).toBe(1);
    expect(parseErrorLine(r.stderr)?.code).toBe('REF_CHANGED');
    noStack(r);
    expect(readFileSync(refFile(branch), 'utf8')).toBe(current);
    const create = await runCliAsync(['update-ref', `refs/heads/${branch}`, versions[3] as string, '', '--repo', repo]);
    expect(create.code, `"must not exist" on an existing ref fails\n${describeResult(create)}`).toBe(1);
    expect(parseErrorLine(create.stderr)?.code).toBe('REF_CHANGED');
  });

  it('racing creations of a new ref ("" = must not exist): exactly one succeeds', async () => {
    const runs = [1, 2, 3].map((i) => startCli(['update-ref', 'refs/tags/race', versions[i] as string, '', '--repo', repo]));
    const results = await Promise.all(runs.map((r) => r.done));
    const winners = results.filter((r) => r.code === 0);
    expect(winners, results.map(describeResult).join('\n')).toHaveLength(1);
    for (const r of results.filter((x) => x.code !== 0)) {
      expect(['REF_CHANGED', 'LOCKED']).toContain(parseErrorLine(r.stderr)?.code);
    }
    const value = readFileSync(join(repo, 'refs', 'tags', 'race'), 'utf8').trim();
    const winnerIndex = results.findIndex((r) => r.code === 0);
    expect(value).toBe(versions[winnerIndex + 1]);
  });
});
