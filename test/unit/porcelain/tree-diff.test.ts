import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  STATUS_LETTERS,
  diffTrees,
  nameKey,
  summarizeDiff,
  type DiffNode,
  type DirNode,
  type LeafNode,
} from '../../../porcelain/core/tree-diff.js';

/** A 64-hex id made from a short label, so tests can name contents. */
const id = (label: string): string => Buffer.from(label).toString('hex').padEnd(64, '0').slice(0, 64);

const file = (content: string, size: number, extra: Partial<LeafNode> = {}): LeafNode => ({
  type: 'file',
  id: id(content),
  size,
  mode: 0o644,
  mtime: 1_000,
  ...extra,
});
const exe = (content: string, size: number, extra: Partial<LeafNode> = {}): LeafNode => file(content, size, { type: 'executable', mode: 0o755, ...extra });
const link = (target: string, extra: Partial<LeafNode> = {}): LeafNode => ({ type: 'symlink', id: id(`link:${target}`), size: target.length, mtime: 1_000, ...extra });
const dir = (children: Record<string, DiffNode>, treeId?: string): DirNode => ({
  type: 'directory',
  mode: 0o755,
  mtime: 1_000,
  children: new Map(Object.entries(children)),
  ...(treeId === undefined ? {} : { id: treeId }),
});

const brief = (old: DirNode | undefined, next: DirNode | undefined, renames = true): string[] =>
  diffTrees({ old, new: next, renames }).entries.map((e) => `${STATUS_LETTERS[e.status]} ${e.oldPath === undefined ? '' : `${e.oldPath} -> `}${e.path}`);

