/**
 * Maintenance end to end with the built CLI on real repositories: `forget` (retention policies,
 * protection, groups, branches, dry runs), `gc` (what it frees per forgotten version, that it frees it
 * and keeps everything reachable), `stats`, `check` (structure, --read-data, subsets, damage with the
 * versions and paths that use it) and `unlock`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, objectPath, ok, okJson, removeTempDirs, storedObjectIds, strata, strataP, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** Deterministic bytes (not compressible): SHA-256 in counter mode. */
function bytes(seed: string, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0, off = 0; off < n; i++, off += 32) createHash('sha256').update(`${seed}/${i}`).digest().copy(out, off);
  return out;
}

/** Writes files with one fixed mtime, so that a folder whose files did not change gives the same tree. */
function writeTreeFiles(dir: string, files: Record<string, Buffer>): void {
  const mtime = new Date('2024-01-01T00:00:00Z');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
    utimesSync(join(dir, path), mtime, mtime);
  }
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

const HOST = hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'host';

const sizeOf = (repo: string, ids: string[]) => ids.reduce((n, id) => n + statSync(objectPath(repo, id)).size, 0);

interface Made {
  label: string;
  id: string;
  files: Record<string, Buffer>;
}

/** A repository with a history spread over time, built with write-tree / commit-version --time. */
function history(label: string) {
  const base = tempDir(label);
  const repo = join(base, 'repo');
  ok(['init', '--repo', repo]);
  const out = (...args: string[]) => ok([...args, '--repo', repo], { cwd: base });
  const json = <T = any>(...args: string[]) => okJson<T>([...args, '--repo', repo], { cwd: base });
  const run = (...args: string[]) => strata([...args, '--repo', repo], { cwd: base });
  const made: Made[] = [];
  const heads = new Map<string, string>();
  const commit = (name: string, time: string, files: Record<string, Buffer>, extra: string[] = [], branch = 'main'): Made => {
    const dir = join(base, `w-${name}`);
    writeTreeFiles(dir, files);
    const tree = out('write-tree', dir);
    const head = heads.get(branch);
    const id = out('commit-version', tree, '--time', time, '--name', name, ...(head === undefined ? [] : ['-p', head]), ...extra);
    out('update-ref', `refs/heads/${branch}`, id);
    heads.set(branch, id);
    const m = { label: name, id, files };
    made.push(m);
    return m;
  };
  return { base, repo, out, json, run, made, commit };
}

