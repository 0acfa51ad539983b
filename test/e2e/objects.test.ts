import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blobId,
  canonical,
  noRepositoryAbove,
  objectPath,
  objectId,
  ok,
  okJson,
  removeTempDirs,
  storedObjectIds,
  strata,
  strataAll,
  strataAsync,
  strataP,
  tempDir,
} from './helpers.js';

afterAll(removeTempDirs);

/** A repository with small chunk parameters, so a 100 KB file is cut into many chunks. */
const SMALL_CHUNKS = ['--min-chunk', '1K', '--avg-chunk', '4K', '--max-chunk', '16K'];

describe('hash-object', () => {
  let base: string;
  let repo: string;
  const small = Buffer.from('hello, strata\n');
  const binary = Buffer.from([0, 1, 2, 10, 13, 0xff, 0xfe, 0x80, 10, 0]);
  const big = randomBytes(100_000);

  beforeAll(() => {
    base = tempDir('hash');
    repo = join(base, 'repo');
    ok(['init', '--repo', repo, ...SMALL_CHUNKS], { cwd: base });
    writeFileSync(join(base, 'small.txt'), small);
    writeFileSync(join(base, 'binary.bin'), binary);
    writeFileSync(join(base, 'empty'), '');
    writeFileSync(join(base, 'big.bin'), big);
  });

  it('prints sha256("blob <n>\\0" + content), one id per line in order; --json describes each; nothing is stored without -w', async () => {
    const [one, several, json] = await strataAll([
      [['hash-object', '--repo', repo, 'small.txt'], { cwd: base }],
      [['hash-object', '--repo', repo, 'binary.bin', 'small.txt', 'empty'], { cwd: base }],
      [['hash-object', '--repo', repo, 'small.txt', 'empty', '--json'], { cwd: base }],
    ]);
    expect(one).toMatchObject({ code: 0, stdout: `${blobId(small)}\n`, stderr: '' });
    expect(several!.code).toBe(0);
    expect(several!.stdout).toBe(`${blobId(binary)}\n${blobId(small)}\n${blobId('')}\n`);
    expect(blobId('')).toBe('473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813');
    expect(JSON.parse(json!.stdout)).toEqual({
      objects: [
        { path: 'small.txt', id: blobId(small), kind: 'blob', size: small.length, chunks: 1, newObjects: 0 },
        { path: 'empty', id: blobId(''), kind: 'blob', size: 0, chunks: 1, newObjects: 0 },
      ],
    });
    expect(storedObjectIds(repo)).toEqual([]);
  });

  it('-w stores the blob and cat-file -p returns the bytes exactly', () => {
    const id = ok(['hash-object', '-w', '--repo', repo, 'binary.bin'], { cwd: base });
    expect(id).toBe(blobId(binary));
    expect(storedObjectIds(repo)).toContain(id);
    const r = strata(['cat-file', '-p', id, '--repo', repo]);
    expect(r.code).toBe(0);
    expect(r.stdoutBuf.equals(binary)).toBe(true);
  });

  it('--stdin hashes standard input (and stores it with -w)', () => {
    const content = Buffer.concat([Buffer.from('from stdin\n'), randomBytes(300)]);
    const id = ok(['hash-object', '--stdin', '-w', '--repo', repo], { input: content });
    expect(id).toBe(blobId(content));
    expect(strata(['cat-file', '--raw', id, '--repo', repo]).stdoutBuf.equals(content)).toBe(true);
  });

  it('a file larger than the maximum chunk becomes a chunks object whose chunks concatenate to the file', async () => {
    const j = okJson(['hash-object', '-w', '--repo', repo, 'big.bin'], { cwd: base });
    const obj = j.objects[0];
    expect(obj).toMatchObject({ path: 'big.bin', kind: 'chunks', size: big.length });
    expect(obj.chunks).toBeGreaterThanOrEqual(Math.ceil(big.length / 16384));
    expect(obj.newObjects).toBe(obj.chunks + 1);
    const id: string = obj.id;
    const [t, p, raw] = await strataAll([
      ['cat-file', '-t', id, '--repo', repo],
      ['cat-file', '-p', id, '--repo', repo],
      ['cat-file', '--raw', id, '--repo', repo],
    ]);
    expect(t!.stdout).toBe('chunks\n');
    const lines = p!.stdout.replace(/\n$/, '').split('\n');
    expect(lines.pop()).toBe(`total ${big.length} bytes in ${obj.chunks} chunks`);
    expect(lines).toHaveLength(obj.chunks);
    let offset = 0;
    const chunks: Array<{ id: string; size: number }> = [];
    for (const line of lines) {
      const m = /^([0-9a-f]{64}) (\d+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const size = Number(m![2]);
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThanOrEqual(16384);
      expect(m![1]).toBe(blobId(big.subarray(offset, offset + size)));
      chunks.push({ id: m![1] as string, size });
      offset += size;
    }
    expect(offset).toBe(big.length);
    // The chunk list body is canonical JSON, and the id is its hash.
    const body = canonical({ chunks, size: big.length });
    expect(id).toBe(objectId('chunks', body));
    expect(raw!.stdout).toBe(body);
  });

  it('without a repository it uses the default parameters: the id equals the one a default repository gives', async () => {
    const lonely = tempDir('hash-norepo');
    expect(noRepositoryAbove(lonely)).toBe(true);
    const content = randomBytes(300_000);
    writeFileSync(join(lonely, 'f.bin'), content);
    const defaults = join(base, 'default-repo');
    const [withoutRepo, , w] = await strataAll([
      [['hash-object', 'f.bin'], { cwd: lonely }],
      ['init', '--repo', defaults],
      [['hash-object', '-w', 'f.bin'], { cwd: lonely }], // -w needs a repository
    ]);
    const withRepo = ok(['hash-object', '--repo', defaults, join(lonely, 'f.bin')]);
    expect(withoutRepo!.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(withoutRepo!.stdout).toBe(`${withRepo}\n`);
    expect(w!.code).toBe(10);
    expect(w!.stderr).toMatch(/^error\[NO_REPOSITORY\]/);
  });

  it('reports a missing file (FILE_NOT_FOUND, exit 1) and no arguments as a usage error', async () => {
    const [r, u] = await strataAll([
      [['hash-object', '--repo', repo, 'does-not-exist'], { cwd: base }],
      [['hash-object', '--repo', repo], { cwd: base }],
    ]);
    expect(r!.code).toBe(1);
    expect(r!.stderr).toMatch(/^error\[FILE_NOT_FOUND\]: does-not-exist does not exist/);
    expect(u!.code).toBe(2);
    expect(u!.stderr).toMatch(/^error\[USAGE\]/);
  });
});

describe('cat-file', () => {
  let base: string;
  let repo: string;
  const text = Buffer.from('plain text\nsecond line\n');
  // Smaller than the minimum chunk (1 KiB), so it is always one blob whatever the random bytes.
  const bin = Buffer.concat([Buffer.from([0, 10, 0, 13, 10, 255]), randomBytes(900), Buffer.from('\n')]);
  const big = randomBytes(60_000);
  const MTIME = 1_700_000_000_125; // .125 s is exact in binary, so utimes sets exactly this
  let textId: string;
  let binId: string;
  let bigId: string;
  let treeId: string;
  let versionId: string;
  let treeBody: string;
  let versionBody: string;

  beforeAll(async () => {
    base = tempDir('cat');
    repo = join(base, 'repo');
    ok(['init', '--repo', repo, ...SMALL_CHUNKS], { cwd: base });
    const dir = join(base, 'dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'text.txt'), text);
    writeFileSync(join(dir, 'bin.dat'), bin);
    writeFileSync(join(dir, 'big.bin'), big);
    for (const [name, mode] of [['text.txt', 0o644], ['bin.dat', 0o600], ['big.bin', 0o755]] as const) {
      chmodSync(join(dir, name), mode);
      utimesSync(join(dir, name), new Date(MTIME), new Date(MTIME));
    }
    const [tree, hashes] = await strataAll([
      ['write-tree', dir, '--repo', repo],
      ['hash-object', '--repo', repo, join(dir, 'text.txt'), join(dir, 'bin.dat'), join(dir, 'big.bin')],
    ]);
    treeId = tree!.stdout.trim();
    [textId, binId, bigId] = hashes!.stdout.trim().split('\n') as [string, string, string];
    versionId = ok(['commit-version', treeId, '--repo', repo, '--time', '1767225600000', '-m', 'cat-file test']);
    ok(['update-ref', 'refs/heads/main', versionId, '--repo', repo]);
    treeBody = canonical({
      entries: [
        { id: bigId, mode: 0o755, mtime: MTIME, name: 'big.bin', size: big.length, type: 'executable' },
        { id: binId, mode: 0o600, mtime: MTIME, name: 'bin.dat', size: bin.length, type: 'file' },
        { id: textId, mode: 0o644, mtime: MTIME, name: 'text.txt', size: text.length, type: 'file' },
      ],
    });
    versionBody = canonical({
      description: 'cat-file test',
      meta: {},
      milestone: false,
      name: '',
      parents: [],
      tags: [],
      time: 1767225600000,
      tree: treeId,
    });
  });

  const cat = (...args: string[]) => strataP(['cat-file', ...args, '--repo', repo]);

  it('-t and -s for every kind', async () => {
    expect(treeId).toBe(objectId('tree', treeBody));
    expect(versionId).toBe(objectId('version', versionBody));
    const results = await Promise.all([
      cat('-t', textId),
      cat('-t', bigId),
      cat('-t', treeId),
      cat('-t', versionId),
      cat('-s', binId),
      cat('-s', treeId),
    ]);
    expect(results.map((r) => r.stdout)).toEqual([
      'blob\n',
      'chunks\n',
      'tree\n',
      'version\n',
      `${bin.length}\n`,
      `${Buffer.byteLength(treeBody)}\n`,
    ]);
  });

  it('--raw writes each body byte for byte (a tree and a version are their canonical JSON)', async () => {
    const [b, t, v] = await Promise.all([cat('--raw', binId), cat('--raw', treeId), cat('--raw', versionId)]);
    expect(b.stdoutBuf.equals(bin)).toBe(true);
    expect(t.stdoutBuf.equals(Buffer.from(treeBody))).toBe(true);
    expect(v.stdoutBuf.equals(Buffer.from(versionBody))).toBe(true);
  });

  it('-p pretty-prints trees and versions, and writes blobs as they are', async () => {
    const [b, t, v] = await Promise.all([cat('-p', binId), cat('-p', treeId), cat('-p', versionId)]);
    expect(b.stdoutBuf.equals(bin)).toBe(true);
    expect(t.stdout).toBe(`0755 executable ${bigId}\tbig.bin\n` + `0600 file       ${binId}\tbin.dat\n` + `0644 file       ${textId}\ttext.txt\n`);
    expect(v.stdout).toBe(`tree ${treeId}\ntime 2026-01-01T00:00:00.000Z (1767225600000)\n\ncat-file test\n`);
  });

  it('accepts revisions (a ref, a prefix, rev:path); errors have their exit codes', async () => {
    const [ref, prefix, path, missing, unknown, usage] = await Promise.all([
      cat('-t', 'main'),
      cat('-t', versionId.slice(0, 8)),
      cat('-p', 'main:text.txt'),
      cat('-t', 'f'.repeat(64)),
      cat('-t', 'no-such-ref'),
      cat('-t', '-s', textId),
    ]);
    expect(ref.stdout).toBe('version\n');
    expect(prefix.stdout).toBe('version\n');
    expect(path.stdoutBuf.equals(text)).toBe(true);
    expect(missing.code).toBe(12);
    expect(missing.stderr).toMatch(/^error\[OBJECT_MISSING\]/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error\[UNKNOWN_REVISION\]/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error\[USAGE\]/);
  });

  it('--json: id, kind, size, and with -p/--raw the body (base64 for blobs, parsed for the others)', async () => {
    const results = await Promise.all([cat('-t', textId, '--json'), cat('-p', binId, '--json'), cat('--raw', treeId, '--json'), cat('-p', 'main', '--json')]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const [t, b, tree, version] = results.map((r) => JSON.parse(r.stdout));
    expect(t).toEqual({ id: textId, kind: 'blob', size: text.length });
    expect(b).toEqual({ id: binId, kind: 'blob', size: bin.length, body: bin.toString('base64') });
    expect(tree).toEqual({ id: treeId, kind: 'tree', size: Buffer.byteLength(treeBody), body: JSON.parse(treeBody) });
    expect(version).toEqual({ id: versionId, kind: 'version', size: Buffer.byteLength(versionBody), body: JSON.parse(versionBody) });
  });

  /** Parses --batch output: "<id> <kind> <size>\n<body>\n" or "<name> missing\n". */
  function parseBatch(out: Buffer, withBodies: boolean) {
    const items: Array<{ id: string; kind: string; size: number; body?: Buffer } | { missing: string }> = [];
    let pos = 0;
    while (pos < out.length) {
      const nl = out.indexOf(0x0a, pos);
      expect(nl).toBeGreaterThan(pos);
      const header = out.subarray(pos, nl).toString('utf8');
      pos = nl + 1;
      const miss = /^(.*) missing$/.exec(header);
      if (miss) {
        items.push({ missing: miss[1] as string });
        continue;
      }
      const m = /^([0-9a-f]{64}) (blob|chunks|tree|version) (\d+)$/.exec(header);
      expect(m, header).not.toBeNull();
      const size = Number(m![3]);
      if (withBodies) {
        const body = out.subarray(pos, pos + size);
        pos += size;
        expect(out[pos]).toBe(0x0a);
        pos += 1;
        items.push({ id: m![1] as string, kind: m![2] as string, size, body });
      } else items.push({ id: m![1] as string, kind: m![2] as string, size });
    }
    return items;
  }

  it('--batch answers ids, refs, rev:path and missing names in order, with exact bodies', async () => {
    const input = [binId, 'main', 'main:bin.dat', 'nosuch', treeId, '', bigId, textId.slice(0, 10), 'main:no/such/path'].join('\n') + '\n';
    const r = strata(['cat-file', '--batch', '--repo', repo], { input });
    expect(r.code).toBe(0);
    const items = parseBatch(r.stdoutBuf, true);
    const bigBody = (await cat('--raw', bigId)).stdoutBuf;
    expect(items).toEqual([
      { id: binId, kind: 'blob', size: bin.length, body: bin },
      { id: versionId, kind: 'version', size: Buffer.byteLength(versionBody), body: Buffer.from(versionBody) },
      { id: binId, kind: 'blob', size: bin.length, body: bin },
      { missing: 'nosuch' },
      { id: treeId, kind: 'tree', size: Buffer.byteLength(treeBody), body: Buffer.from(treeBody) },
      { id: bigId, kind: 'chunks', size: bigBody.length, body: bigBody },
      { id: textId, kind: 'blob', size: text.length, body: text },
      { missing: 'main:no/such/path' },
    ]);
  });

  it('--batch-check prints only "<id> <kind> <size>" lines', () => {
    const input = `${textId}\nmain\nnosuch\n${treeId}`; // no final newline: the last line still counts
    const r = strata(['cat-file', '--batch-check', '--repo', repo], { input });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${textId} blob ${text.length}\n` +
        `${versionId} version ${Buffer.byteLength(versionBody)}\n` +
        'nosuch missing\n' +
        `${treeId} tree ${Buffer.byteLength(treeBody)}\n`,
    );
  });

  it('--batch --json prints one JSON line per request', () => {
    const r = strata(['cat-file', '--batch', '--json', '--repo', repo], { input: `${binId}\nnosuch\n` });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ request: binId, id: binId, kind: 'blob', size: bin.length, content: bin.toString('base64') });
    expect(lines[1]).toMatchObject({ request: 'nosuch', error: 'missing' });
    expect(lines).toHaveLength(2);
  });

  it('--batch stops quietly when the reader closes the pipe early (like `| head`)', async () => {
    // BUG (see report): the EPIPE from process.stdout is an unhandled 'error' event, so the CLI dies
    // with a Node stack trace on stderr and exit code 1.
    const child = strataAsync(['cat-file', '--batch', '--repo', repo]);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin.on('error', () => undefined);
    child.stdout.once('data', () => child.stdout.destroy());
    child.stdin.end(`${binId}\n`.repeat(5000)); // about 4.5 MB of answers
    const code = await exited;
    expect(stderr).toBe('');
    expect([0, 141]).toContain(code);
  });

  it('--batch-check answers each line as it arrives, before stdin is closed', async () => {
    const child = strataAsync(['cat-file', '--batch-check', '--repo', repo]);
    let out = '';
    let waiter: (() => void) | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      waiter?.();
    });
    const readLines = (n: number): Promise<string> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer within 10 s; got ${JSON.stringify(out)}`)), 10_000);
        const check = () => {
          if (out.split('\n').length > n) {
            clearTimeout(timer);
            waiter = undefined;
            resolve(out);
          }
        };
        waiter = check;
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      child.stdin.write(`${textId}\n`);
      expect(await readLines(1)).toBe(`${textId} blob ${text.length}\n`);
      child.stdin.write('main\n');
      expect(await readLines(2)).toBe(`${textId} blob ${text.length}\n${versionId} version ${Buffer.byteLength(versionBody)}\n`);
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
  });
});

describe('cat-file --batch over a long run of ids (read on two threads)', () => {
  let repo: string;
  const bodies = new Map<string, Buffer>();
  let ids: string[];
  let bigId: string;
  let corruptId: string;
  const missingId = 'e'.repeat(64);

  beforeAll(async () => {
    const base = tempDir('cat-long');
    repo = join(base, 'repo');
    // Large chunks, so that a 300 KiB file is one blob (its answer is written without copying).
    ok(['init', '--repo', repo, '--min-chunk', '512K', '--avg-chunk', '1M', '--max-chunk', '4M'], { cwd: base });
    const dir = join(base, 'files');
    mkdirSync(dir);
    const contents: Buffer[] = [];
    for (let i = 0; i < 120; i++) contents.push(i % 2 ? randomBytes(500 + i * 37) : Buffer.from(`file ${i}\n`.repeat(20 + i)));
    contents.push(randomBytes(300 * 1024));
    contents.forEach((c, i) => writeFileSync(join(dir, `f${i}`), c));
    ids = ok(['hash-object', '-w', '--repo', repo, ...contents.map((_, i) => join(dir, `f${i}`))]).split('\n');
    contents.forEach((c, i) => bodies.set(ids[i] as string, c));
    bigId = ids[ids.length - 1] as string;
    // One object is damaged: a run that asks for it must say so and go on with the others.
    corruptId = ids[7] as string;
    const path = objectPath(repo, corruptId);
    const stored = readFileSync(path);
    stored[stored.length - 6] = (stored[stored.length - 6] as number) ^ 0x40;
    chmodSync(path, 0o644);
    writeFileSync(path, stored);
  });

  /** 3,000 requests cycling through every id, with the missing id and the big one in between. */
  function requests(): string[] {
    const out: string[] = [];
    for (let i = 0; i < 3000; i++) out.push(i === 1500 ? missingId : i % 997 === 0 ? bigId : (ids[i % ids.length] as string));
    return out;
  }

  function expected(names: string[], withBodies: boolean): Buffer {
    const parts: Buffer[] = [];
    for (const id of names) {
      const body = bodies.get(id);
      if (id === corruptId) parts.push(Buffer.from(`${id} corrupt\n`));
      else if (!body) parts.push(Buffer.from(`${id} missing\n`));
      else {
        parts.push(Buffer.from(`${id} blob ${body.length}\n`));
        if (withBodies) parts.push(body, Buffer.from('\n'));
      }
    }
    return Buffer.concat(parts);
  }

  it('--batch answers every request in order, byte for byte, naming the missing and the corrupt', async () => {
    const names = requests();
    const r = await strataP(['cat-file', '--batch', '--repo', repo], { input: `${names.join('\n')}\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = expected(names, true);
    expect(r.stdoutBuf.length).toBe(want.length);
    expect(r.stdoutBuf.equals(want)).toBe(true);
  });

  it('--batch-check over the same run prints the same headers', async () => {
    const names = requests();
    const r = await strataP(['cat-file', '--batch-check', '--repo', repo], { input: `${names.join('\n')}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected(names, false).toString('utf8'));
  });

  it('a run that mixes revisions and ids keeps the request order', async () => {
    const names = requests().slice(0, 600);
    names.splice(300, 0, 'HEAD', ids[3]!.slice(0, 12));
    const r = await strataP(['cat-file', '--batch-check', '--repo', repo], { input: `${names.join('\n')}\n` });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(names.length);
    expect(lines[300]).toBe('HEAD missing'); // no version yet: HEAD names nothing
    expect(lines[301]).toBe(`${ids[3]} blob ${bodies.get(ids[3]!)!.length}`);
    expect(lines[599]).toBe(expected([names[599]!], false).toString('utf8').trimEnd());
  });
});