describe('diffTrees: statuses', () => {
  it('finds nothing between equal trees, and equal tree ids are not looked into', () => {
    const tree = dir({ 'a.txt': file('a', 1), sub: dir({ 'b.txt': file('b', 2) }) });
    expect(diffTrees({ old: tree, new: tree }).entries).toEqual([]);
    // Neither side is loaded: equal ids say enough.
    const unloaded = (treeId: string): DirNode => ({ type: 'directory', id: treeId, mtime: 0 });
    expect(diffTrees({ old: unloaded(id('t')), new: unloaded(id('t')) }).entries).toEqual([]);
    const a = dir({ same: unloaded(id('s')), x: file('x', 1) }, id('root1'));
    const b = dir({ same: unloaded(id('s')), x: file('y', 2) }, id('root2'));
    expect(brief(a, b)).toEqual(['M x']);
  });

  it('refuses to compare a folder that was not loaded', () => {
    const a = dir({ sub: { type: 'directory', id: id('s1'), mtime: 0 } });
    const b = dir({ sub: { type: 'directory', id: id('s2'), mtime: 0 } });
    expect(() => diffTrees({ old: a, new: b })).toThrow(/sub was not loaded/);
  });

  it('reports added, deleted and modified files with sizes, ids and modes', () => {
    const old = dir({ 'keep.txt': file('k', 5), 'gone.txt': file('g', 7), 'edit.txt': file('e1', 10) });
    const next = dir({ 'keep.txt': file('k', 5), 'new.txt': file('n', 3), 'edit.txt': file('e2', 12) });
    const { entries, summary } = diffTrees({ old, new: next });
    expect(entries).toEqual([
      {
        status: 'modified',
        path: 'edit.txt',
        oldType: 'file',
        newType: 'file',
        oldSize: 10,
        newSize: 12,
        oldId: id('e1'),
        newId: id('e2'),
        oldMode: 0o644,
        newMode: 0o644,
        contentChanged: true,
        modeChanged: false,
      },
      { status: 'deleted', path: 'gone.txt', oldType: 'file', oldSize: 7, oldId: id('g'), oldMode: 0o644 },
      { status: 'added', path: 'new.txt', newType: 'file', newSize: 3, newId: id('n'), newMode: 0o644 },
    ]);
    expect(summary).toEqual({
      added: { count: 1, oldBytes: 0, newBytes: 3 },
      deleted: { count: 1, oldBytes: 7, newBytes: 0 },
      modified: { count: 1, oldBytes: 10, newBytes: 12 },
      renamed: { count: 0, oldBytes: 0, newBytes: 0 },
      typeChanged: { count: 0, oldBytes: 0, newBytes: 0 },
      total: { count: 3, oldBytes: 17, newBytes: 15 },
    });
  });

  it('a permission change is a modification without a content change; a new mtime alone is nothing', () => {
    const old = dir({ 'run.sh': file('s', 4), 'notes.txt': file('n', 4), 'touched.txt': file('t', 4) });
    const next = dir({ 'run.sh': exe('s', 4), 'notes.txt': file('n', 4, { mode: 0o600 }), 'touched.txt': file('t', 4, { mtime: 99_999 }) });
    const { entries } = diffTrees({ old, new: next });
    expect(entries.map((e) => [e.path, e.oldType, e.newType, e.contentChanged, e.modeChanged, e.oldMode, e.newMode])).toEqual([
      ['notes.txt', 'file', 'file', false, true, 0o644, 0o600],
      ['run.sh', 'file', 'executable', false, true, 0o644, 0o755],
    ]);
  });

  it('works through nested folders and sorts by path bytes ("a.txt" before "a/…")', () => {
    const old = dir({ a: dir({ b: dir({ 'c.txt': file('c1', 1) }) }), 'a.txt': file('x', 1) });
    const next = dir({ a: dir({ b: dir({ 'c.txt': file('c2', 2), 'd.txt': file('d', 3) }) }), 'a.txt': file('x2', 1) });
    expect(brief(old, next)).toEqual(['M a.txt', 'M a/b/c.txt', 'A a/b/d.txt']);
  });

  it('a missing side is an empty folder: everything added, or everything deleted', () => {
    const tree = dir({ 'a.txt': file('a', 1), sub: dir({ 'b.txt': file('b', 2), empty: dir({}) }) });
    expect(brief(undefined, tree)).toEqual(['A a.txt', 'A sub/b.txt', 'A sub/empty']);
    expect(brief(tree, undefined)).toEqual(['D a.txt', 'D sub/b.txt', 'D sub/empty']);
    expect(diffTrees({ new: tree }).summary.added).toEqual({ count: 3, oldBytes: 0, newBytes: 3 });
  });

  it('empty folders are entries of their own; a folder that gains files is not', () => {
    const old = dir({ gone: dir({}), filled: dir({}) });
    const next = dir({ made: dir({}), filled: dir({ 'x.txt': file('x', 1) }) });
    const { entries } = diffTrees({ old, new: next });
    expect(entries.map((e) => [e.status, e.path, e.oldType ?? e.newType, e.oldSize ?? e.newSize])).toEqual([
      ['added', 'filled/x.txt', 'file', 1],
      ['deleted', 'gone', 'directory', undefined],
      ['added', 'made', 'directory', undefined],
    ]);
  });
});