describe('forget, gc, stats and check on a history spread over time', () => {
  const h = history('maint-porc');
  const { repo, out, json, run } = h;
  const logo = bytes('logo', 100 * 1024);
  const makefile = Buffer.from('all:\n\tnode build.js\n');
  const app = (v: string) => Buffer.from(`export const version = '${v}';\n`.repeat(100));
  const v: Record<string, Made> = {};
  let orphan: string;
  /** What gc --dry-run said would go (found independently): v3's and v5's own objects and the orphan. */
  let freed: string[] = [];

  beforeAll(() => {
    const files = (n: number, appVersion: string) => ({
      'src/app.ts': app(appVersion),
      Makefile: makefile,
      'art/logo.png': logo,
      [`data/v${n}.bin`]: bytes(`v${n}`, 40 * 1024),
    });
    v.v1 = h.commit('v1', '2024-01-01T12:00:00Z', files(1, 'A'), ['--milestone']);
    v.v2 = h.commit('v2', '2024-01-15T12:00:00Z', files(2, 'B'));
    v.v3 = h.commit('v3', '2024-02-01T12:00:00Z', files(3, 'B'));
    v.v4 = h.commit('v4', '2024-02-20T12:00:00Z', files(4, 'C'));
    v.v5 = h.commit('v5', '2024-03-01T12:00:00Z', files(5, 'C'));
    v.v6 = h.commit('v6', '2024-03-02T12:00:00Z', files(6, 'C'));
    out('update-ref', 'refs/tags/release', v.v2!.id);
  });

  const ids = (list: Array<{ id: string }>) => list.map((x) => x.id);

  it('forget without a policy refuses (exit 2) and changes nothing', () => {
    const refs = out('for-each-ref');
    const r = run('forget');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[USAGE\]: no policy: give at least one --keep-… option/);
    expect(r.stderr).toMatch(/hint: .*--dry-run/);
    expect(out('for-each-ref')).toBe(refs);
  });

  it('forget rejects bad options as usage errors', async () => {
    const [within, count, both, branch] = await Promise.all([
      strataP(['forget', '--keep-within', '6m', '--repo', repo]),
      strataP(['forget', '--keep-daily', '1.5', '--repo', repo]),
      strataP(['forget', v.v3!.id, '--keep-last', '1', '--repo', repo]),
      strataP(['forget', '--keep-last', '1', '--branch', 'nope', '--repo', repo]),
    ]);
    expect(within).toMatchObject({ code: 2 });
    expect(within.stderr).toMatch(/error\[USAGE\]: "6m": "m" is ambiguous/);
    expect(count).toMatchObject({ code: 2 });
    expect(count.stderr).toMatch(/error\[USAGE\]: --keep-daily: 1.5 is not a count/);
    expect(both).toMatchObject({ code: 2 });
    expect(both.stderr).toMatch(/either versions to forget or a policy/);
    expect(branch.code).toBe(1);
    expect(branch.stderr).toMatch(/error\[UNKNOWN_REF\]: branch nope does not exist/);
  });

  it('forget --dry-run says what a policy keeps and why, and changes nothing', () => {
    const refs = out('for-each-ref');
    const r = json('forget', '--keep-last', '2', '--dry-run');
    expect(r.dryRun).toBe(true);
    expect(ids(r.keep)).toEqual([v.v6!.id, v.v5!.id, v.v2!.id, v.v1!.id]);
    expect(ids(r.remove)).toEqual([v.v4!.id, v.v3!.id]);
    const why = Object.fromEntries(r.keep.map((k: any) => [k.name, k.reasons]));
    expect(why).toEqual({ v6: ['ref refs/heads/main', 'last'], v5: ['last'], v2: ['ref refs/tags/release'], v1: ['milestone'] });
    expect(r.keep[0]).toMatchObject({ name: 'v6', time: Date.parse('2024-03-02T12:00:00Z'), milestone: false, group: { host: '', source: '' } });
    expect(out('for-each-ref')).toBe(refs);
    const text = out('forget', '--keep-last', '2', '-n');
    expect(text).toContain('keep 4 versions:');
    expect(text).toContain(`  ${v.v1!.id.slice(0, 12)}  2024-01-01 12:00  v1  (milestone)`);
    expect(text).toContain('would forget 2 versions:');
    expect(text).toContain(`  ${v.v3!.id.slice(0, 12)}  2024-02-01 12:00  v3`);
    expect(text).toMatch(/dry run: nothing was changed$/);
  });

  it('forget refuses to forget a protected version by name', () => {
    const milestone = run('forget', v.v1!.id.slice(0, 10));
    expect(milestone.code).toBe(2);
    expect(milestone.stderr).toMatch(/version [0-9a-f]{12} is protected and is not forgotten: it is a milestone/);
    const tagged = run('forget', 'release');
    expect(tagged.code).toBe(2);
    expect(tagged.stderr).toMatch(/refs\/tags\/release names it/);
    expect(run('forget', 'refs/heads/nothing').code).toBe(1);
    const tree = run('forget', `${v.v3!.id}:`);
    expect(tree.code).toBe(2);
    expect(tree.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: .* is not a version kept by a refs\/versions\/ ref/);
  });

  it('forget --keep-monthly 2 keeps the newest version of the last two months, milestones and tagged versions', () => {
    const before = storedObjectIds(repo);
    const r = json('forget', '--keep-monthly', '2');
    expect(r.dryRun).toBe(false);
    expect(ids(r.keep)).toEqual([v.v6!.id, v.v4!.id, v.v2!.id, v.v1!.id]);
    expect(r.keep.map((k: any) => k.reasons)).toEqual([['ref refs/heads/main', 'monthly'], ['monthly'], ['ref refs/tags/release'], ['milestone']]);
    expect(ids(r.remove)).toEqual([v.v5!.id, v.v3!.id]);
    // Only the version refs are gone; every object stays until gc.
    expect(run('rev-parse', `refs/versions/${v.v3!.id}`).code).toBe(1);
    expect(out('rev-parse', `refs/versions/${v.v4!.id}`)).toBe(v.v4!.id);
    expect(out('cat-file', '-t', v.v3!.id)).toBe('version');
    expect(storedObjectIds(repo)).toEqual(before);
    // Forgetting again finds nothing more to forget.
    expect(out('forget', '--keep-monthly', '2')).toMatch(/nothing to forget$/);
  });

  it('gc --dry-run says what each forgotten version alone holds, and changes nothing', () => {
    writeFileSync(join(h.base, 'orphan.txt'), 'stored, never named\n');
    orphan = out('hash-object', '-w', 'orphan.txt');
    mkdirSync(join(repo, 'tmp'), { recursive: true });
    writeFileSync(join(repo, 'tmp', `${HOST}.${deadPid()}.7.abcdef12.tmp`), 'half-written');
    const before = storedObjectIds(repo);
    const r = json('gc', '--dry-run');
    // v3 alone held: itself, its root tree, its data/ tree and data/v3.bin (its src/ is v2's).
    const only = (m: Made, n: number) => [m.id, out('rev-parse', `${m.id}:`), out('rev-parse', `${m.id}:data`), out('rev-parse', `${m.id}:data/v${n}.bin`)];
    const v3 = only(v.v3!, 3);
    const v5 = only(v.v5!, 5);
    expect(r.versions).toEqual([
      { id: v.v3!.id, time: Date.parse('2024-02-01T12:00:00Z'), name: 'v3', description: '', objects: 4, storedBytes: sizeOf(repo, v3) },
      { id: v.v5!.id, time: Date.parse('2024-03-01T12:00:00Z'), name: 'v5', description: '', objects: 4, storedBytes: sizeOf(repo, v5) },
    ]);
    expect(r.shared).toEqual({ objects: 0, storedBytes: 0 });
    expect(r.other).toEqual({ objects: 1, storedBytes: sizeOf(repo, [orphan]) });
    freed = [...v3, ...v5, orphan].sort();
    expect(r.total).toEqual({ objects: 9, storedBytes: sizeOf(repo, freed) });
    expect(r.tempFiles).toHaveLength(1);
    expect(storedObjectIds(repo)).toEqual(before);
    expect(listFiles(join(repo, 'tmp'))).toHaveLength(1);
    const text = out('gc', '-n');
    expect(text.split('\n')[0]).toMatch(/^would free [\d.]+ KiB in 9 objects from 2 unreachable versions:$/);
    expect(text).toContain(`  version ${v.v3!.id.slice(0, 12)}  2024-02-01 12:00  v3: `);
    expect(text).toContain('  held by no version (left by interrupted writes): ');
  });

  it('gc frees exactly that, keeps everything reachable, and the kept versions restore', async () => {
    const before = storedObjectIds(repo);
    const dry = json('gc', '--dry-run');
    const r = json('gc');
    expect(r.dryRun).toBe(false);
    expect(r.total).toEqual(dry.total);
    expect(r.versions).toEqual(dry.versions);
    expect(r.tempFiles).toEqual(dry.tempFiles);
    const after = storedObjectIds(repo);
    expect(before.filter((id) => !after.includes(id))).toEqual(freed);
    expect(after).toEqual(before.filter((id) => !freed.includes(id)));
    expect(listFiles(join(repo, 'tmp'))).toEqual([]);

    // Everything left is reachable and intact.
    const checked = json('check', '--read-data');
    expect(checked).toMatchObject({ ok: true, problems: [], dangling: 0, objects: after.length, reachable: after.length });
    expect(checked.data).toMatchObject({ mode: 'all', selected: after.length });
    expect(checked.forgottenParents).toEqual(
      expect.arrayContaining([
        { version: v.v4!.id, parent: v.v3!.id },
        { version: v.v6!.id, parent: v.v5!.id },
      ]),
    );
    const text = out('check', '--read-data');
    expect(text).toContain(`info: version ${v.v4!.id.slice(0, 12)} has a forgotten parent ${v.v3!.id.slice(0, 12)}`);
    expect(text).toMatch(/no damage found$/);

    // Each kept version restores byte for byte.
    for (const m of [v.v1!, v.v2!, v.v4!, v.v6!]) {
      const dir = join(h.base, `restore-${m.label}`);
      out('checkout-tree', m.id, dir);
      expect(listFiles(dir)).toEqual(Object.keys(m.files).sort());
      for (const [path, content] of Object.entries(m.files)) expect(readFileSync(join(dir, path)).equals(content), path).toBe(true);
    }

    // A second gc has nothing to do.
    expect(out('gc')).toBe('nothing to free: every stored object is reachable');
  });

  it('stats over every version: bytes, ratios, kinds, extensions and growth', async () => {
    const kept = [v.v1!, v.v2!, v.v4!, v.v6!];
    const r = json('stats');
    const all = storedObjectIds(repo);
    const fileSizes = kept.flatMap((m) => Object.values(m.files).map((b) => b.length));
    expect(r.versions).toBe(4);
    expect(r.files).toBe(fileSizes.length);
    expect(r.logicalBytes).toBe(fileSizes.reduce((a, b) => a + b, 0));
    const unique = [app('A'), app('B'), app('C'), makefile, logo, ...kept.map((m) => m.files[`data/v${m.label.slice(1)}.bin`] as Buffer)];
    expect(r.uniqueContentBytes).toBe(unique.reduce((n, b) => n + b.length, 0));
    expect(r.deduplicationRatio).toBeCloseTo(r.logicalBytes / r.uniqueContentBytes, 10);
    // Everything stored is reachable from these versions now.
    expect(r.storedBytes).toBe(sizeOf(repo, all));
    expect(r.repository).toEqual({ objects: all.length, storedBytes: sizeOf(repo, all), otherObjects: 0, otherStoredBytes: 0 });
    const batch = await strataP(['cat-file', '--batch-check', '--repo', repo], { input: `${all.join('\n')}\n` });
    const bodies = batch.stdout.trim().split('\n').map((l) => l.split(' '));
    expect(r.uncompressedBytes).toBe(bodies.reduce((n, l) => n + Number(l[2]), 0));
    expect(r.compressionRatio).toBeCloseTo(r.uncompressedBytes / r.storedBytes, 10);
    const counts = json('count-objects');
    for (const kind of ['blob', 'chunks', 'tree', 'version']) {
      expect(r.objects[kind], kind).toEqual({
        count: counts.byKind[kind].count,
        storedBytes: counts.byKind[kind].storedBytes,
        uncompressedBytes: counts.byKind[kind].logicalBytes,
      });
    }
    // Which file types cost most: data (.bin, four different files) before the one logo (.png).
    expect(r.extensions.map((e: any) => e.extension)).toEqual(['.bin', '.png', '.ts', '(none)']);
    expect(r.extensions[1]).toMatchObject({ extension: '.png', files: 4, logicalBytes: 4 * logo.length, uniqueBytes: logo.length });
    // The logo (100 KiB) is above the smallest chunk size: a chunk list or a blob, each counted once.
    const logoId = out('rev-parse', `${v.v1!.id}:art/logo.png`);
    const logoObjects = out('cat-file', '-t', logoId) === 'chunks' ? [logoId, ...out('cat-file', '-p', logoId).split('\n').slice(0, -1).map((l) => l.split(' ')[0] as string)] : [logoId];
    expect(r.extensions[1].storedBytes).toBe(sizeOf(repo, logoObjects));
    expect(r.extensions[2]).toMatchObject({ files: 4, logicalBytes: app('A').length * 4, uniqueBytes: app('A').length * 3 });
    // Growth, oldest first: what each version added; together, everything stored.
    expect(r.growth.map((g: any) => g.name)).toEqual(['v1', 'v2', 'v4', 'v6']);
    expect(r.growth.reduce((n: number, g: any) => n + g.newStoredBytes, 0)).toBe(r.storedBytes);
    expect(r.growth.reduce((n: number, g: any) => n + g.newObjects, 0)).toBe(all.length);
    // v6 differs from v4 only by its data file: a version, a root tree, a data tree and a blob.
    const v6 = [v.v6!.id, out('rev-parse', `${v.v6!.id}:`), out('rev-parse', `${v.v6!.id}:data`), out('rev-parse', `${v.v6!.id}:data/v6.bin`)];
    expect(r.growth[3]).toEqual({ id: v.v6!.id, time: Date.parse('2024-03-02T12:00:00Z'), name: 'v6', files: 4, logicalBytes: 4 * 0 + Object.values(v.v6!.files).reduce((n, b) => n + b.length, 0), newObjects: 4, newStoredBytes: sizeOf(repo, v6) });

    const text = out('stats');
    expect(text.split('\n')[0]).toBe(`4 versions: 16 files, ${((r.logicalBytes as number) / 1024).toFixed(1)} KiB logical`);
    expect(text).toMatch(/deduplication \d+\.\d\dx \(logical \/ unique content\), compression \d+\.\d\dx/);
    expect(text).toMatch(/\nextension +files +logical +unique +stored\n\.bin +4 /);
    expect(text).toContain('growth per version, oldest first:');
    expect(text).toContain(`${v.v6!.id.slice(0, 12)}  2024-03-02 12:00`);
  });

  it('stats of one version', () => {
    const r = json('stats', 'release');
    expect(r.version).toBe(v.v2!.id);
    expect(r.versions).toBe(1);
    expect(r.files).toBe(4);
    expect(r.logicalBytes).toBe(Object.values(v.v2!.files).reduce((n, b) => n + b.length, 0));
    expect(r.deduplicationRatio).toBe(1);
    expect(r.objects.version.count).toBe(1);
    expect(r.objects.tree.count).toBe(4); // root, src, art, data
    expect(r.growth).toEqual([]);
    expect(r.repository.otherObjects).toBeGreaterThan(0);
    const text = out('stats', v.v2!.id.slice(0, 8));
    expect(text.split('\n')[0]).toMatch(new RegExp(`^version ${v.v2!.id.slice(0, 12)}: 4 files, `));
    expect(text).not.toContain('growth per version');
  });

  it('stats errors: an unknown revision, or one that is not a version', async () => {
    const [unknown, tree] = await Promise.all([strataP(['stats', 'nope', '--repo', repo]), strataP(['stats', `${v.v2!.id}:`, '--repo', repo])]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error\[UNKNOWN_REVISION\]/);
    expect(tree.code).toBe(1);
    expect(tree.stderr).toMatch(/^error\[WRONG_KIND\]: .* is a tree, not a version/);
  });
});

