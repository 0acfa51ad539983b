/** Records (refs/records/<namespace>): written, listed, read back, raced, deleted, and kept out of log. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsck } from '../../../plumbing/index.js';
import { BackupEngine, deleteRecord, gc, listRecordFiles, listRecordNamespaces, listRecords, log, readRecordFile, recordRefs, resolveRecord, writeRecord } from '../../../porcelain/index.js';

const base = mkdtempSync(join(tmpdir(), 'strata-records-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('records', () => {
  it('write, list, read, race, delete; never in the project history', async () => {
    const project = join(base, 'p');
    mkdirSync(project);
    writeFileSync(join(project, 'a.txt'), 'a\n');
    const engine = await BackupEngine.initializeRepository({ dir: project });
    const repo = engine.repo;
    await engine.createSnapshot({ source: project, description: 'project' });

    const big = Buffer.alloc(5 * 1024 * 1024, 7);
    const first = await writeRecord({ repo, namespace: 'test/app', files: [{ path: 'config/settings.json', data: Buffer.from('{"a":1}') }, { path: 'big.bin', data: big }], folders: ['empty'], description: 'first', meta: { app: 'x' } });
    expect(first.meta).toEqual({ app: 'x', record: 'test/app' });
    expect(first.parents).toEqual([]);
    // Two writers at once: both records are kept, one is the other's parent.
    const [b, c] = await Promise.all([
      writeRecord({ repo, namespace: 'test/app', files: [{ path: 'config/settings.json', data: Buffer.from('{"a":2}') }] }),
      writeRecord({ repo, namespace: 'test/app', files: [{ path: 'config/settings.json', data: Buffer.from('{"a":3}') }] }),
    ]);
    const all = await listRecords(repo, 'test/app');
    expect(all.map((r) => r.id).sort()).toEqual([first.id, b.id, c.id].sort());
    const head = await resolveRecord(repo, 'test/app');
    expect([b.id, c.id]).toContain(head.id);
    const other = head.id === b.id ? c : b;
    expect(head.parents).toEqual([other.id]);
    expect(other.parents).toEqual([first.id]);

    const files = await listRecordFiles(repo, first.id);
    expect(files.map((f) => f.path)).toEqual(['big.bin', 'config/settings.json']);
    expect((await readRecordFile(repo, files[0]!)).equals(big)).toBe(true);
    expect((await resolveRecord(repo, 'test/app', first.id.slice(0, 10))).id).toBe(first.id);
    await expect(resolveRecord(repo, 'test/app', 'ffffffff')).rejects.toMatchObject({ code: 'RECORD_NOT_FOUND' });
    await expect(resolveRecord(repo, 'test/none')).rejects.toMatchObject({ code: 'RECORD_NOT_FOUND' });
    expect(await listRecordNamespaces(repo, 'test/')).toEqual(['test/app']);

    // The project's history does not see records.
    expect((await log({ repo, all: true })).entries.map((e) => e.description)).toEqual(['project']);

    // Deleting the head moves it back; gc frees the deleted record and keeps the rest.
    await deleteRecord(repo, 'test/app', head.id);
    expect((await resolveRecord(repo, 'test/app')).id).toBe(other.id);
    await gc({ repo });
    expect((await fsck({ repo })).ok).toBe(true);
    expect((await readRecordFile(repo, files[0]!)).length).toBe(big.length);
  });

  it('refuses bad namespaces and paths', async () => {
    expect(() => recordRefs('Bad')).toThrow(/not a valid record namespace/);
    expect(() => recordRefs('a/head')).toThrow();
    expect(recordRefs('creative/workspace/blender')).toEqual({ head: 'refs/records/creative/workspace/blender/head', kept: 'refs/records/creative/workspace/blender/kept/' });
    const project = join(base, 'q');
    mkdirSync(project);
    const engine = await BackupEngine.initializeRepository({ dir: project });
    await expect(writeRecord({ repo: engine.repo, namespace: 'x', files: [{ path: '../evil', data: Buffer.from('') }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(writeRecord({ repo: engine.repo, namespace: 'x', files: [{ path: 'a', data: Buffer.from('') }, { path: 'a/b', data: Buffer.from('') }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
