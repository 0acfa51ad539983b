import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRepository, type Repository } from '../../../plumbing/index.js';
import { safeHostname } from '../../../plumbing/store/process-identity.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
let repo: Repository;

beforeEach(async () => {
  repo = await createRepository({ root: join(mkdtempSync(join(tmpdir(), 'strata-refs-')), 'repo') });
});

describe('refs', () => {
  it('HEAD is symbolic to an unborn main, and follows it once main exists', async () => {
    expect(await repo.refs.resolve('HEAD')).toEqual({ name: 'HEAD', target: 'refs/heads/main', id: undefined, symbolic: true });
    expect(await repo.refs.update('HEAD', A)).toBe('refs/heads/main');
    expect((await repo.refs.resolve('HEAD'))?.id).toBe(A);
  });

  it('compare-and-swap succeeds only against the current value', async () => {
    await repo.refs.update('refs/heads/x', A, { expected: null });
    await expect(repo.refs.update('refs/heads/x', B, { expected: null })).rejects.toMatchObject({ code: 'REF_CHANGED' });
    await expect(repo.refs.update('refs/heads/x', B, { expected: B })).rejects.toMatchObject({ code: 'REF_CHANGED' });
    await repo.refs.update('refs/heads/x', B, { expected: A });
    expect((await repo.refs.resolve('refs/heads/x'))?.id).toBe(B);
  });

  it('many concurrent CAS updates from one old value: exactly one wins', async () => {
    await repo.refs.update('refs/heads/race', A);
    const ids = Array.from({ length: 10 }, (_, i) => i.toString(16).repeat(64));
    const results = await Promise.allSettled(ids.map((id) => repo.refs.update('refs/heads/race', id, { expected: A })));
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const winnerId = ids[results.findIndex((r) => r.status === 'fulfilled')];
    expect((await repo.refs.resolve('refs/heads/race'))?.id).toBe(winnerId);
    for (const r of results) if (r.status === 'rejected') expect(['REF_CHANGED', 'LOCKED']).toContain(r.reason.code);
  });

  it('reports a stale lock of a dead process with a hint, and never removes it', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const lock = join(repo.root, 'refs/heads/main.lock');
    writeFileSync(lock, JSON.stringify({ pid: Number(dead), host: safeHostname(), time: 0 }));
    const err = await repo.refs.update('refs/heads/main', A).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STALE_LOCK' });
    expect((err as { hint: string }).hint).toContain(lock);
  });

  it('rejects invalid names and malformed ref files', async () => {
    await expect(repo.refs.update('main', A)).rejects.toMatchObject({ code: 'INVALID_REF_NAME' });
    writeFileSync(join(repo.root, 'refs/heads/bad'), 'garbage\n');
    await expect(repo.refs.resolve('refs/heads/bad')).rejects.toMatchObject({ code: 'OBJECT_CORRUPT' });
  });

  it('lists refs sorted, without lock files', async () => {
    await repo.refs.update('refs/tags/v1', A);
    await repo.refs.update('refs/heads/main', B);
    writeFileSync(join(repo.root, 'refs/heads/other.lock'), '{}');
    expect(await repo.refs.list('refs/')).toEqual(['refs/heads/main', 'refs/tags/v1']);
  });
});