describe('forget: groups and branches', () => {
  const h = history('maint-groups');
  const { out, json } = h;
  let a: Made[];
  let b: Made[];
  let art: Made[];

  beforeAll(() => {
    const one = (label: string) => ({ [`${label}.txt`]: Buffer.from(label) });
    // Two sources on main (as two hosts' snapshots would record), and a branch of their own.
    a = [1, 2, 3].map((n) => h.commit(`a${n}`, `2024-05-0${n}T10:00:00Z`, one(`a${n}`), ['--meta', 'host=studio', '--meta', 'source=/art']));
    b = [1, 2].map((n) => h.commit(`b${n}`, `2024-05-0${n}T11:00:00Z`, one(`b${n}`), ['--meta', 'host=studio', '--meta', 'source=/code']));
    art = [1, 2, 3].map((n) => h.commit(`art${n}`, `2024-06-0${n}T10:00:00Z`, one(`art${n}`), ['--meta', 'host=laptop', '--meta', 'source=/art'], 'art'));
  });

  it('by default each host and source is kept on its own, like restic', () => {
    const r = json('forget', '--keep-last', '1', '-n');
    expect(r.groups).toBe(3);
    // Newest of each group, plus the two branch heads (b2 is main's head, art3 art's).
    expect(r.keep.map((k: any) => k.name).sort()).toEqual(['a3', 'art3', 'b2']);
    expect(r.remove.map((k: any) => k.name).sort()).toEqual(['a1', 'a2', 'art1', 'art2', 'b1']);
    expect(r.keep.find((k: any) => k.name === 'a3').group).toEqual({ host: 'studio', source: '/art' });
    const text = out('forget', '--keep-last', '1', '-n');
    expect(text).toContain(' host=laptop source=/art:');
  });

  it('--group-by chooses the keys; "" makes one group', () => {
    const bySource = json('forget', '--keep-last', '1', '--group-by', 'source', '-n');
    expect(bySource.groups).toBe(2);
    expect(bySource.keep.map((k: any) => k.name).sort()).toEqual(['art3', 'b2']);
    const one = json('forget', '--keep-last', '1', '--group-by', '', '-n');
    expect(one.groups).toBe(1);
    expect(one.keep.map((k: any) => [k.name, k.reasons])).toEqual([
      ['art3', ['ref refs/heads/art', 'last']],
      ['b2', ['ref refs/heads/main']],
    ]);
  });

  it('--branch considers only the versions in that branch history', () => {
    // art's history: art1..art3 on top of main's versions at the time it was started (none: its own root).
    const r = json('forget', '--keep-last', '2', '--branch', 'art', '--group-by', '');
    expect(r.keep.map((k: any) => k.name)).toEqual(['art3', 'art2']);
    expect(r.remove.map((k: any) => k.name)).toEqual(['art1']);
    expect(out('for-each-ref', '--format', '%(refname)', 'refs/versions/').split('\n')).toHaveLength(a.length + b.length + art.length - 1);
  });
});

