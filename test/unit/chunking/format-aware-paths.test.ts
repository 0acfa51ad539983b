/**
 * Every path that stores a file's content picks its strategy per file, so the same archive gets the
 * same id from all of them: in-memory and streamed storeContent, hash-object, write-tree (on this
 * thread: the worker pool is covered by the e2e tests), StorageManager and records.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../plumbing/format/repo-config.js';
import { hashObject } from '../../../plumbing/ops/hash-object.js';
import { writeTree } from '../../../plumbing/ops/write-tree.js';
import { storeContent } from '../../../plumbing/store/file-content.js';
import { chunkingFor, createRepository, strategyFor } from '../../../plumbing/store/repository.js';
import { StorageManager } from '../../../plumbing/store/storage-manager.js';
import { listRecordFiles, writeRecord } from '../../../porcelain/ops/records.js';
import { makeTar } from './archives.js';
import { pseudoRandomBytes } from './generators.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('one archive, one id, whichever path stores it', () => {
  it('storeContent (bytes and stream), hash-object, write-tree, StorageManager and records agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-format-paths-'));
    dirs.push(dir);
    const config = {
      ...defaultConfig(),
      chunking: { algorithm: 'fastcdc-2020' as const, minSize: 1024, avgSize: 4096, maxSize: 16384, normalization: 1 },
      formatChunking: { tar: { strategy: 'tar-members' as const, groupBelow: 2048 } },
    };
    const repo = await createRepository({ root: join(dir, 'repo'), config });
    const tar = Buffer.from(makeTar(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, data: pseudoRandomBytes(i, 300 + i * 400), mtime: 7 }))).tar);
    const src = join(dir, 'src');
    mkdirSync(src);
    const path = join(src, 'bundle.tar');
    writeFileSync(path, tar);

    const chunking = chunkingFor(config);
    const bytes = await storeContent({ objects: repo.objects, strategy: chunking.forFile({ name: path, size: tar.length }), source: tar, write: true });
    expect(bytes.kind).toBe('chunks');
    async function* blocks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < tar.length; i += 777) yield tar.subarray(i, i + 777);
    }
    const streamed = await storeContent({ objects: repo.objects, strategy: strategyFor(config, { name: path }), source: blocks(), write: false });
    expect(streamed.id).toBe(bytes.id);
    const generic = await storeContent({ objects: repo.objects, strategy: strategyFor(config), source: tar, write: false });
    expect(generic.id).not.toBe(bytes.id);

    const [hashed] = await hashObject({ repo, files: [path], write: true });
    expect(hashed!.id).toBe(bytes.id);
    const [fromStdin] = await hashObject({ repo, stdin: blocks(), write: false });
    expect(fromStdin!.id).toBe(bytes.id);

    const tree = await writeTree({ repo, dir: src });
    const entry = (await repo.objects.readTree(tree.id)).entries.find((e) => e.name.toString() === 'bundle.tar');
    expect(entry!.id).toBe(bytes.id);

    expect((await new StorageManager(repo).storeFile(path)).id).toBe(bytes.id);

    const record = await writeRecord({ repo, namespace: 'test/archives', files: [{ path: 'bundle.tar', data: tar }] });
    expect((await listRecordFiles(repo, record.id))[0]!.id).toBe(bytes.id);
  });
});