describe('diffTrees: renames', () => {
  it('pairs a deleted and an added path with the same content and type', () => {
    const old = dir({ 'old.txt': file('c', 9) });
    const next = dir({ 'new.txt': file('c', 9, { mtime: 5 }) });
    const { entries, summary } = diffTrees({ old, new: next });
    expect(entries).toEqual([
      {
        status: 'renamed',
        path: 'new.txt',
        oldPath: 'old.txt',
        oldType: 'file',
        newType: 'file',
        oldSize: 9,
        newSize: 9,
        oldId: id('c'),
        newId: id('c'),
        oldMode: 0o644,
        newMode: 0o644,
      },
    ]);
    expect(summary.renamed).toEqual({ count: 1, oldBytes: 9, newBytes: 9 });
    expect(summary.total.newBytes - summary.total.oldBytes).toBe(0);
    expect(brief(old, next, false)).toEqual(['A new.txt', 'D old.txt']);
  });

  it('a renamed folder is a rename of each file in it, across nesting levels', () => {
    const content = { 'a.psd': file('A', 100), deep: dir({ 'b.png': file('B', 50) }) };
    const old = dir({ art: dir(content, id('art')), 'x.txt': file('x', 1) });
    const next = dir({ assets: dir({ v1: dir(content, id('art')) }), 'x.txt': file('x', 1) });
    expect(brief(old, next)).toEqual(['R art/a.psd -> assets/v1/a.psd', 'R art/deep/b.png -> assets/v1/deep/b.png']);
  });

  it('with several candidates, the same base name wins, then path order', () => {
    const old = dir({ one: dir({ 'a.txt': file('same', 4), 'b.txt': file('same', 4) }) });
    const next = dir({ two: dir({ 'b.txt': file('same', 4), 'c.txt': file('same', 4) }) });
    expect(brief(old, next)).toEqual(['R one/b.txt -> two/b.txt', 'R one/a.txt -> two/c.txt']);
  });

  it('more copies than originals: the extra ones are added', () => {
    const old = dir({ 'a.txt': file('same', 4) });
    const next = dir({ 'b.txt': file('same', 4), 'c.txt': file('same', 4) });
    expect(brief(old, next)).toEqual(['R a.txt -> b.txt', 'A c.txt']);
  });

  it('does not pair empty files, different types, changed content, or unknown content', () => {
    const old = dir({ 'empty1': file('e', 0), 'script': file('s', 5), 'edited': file('v1', 5), 'unk': file('u', 5) });
    const next = dir({
      'empty2': file('e', 0),
      'script2': exe('s', 5),
      'edited2': file('v2', 5),
      'unk2': { type: 'file', size: 5, mode: 0o644, mtime: 1_000 },
    });
    expect(brief(old, next)).toEqual(['D edited', 'A edited2', 'D empty1', 'A empty2', 'D script', 'A script2', 'D unk', 'A unk2']);
  });

  it('pairs symlinks with the same target', () => {
    expect(brief(dir({ latest: link('v1/a.txt') }), dir({ current: link('v1/a.txt') }))).toEqual(['R latest -> current']);
  });
});

describe('diffTrees: type changes', () => {
  it('file -> symlink, symlink -> executable', () => {
    const old = dir({ cfg: file('c', 4), bin: link('x') });
    const next = dir({ cfg: link('real.cfg'), bin: exe('b', 8) });
    const { entries, summary } = diffTrees({ old, new: next });
    expect(entries.map((e) => [e.status, e.path, e.oldType, e.newType, e.oldSize, e.newSize])).toEqual([
      ['type-changed', 'bin', 'symlink', 'executable', 1, 8],
      ['type-changed', 'cfg', 'file', 'symlink', 4, 8],
    ]);
    expect(summary.typeChanged).toEqual({ count: 2, oldBytes: 5, newBytes: 16 });
  });

  it('file -> folder: the folder’s files are added; folder -> file: its files are deleted', () => {
    const old = dir({ notes: file('n', 3), docs: dir({ 'a.md': file('a', 1), sub: dir({ 'b.md': file('b', 2) }) }) });
    const next = dir({ notes: dir({ 'today.md': file('t', 6) }), docs: file('d', 9) });
    const { entries } = diffTrees({ old, new: next });
    expect(entries.map((e) => [e.status, e.path, e.oldType, e.newType])).toEqual([
      ['type-changed', 'docs', 'directory', 'file'],
      ['deleted', 'docs/a.md', 'file', undefined],
      ['deleted', 'docs/sub/b.md', 'file', undefined],
      ['type-changed', 'notes', 'file', 'directory'],
      ['added', 'notes/today.md', undefined, 'file'],
    ]);
    expect(entries[0]?.oldSize).toBeUndefined();
    expect(entries[0]?.newSize).toBe(9);
  });

  it('a type change keeps its path: the old file is not a rename source for the folder’s files', () => {
    const old = dir({ report: file('r', 40) });
    const next = dir({ report: dir({ 'v1.pdf': file('r', 40) }) });
    expect(brief(old, next)).toEqual(['T report', 'A report/v1.pdf']);
  });
});

describe('diffTrees: content known only by metadata (a scanned folder)', () => {
  const scanned = (size: number, mtime: number): LeafNode => ({ type: 'file', size, mode: 0o644, mtime });

  it('same size and mtime is unchanged; a different size or mtime is modified', () => {
    const old = dir({ same: file('s', 5), bigger: file('b', 5), touched: file('t', 5) });
    const next = dir({ same: scanned(5, 1_000), bigger: scanned(6, 1_000), touched: scanned(5, 2_000) });
    const { entries } = diffTrees({ old, new: next });
    expect(entries.map((e) => [e.path, e.contentChanged, e.oldSize, e.newSize, e.newId])).toEqual([
      ['bigger', true, 5, 6, undefined],
      ['touched', true, 5, 5, undefined],
    ]);
  });
});