describe('check: damage is found and located', () => {
  const base = tempDir('maint-check');
  const work = join(base, 'work');
  const repo = join(base, 'repo');
  const run = (...args: string[]) => strata([...args, '--repo', repo], { cwd: base });
  const out = (...args: string[]) => ok([...args, '--repo', repo], { cwd: base });
  let version: string;
  let blob: string;
  let subTree: string;

  beforeAll(() => {
    writeTreeFiles(work, {
      'a.txt': Buffer.from('alpha\n'),
      'sub/b.txt': Buffer.from('the content that will be damaged\n'),
      'sub/deeper/c.txt': Buffer.from('the content that will be damaged\n'),
      'big.bin': bytes('big', 300 * 1024),
    });
    ok(['init', '--repo', repo]);
    version = JSON.parse(out('snapshot', work, '--json').split('\n').pop() as string).id;
    blob = out('rev-parse', `${version}:sub/b.txt`);
    subTree = out('rev-parse', `${version}:sub`);
  });

  it('a clean repository passes, with and without reading data; subsets are deterministic slices', async () => {
    const all = storedObjectIds(repo);
    const [plain, data, half1, half2, pct, pctAgain] = await Promise.all([
      strataP(['check', '--json', '--repo', repo]),
      strataP(['check', '--read-data', '--json', '--repo', repo]),
      strataP(['check', '--read-data-subset', '1/2', '--json', '--repo', repo]),
      strataP(['check', '--read-data-subset', '2/2', '--json', '--repo', repo]),
      strataP(['check', '--read-data-subset', '50%', '--json', '--repo', repo]),
      strataP(['check', '--read-data-subset', '50', '--json', '--repo', repo]),
    ]);
    for (const r of [plain, data, half1, half2, pct, pctAgain]) expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(plain.stdout);
    expect(p).toMatchObject({ ok: true, objects: all.length, reachable: all.length, dangling: 0, problems: [], notes: [] });
    expect(p.data).toEqual({ mode: 'none', selected: 0, blobsRead: 0, bytesRead: 0 });
    const d = JSON.parse(data.stdout).data;
    expect(d).toMatchObject({ mode: 'all', selected: all.length });
    // Blobs: a.txt, the shared b/c content, big.bin (one or more chunks).
    expect(d.bytesRead).toBe(6 + 33 + 300 * 1024);
    const s1 = JSON.parse(half1.stdout).data;
    const s2 = JSON.parse(half2.stdout).data;
    expect(s1.selected + s2.selected).toBe(all.length);
    expect(s1.blobsRead + s2.blobsRead).toBe(d.blobsRead);
    expect(JSON.parse(pct.stdout).data).toEqual({ ...JSON.parse(pctAgain.stdout).data, subset: '50%' });
    expect(ok(['check', '--repo', repo])).toMatch(/^\d+ refs, \d+ objects \(\d+ reachable, 0 dangling\); data not read .*; no damage found$/);
  });

  it('refuses bad subsets and conflicting options (exit 2)', async () => {
    const bad = await Promise.all(
      [['0'], ['101'], ['abc'], ['3/2'], ['0/4']].map((s) => strataP(['check', '--read-data-subset', s[0] as string, '--repo', repo])),
    );
    for (const r of bad) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error\[USAGE\]: --read-data-subset: /);
    }
    const both = run('check', '--read-data', '--read-data-subset', '10');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --read-data or --read-data-subset/);
  });

  it('a blob whose bytes changed but whose header did not: only reading the data finds it, with its paths', () => {
    const path = objectPath(repo, blob);
    const original = readFileSync(path);
    const body = inflateSync(original);
    const damaged = Buffer.from(body);
    damaged[damaged.length - 2] = 'X'.charCodeAt(0); // same header, same size, other content
    chmodSync(path, 0o644);
    writeFileSync(path, deflateSync(damaged));
    try {
      expect(run('check').code).toBe(0); // the structure is fine
      const r = run('check', '--read-data', '--json');
      expect(r.code).toBe(12);
      const j = JSON.parse(r.stdout);
      expect(j.ok).toBe(false);
      expect(j.problems).toEqual([
        {
          problem: 'corrupt',
          id: blob,
          message: expect.stringContaining(blob),
          reachable: true,
          usedBy: [{ version, paths: ['sub/b.txt', 'sub/deeper/c.txt'], pathCount: 2 }],
        },
      ]);
      const text = run('check', '--read-data');
      expect(text.code).toBe(12);
      expect(text.stdout).toContain(`corrupt ${blob}: `);
      expect(text.stdout).toContain(`  used by version ${version.slice(0, 12)} at sub/b.txt, sub/deeper/c.txt`);
      expect(text.stdout).toMatch(/; 1 damaged object\n$/);
      // The slice that holds it finds it; the other does not read it.
      const slice = (Number.parseInt(blob.slice(0, 8), 16) % 2) + 1;
      expect(run('check', '--read-data-subset', `${slice}/2`).code).toBe(12);
      expect(run('check', '--read-data-subset', `${3 - slice}/2`).code).toBe(0);
      expect(run('check', '--read-data-subset', '100%').code).toBe(12);
    } finally {
      writeFileSync(path, original);
    }
    expect(run('check', '--read-data').code).toBe(0);
  });

  it('a missing tree: check names it and where it was; gc and stats refuse to work on damage', () => {
    writeFileSync(join(base, 'orphan.txt'), 'unreachable\n');
    const orphan = out('hash-object', '-w', 'orphan.txt');
    const path = objectPath(repo, subTree);
    const original = readFileSync(path);
    unlinkSync(path);
    try {
      const r = run('check', '--json');
      expect(r.code).toBe(12);
      const j = JSON.parse(r.stdout);
      expect(j.problems).toEqual([
        expect.objectContaining({ problem: 'missing', id: subTree, reachable: true, usedBy: [{ version, paths: ['sub'], pathCount: 1 }] }),
      ]);
      expect(j.problems[0].referencedBy).toMatch(/entry "sub"/);
      const text = run('check');
      expect(text.stdout).toContain(`missing ${subTree}: `);
      expect(text.stdout).toContain(`used by version ${version.slice(0, 12)} at sub`);

      const g = run('gc');
      expect(g.code).toBe(12);
      expect(g.stderr).toMatch(/^error\[FSCK_FAILED\]: the repository has 1 missing or corrupt objects; gc removes nothing until it is repaired/);
      expect(g.stderr).toMatch(/hint: run `strata check`/);
      expect(existsSync(objectPath(repo, orphan))).toBe(true);
      expect(run('gc', '--dry-run').code).toBe(12);

      const s = run('stats');
      expect(s.code).toBe(12);
      expect(s.stderr).toMatch(/^error\[OBJECT_MISSING\]: object [0-9a-f]{64} \(a tree\) is not stored/);
    } finally {
      writeFileSync(path, original);
    }
    expect(run('check').code).toBe(0);
  });
});

