/**
 * Asset references end to end, through the built CLI: the graph of the working folder and of a
 * version (stored once, reused), who uses an asset, the history of a reference over versions (appears,
 * breaks when its target is renamed, is fixed), mv rewriting every reference with every other byte
 * kept (dry run, TARGET_EXISTS, FILE_NOT_FOUND, a failure half-way changing nothing), and restore-asset
 * bringing back a model with its material and textures, warning about what is still missing.
 */
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles, ok, okJson, removeTempDirs, strata, tempDir, writeFiles as write, snapshotWithMessage as snapshot, errorCode } from './helpers.js';

afterAll(removeTempDirs);

/** Every file's bytes under `dir` (the repository left out). */
function contents(dir: string): Map<string, Buffer> {
  return new Map(listFiles(dir).filter((p) => !p.startsWith('.strata')).map((p) => [p, readFileSync(join(dir, p))]));
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

const project = {
  'models/ship.obj': '# ship\r\nmtllib ship.mtl\r\no hull\r\nv 0 0 0\r\nv 1 0 0\r\nv 0 1 0\r\nf 1 2 3\r\n',
  'models/ship.mtl': 'newmtl hull\nKd 1 1 1\nmap_Kd -s 1 1 1 ../textures/hull paint.png\nbump ..\\textures\\hull_n.png\n',
  'textures/hull paint.png': PNG,
  'textures/hull_n.png': Buffer.concat([PNG, Buffer.from('n')]),
  'textures/unused.png': Buffer.concat([PNG, Buffer.from('u')]),
  'site/index.html': '<!doctype html>\n<link rel="stylesheet" href="css/site.css">\n<img src="../textures/hull%20paint.png" alt="hull &amp; paint">\n<img src="img/missing.png">\n',
  'site/css/site.css': 'body { background: url("../../textures/hull paint.png") repeat; }\n',
};

describe('creative refs', () => {
  it('reads the working folder and a version; stores the version graph and reuses it', () => {
    const dir = tempDir('refs');
    ok(['init'], { cwd: dir });
    write(dir, project);
    const folder = okJson(['creative', 'refs'], { cwd: dir });
    expect(folder.origin).toBe('scanned');
    expect(folder.files).toBe(7);
    expect(folder.read).toBe(4);
    expect(folder.broken.map((e: { from: string; to: string }) => [e.from, e.to])).toEqual([['site/index.html', 'site/img/missing.png']]);
    expect(folder.orphans).toEqual(['models/ship.obj', 'textures/unused.png']);

    snapshot(dir, 'one');
    const first = okJson(['creative', 'refs', 'HEAD'], { cwd: dir });
    expect(first.origin).toBe('computed');
    expect(first.readNow).toBe(4);
    expect(first.broken).toEqual(folder.broken);
    const again = okJson(['creative', 'refs', 'HEAD'], { cwd: dir });
    expect(again.origin).toBe('stored');
    expect(existsSync(join(dir, '.strata', 'refs', 'derived', 'creative', 'refs-v1'))).toBe(true);

    const users = okJson(['creative', 'refs', 'HEAD', '--who-uses', 'textures/hull paint.png'], { cwd: dir });
    expect(users.whoUses.users.map((u: { path: string }) => u.path)).toEqual(['models/ship.mtl', 'site/css/site.css', 'site/index.html', 'models/ship.obj']);
    const human = ok(['creative', 'refs', '--broken'], { cwd: dir });
    expect(human).toContain('site/index.html:4 -> img/missing.png');
    const missing = strata(['creative', 'refs', '--who-uses', 'nothing/here.png'], { cwd: dir });
    expect(errorCode(missing.stderr)).toBe('PATH_NOT_FOUND');
  });

  it('tells when a reference appeared, broke when its target was renamed, and was fixed', () => {
    const dir = tempDir('refs-history');
    ok(['init'], { cwd: dir });
    write(dir, { 'm/crate.mtl': 'newmtl crate\nmap_Kd wood.png\n', 'm/wood.png': PNG });
    const v1 = snapshot(dir, 'crate with wood');
    rmSync(join(dir, 'm/wood.png'));
    write(dir, { 'm/oak.png': PNG });
    const v2 = snapshot(dir, 'renamed the texture');
    write(dir, { 'm/crate.mtl': 'newmtl crate\nmap_Kd oak.png\n' });
    const v3 = snapshot(dir, 'fixed the material');
    const h = okJson(['creative', 'refs', '--history', 'm/oak.png'], { cwd: dir });
    expect(h.versions).toBe(3);
    expect(h.computedGraphs).toBe(3);
    // The second and third versions re-read only what changed: one file each at most.
    expect(h.filesRead).toBe(2);
    expect(h.filesReused).toBe(1);
    const events = h.points.map((p: { version: string; events: Array<{ change: string; from: string; target?: string; previousTarget?: string; to?: string }> }) => [p.version, p.events.map((e) => `${e.change} ${e.from} ${e.previousTarget ?? ''}${e.target ?? e.to ?? ''}`.trim())]);
    expect(events).toEqual([
      [v1, ['asset-added m/wood.png', 'appeared m/crate.mtl wood.png']],
      [v2, ['asset-moved m/wood.png m/oak.png', 'broke m/crate.mtl wood.png']],
      [v3, ['fixed m/crate.mtl wood.pngoak.png']],
    ]);
    const again = okJson(['creative', 'refs', '--history', 'm/wood.png'], { cwd: dir });
    expect(again.storedGraphs).toBe(3);
    expect(again.points.map((p: { events: unknown[] }) => p.events.length)).toEqual([2, 2, 1]);
    const text = ok(['creative', 'refs', '--history', 'm/oak.png'], { cwd: dir });
    expect(text).toContain('broke: m/crate.mtl:2 -> wood.png');
    expect(text).toContain('fixed: m/crate.mtl:2 -> wood.png -> oak.png');
  });
});

describe('creative mv', () => {
  it('rewrites every reference and keeps every other byte; --dry-run writes nothing', () => {
    const dir = tempDir('mv');
    ok(['init'], { cwd: dir });
    write(dir, project);
    const before = contents(dir);
    const dry = okJson(['creative', 'mv', 'textures/hull paint.png', 'art/hull.png', '--dry-run'], { cwd: dir });
    expect(dry.changes.map((c: { file: string; line: number; before: string; after: string }) => [c.file, c.line, c.before, c.after])).toEqual([
      ['models/ship.mtl', 3, '../textures/hull paint.png', '../art/hull.png'],
      ['site/css/site.css', 1, '../../textures/hull paint.png', '../../art/hull.png'],
      ['site/index.html', 3, '../textures/hull%20paint.png', '../art/hull.png'],
    ]);
    expect(contents(dir)).toEqual(before);

    const text = ok(['creative', 'mv', 'textures/hull paint.png', 'art/hull.png'], { cwd: dir });
    expect(text).toContain('3 references in 3 files rewritten');
    const after = contents(dir);
    expect(after.has('textures/hull paint.png')).toBe(false);
    expect(after.get('art/hull.png')).toEqual(before.get('textures/hull paint.png'));
    expect(after.get('models/ship.mtl')?.toString()).toBe('newmtl hull\nKd 1 1 1\nmap_Kd -s 1 1 1 ../art/hull.png\nbump ..\\textures\\hull_n.png\n');
    expect(after.get('site/css/site.css')?.toString()).toBe('body { background: url("../../art/hull.png") repeat; }\n');
    expect(after.get('site/index.html')?.toString()).toBe('<!doctype html>\n<link rel="stylesheet" href="css/site.css">\n<img src="../art/hull.png" alt="hull &amp; paint">\n<img src="img/missing.png">\n');
    expect(after.get('models/ship.obj')).toEqual(before.get('models/ship.obj'));
    expect(okJson(['creative', 'refs'], { cwd: dir }).broken.length).toBe(1);

    // Moving the model to another folder rewrites its own mtllib (CRLF lines kept).
    ok(['creative', 'mv', 'models/ship.obj', 'scenes/'], { cwd: dir });
    expect(readFileSync(join(dir, 'scenes/ship.obj'), 'utf8')).toBe((project['models/ship.obj'] as string).replace('mtllib ship.mtl', 'mtllib ../models/ship.mtl'));
    expect(listFiles(dir).filter((p) => p.includes('.strata-mv-'))).toEqual([]);
  });

  it('refuses a rename onto an existing file and a missing source', () => {
    const dir = tempDir('mv-errors');
    ok(['init'], { cwd: dir });
    write(dir, project);
    const before = contents(dir);
    const onto = strata(['creative', 'mv', 'textures/hull paint.png', 'textures/unused.png'], { cwd: dir });
    expect(errorCode(onto.stderr)).toBe('TARGET_EXISTS');
    expect(onto.stderr).toContain('textures/unused.png');
    const gone = strata(['creative', 'mv', 'textures/nothing.png', 'x.png'], { cwd: dir });
    expect(errorCode(gone.stderr)).toBe('FILE_NOT_FOUND');
    const outside = strata(['creative', 'mv', 'textures/hull_n.png', '../x.png'], { cwd: dir });
    expect(errorCode(outside.stderr)).toBe('UNSAFE_PATH');
    expect(contents(dir)).toEqual(before);
  });

  it('changes nothing when writing fails half-way', () => {
    const dir = tempDir('mv-fail');
    ok(['init'], { cwd: dir });
    write(dir, { ...project, 'notes.txt': 'a file where a folder is needed' });
    const before = contents(dir);
    // The referring files' temporary copies are written first, then the asset's new place fails
    // (its folder would be inside a file): every temporary file is removed.
    const r = strata(['creative', 'mv', 'textures/hull paint.png', 'notes.txt/hull.png'], { cwd: dir });
    expect(errorCode(r.stderr)).toBe('IO_ERROR');
    expect(r.stderr).toContain('nothing was changed');
    expect(contents(dir)).toEqual(before);

    if (process.getuid?.() !== 0) {
      // Without root, an unwritable folder of one referring file stops the move before any rename.
      chmodSync(join(dir, 'site/css'), 0o555);
      try {
        const locked = strata(['creative', 'mv', 'textures/hull paint.png', 'art/hull.png'], { cwd: dir });
        expect(errorCode(locked.stderr)).toBe('IO_ERROR');
      } finally {
        chmodSync(join(dir, 'site/css'), 0o755);
      }
      expect(contents(dir)).toEqual(before);
    }
  });
});

describe('creative restore-asset', () => {
  it('restores a model with its material and textures, and warns about references still missing', () => {
    const dir = tempDir('restore-asset');
    ok(['init'], { cwd: dir });
    write(dir, project);
    const v1 = snapshot(dir, 'ship');
    rmSync(join(dir, 'models'), { recursive: true });
    rmSync(join(dir, 'textures'), { recursive: true });
    write(dir, { 'textures/unused.png': Buffer.from('changed later') });
    snapshot(dir, 'ship removed');

    const dry = okJson(['creative', 'restore-asset', `${v1}:models/ship.obj`, '--dry-run'], { cwd: dir });
    expect(dry.paths).toEqual(['models/ship.mtl', 'models/ship.obj', 'textures/hull paint.png', 'textures/hull_n.png']);
    expect(existsSync(join(dir, 'models'))).toBe(false);

    const r = strata(['creative', 'restore-asset', `${v1}:models/ship.obj`], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('restored models/ship.obj with 3 files it needs');
    for (const p of ['models/ship.obj', 'models/ship.mtl', 'textures/hull paint.png', 'textures/hull_n.png']) {
      expect(readFileSync(join(dir, p))).toEqual(Buffer.from(project[p as keyof typeof project]));
    }
    // Untouched: a file the model does not need keeps today's content.
    expect(readFileSync(join(dir, 'textures/unused.png'), 'utf8')).toBe('changed later');
    expect(r.stderr).toContain('warning: site/index.html:4 references img/missing.png, which is still missing');

    const missing = strata(['creative', 'restore-asset', `${v1}:models/nothing.obj`], { cwd: dir });
    expect(errorCode(missing.stderr)).toBe('PATH_NOT_FOUND');
  });
});