describe('diffTrees: names', () => {
  it('names that are not UTF-8 get rawPath (base64 of the path bytes)', () => {
    const latin1 = nameKey(Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "caf\xe9"
    const old: DirNode = { type: 'directory', mtime: 0, children: new Map() };
    const next: DirNode = { type: 'directory', mtime: 0, children: new Map([[latin1, dir({ 'x.txt': file('x', 1) })]]) };
    const [entry] = diffTrees({ old, new: next }).entries;
    expect(entry?.path).toBe('caf\ufffd/x.txt');
    expect(Buffer.from(entry?.rawPath ?? '', 'base64')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2f, 0x78, 0x2e, 0x74, 0x78, 0x74]));
    const utf8: DirNode = { type: 'directory', mtime: 0, children: new Map([[nameKey(Buffer.from('ü.txt')), file('u', 1)]]) };
    expect(diffTrees({ new: utf8 }).entries[0]).toMatchObject({ path: 'ü.txt' });
    expect(diffTrees({ new: utf8 }).entries[0]).not.toHaveProperty('rawPath');
  });

  it('keys are name bytes: UTF-8 names given as bytes match their display form', () => {
    const key = nameKey(Buffer.from('Ünïcode.txt'));
    const old: DirNode = { type: 'directory', mtime: 0, children: new Map([[key, file('a', 1)]]) };
    const next: DirNode = { type: 'directory', mtime: 0, children: new Map([[key, file('b', 2)]]) };
    expect(diffTrees({ old, new: next }).entries.map((e) => e.path)).toEqual(['Ünïcode.txt']);
  });
});

describe('summarizeDiff', () => {
  it('totals a filtered part of a diff', () => {
    const old = dir({ a: file('a', 10), b: file('b', 20) });
    const next = dir({ a: file('a2', 15), c: file('c', 1) });
    const { entries } = diffTrees({ old, new: next });
    expect(summarizeDiff(entries.filter((e) => e.path !== 'c'))).toMatchObject({
      modified: { count: 1, oldBytes: 10, newBytes: 15 },
      deleted: { count: 1, oldBytes: 20, newBytes: 0 },
      added: { count: 0 },
      total: { count: 2, oldBytes: 30, newBytes: 15 },
    });
  });
});

describe('diffTrees: properties', () => {
  // Flat folders of files drawn from a few names and contents, so renames and edits both occur.
  const folder = fc.dictionary(
    fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    fc.record({ content: fc.constantFrom('p', 'q', 'r', 's'), exec: fc.boolean() }),
  );
  const build = (spec: Record<string, { content: string; exec: boolean }>): DirNode =>
    dir(Object.fromEntries(Object.entries(spec).map(([name, f]) => [name, f.exec ? exe(f.content, f.content.charCodeAt(0)) : file(f.content, f.content.charCodeAt(0))])));
  const bytes = (spec: Record<string, { content: string }>): number => Object.values(spec).reduce((n, f) => n + f.content.charCodeAt(0), 0);

  it('accounts for every path once, and the net bytes equal the difference in size', () => {
    fc.assert(
      fc.property(folder, folder, (a, b) => {
        const { entries, summary } = diffTrees({ old: build(a), new: build(b) });
        const olds = entries.flatMap((e) => (e.status === 'added' ? [] : [e.oldPath ?? e.path]));
        const news = entries.flatMap((e) => (e.status === 'deleted' ? [] : [e.path]));
        expect(new Set(olds).size).toBe(olds.length);
        expect(new Set(news).size).toBe(news.length);
        for (const name of Object.keys(a)) if (!(name in b)) expect(olds).toContain(name);
        for (const name of Object.keys(b)) if (!(name in a)) expect(news).toContain(name);
        expect(summary.total.count).toBe(entries.length);
        expect(summary.total.newBytes - summary.total.oldBytes).toBe(bytes(b) - bytes(a));
        expect(diffTrees({ old: build(a), new: build(a) }).entries).toEqual([]);
      }),
    );
  });
});