describe('unlock', () => {
  const base = tempDir('maint-unlock');
  const repo = join(base, 'repo');
  const run = (...args: string[]) => strata([...args, '--repo', repo], { cwd: base });
  const out = (...args: string[]) => ok([...args, '--repo', repo], { cwd: base });

  beforeAll(() => {
    ok(['init', '--repo', repo]);
  });

  it('lists and clears stale locks, leaves live ones unless --all', () => {
    expect(out('unlock', '--list')).toBe('no locks');
    expect(okJson(['unlock', '--list', '--repo', repo])).toEqual({ locks: [] });
    expect(out('unlock')).toBe('no stale locks to remove');

    const dead = deadPid();
    mkdirSync(join(repo, 'locks'), { recursive: true });
    const stale = `locks/${HOST}.${dead}.1.0000aaaa.json`;
    const foreign = 'locks/other-machine.4242.1.0000bbbb.json';
    writeFileSync(join(repo, stale), JSON.stringify({ kind: 'shared', pid: dead, host: HOST, time: Date.parse('2024-05-01T10:00:00Z'), command: 'snapshot' }));
    writeFileSync(join(repo, foreign), JSON.stringify({ kind: 'exclusive', pid: 4242, host: 'other-machine', time: Date.parse('2024-05-01T11:00:00Z'), command: 'gc' }));
    mkdirSync(join(repo, 'refs', 'heads'), { recursive: true });
    writeFileSync(join(repo, 'refs/heads/main.lock'), JSON.stringify({ pid: dead, host: HOST, time: 1 }));
    // A lock file created but never written (its process was killed in between): its name says whose.
    const empty = `locks/${HOST}.${dead}.2.0000cccc.json`;
    writeFileSync(join(repo, empty), '');

    const listed = okJson(['unlock', '--list', '--repo', repo]).locks;
    expect(listed).toEqual([
      ...[
        { scope: 'repository', path: stale, kind: 'shared', pid: dead, host: HOST, time: Date.parse('2024-05-01T10:00:00Z'), command: 'snapshot', stale: true },
        { scope: 'repository', path: foreign, kind: 'exclusive', pid: 4242, host: 'other-machine', time: Date.parse('2024-05-01T11:00:00Z'), command: 'gc', stale: false },
        { scope: 'repository', path: empty, kind: 'unknown', host: HOST, pid: dead, stale: true },
      ].sort((x, y) => (x.path < y.path ? -1 : 1)),
      { scope: 'ref', path: 'refs/heads/main.lock', kind: 'ref', pid: dead, host: HOST, time: 1, stale: true },
    ]);
    const text0 = out('unlock', '--list');
    expect(text0).toContain(`stale shared lock of snapshot (process ${dead} on ${HOST}, since 2024-05-01T10:00:00.000Z): ${stale}`);
    expect(text0).toContain(`stale unreadable lock (process ${dead} on ${HOST}): ${empty}`);

    const blocked = run('gc');
    expect(blocked.code).toBe(11);
    expect(blocked.stderr).toMatch(/^error\[STALE_LOCK\]: the repository is locked by snapshot .* which is no longer running/);
    expect(blocked.stderr).toMatch(/hint: .*strata unlock/);

    const dry = run('unlock', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would remove stale shared lock of snapshot (process ${dead}`);
    expect(existsSync(join(repo, stale))).toBe(true);

    const removed = okJson(['unlock', '--repo', repo]);
    expect(removed.removed.map((l: any) => l.path)).toEqual([stale, empty, 'refs/heads/main.lock']);
    expect(existsSync(join(repo, empty))).toBe(false);
    expect(removed.remaining.map((l: any) => l.path)).toEqual([foreign]);
    expect(existsSync(join(repo, stale))).toBe(false);
    expect(existsSync(join(repo, 'refs/heads/main.lock'))).toBe(false);

    const busy = run('gc');
    expect(busy.code).toBe(11);
    expect(busy.stderr).toMatch(/^error\[LOCKED\]: the repository is busy: gc \(exclusive lock, process 4242 on other-machine/);
    const text = out('unlock');
    expect(text).toContain(`left live exclusive lock of gc (process 4242 on other-machine`);
    expect(text).toContain('--all');

    expect(out('unlock', '--all')).toBe(`removed live exclusive lock of gc (process 4242 on other-machine, since 2024-05-01T11:00:00.000Z): ${foreign}`);
    expect(run('gc').code).toBe(0);
    expect(out('unlock', '--list')).toBe('no locks');
  });

  it('fails outside a repository with exit 10', () => {
    const r = strata(['unlock', '--repo', join(base, 'nothing-here')]);
    expect(r.code).toBe(10);
  });
});
