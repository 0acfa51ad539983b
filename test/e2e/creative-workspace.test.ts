/**
 * `strata creative workspace` end to end through the built CLI, with HOME and XDG variables pointing
 * at temporary homes: capture Krita, change it, capture, list, show, diff, restore onto another home
 * (byte-identical) and undo; --dry-run; the generic adapter file, APP_RUNNING through the real process
 * lister (the adapter names `node`, which runs the tests), unknown applications and a damaged adapter file.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEX64, ok, okJson, removeTempDirs, strata, tempDir, errorCode } from './helpers.js';
import { fillKrita, fixture, kritarc, makeHome, put, type Home } from '../unit/creative/workspace-home.js';

afterAll(removeTempDirs);

function envOf(h: Home): Record<string, string | undefined> {
  return { HOME: h.home, XDG_CONFIG_HOME: undefined, XDG_DATA_HOME: undefined, APPDATA: undefined, LOCALAPPDATA: undefined };
}

describe('creative workspace', () => {
  it('capture, list, show, diff, restore on another home, undo', () => {
    const dir = tempDir('ws');
    ok(['init'], { cwd: dir });
    const a = makeHome(join(dir, 'machine-a'), 'linux');
    fillKrita(a);
    const env = envOf(a);

    const first = okJson<{ capture: { id: string; name: string; app: string }; files: number }>(['creative', 'workspace', 'capture', 'krita', '--name', 'before-trip'], { cwd: dir, env });
    expect(first.capture.id).toMatch(HEX64);
    expect(first.capture.name).toBe('before-trip');
    expect(first.files).toBe(8);

    put(join(a.dirs.kritarc, 'kritarc'), kritarc('Krita bright', ['/home/ana/art/forest.kra', '/home/ana/art/castle.kra']));
    const human = ok(['creative', 'workspace', 'capture', 'krita'], { cwd: dir, env });
    expect(human).toMatch(/^captured krita workspace [0-9a-f]{12}: 8 files, [\d.]+ KiB from .*\.config, .*krita$/);

    const list = ok(['creative', 'workspace', 'list'], { cwd: dir });
    const lines = list.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^${first.capture.id.slice(0, 12)}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  krita  before-trip  +8 files +[\\d.]+ KiB  .+ \\(linux\\)$`));

    const show = ok(['creative', 'workspace', 'show', 'before-trip'], { cwd: dir });
    expect(show).toContain('theme: Krita dark');
    expect(show).toContain('recent files (2):\n  /home/ana/art/forest.kra\n  /home/ana/art/portrait study.kra');
    expect(show).toContain('workspaces (3):\n  Default\n  Minimal\n  My Painting');
    const showJson = okJson<{ summary: { lists: Record<string, string[]> } }>(['creative', 'workspace', 'show', 'krita'], { cwd: dir });
    expect(showJson.summary.lists['recent files']).toEqual(['/home/ana/art/forest.kra', '/home/ana/art/castle.kra']);

    const diff = ok(['creative', 'workspace', 'diff', 'before-trip', 'krita'], { cwd: dir });
    expect(diff).toContain('files: 1 changed, 0 added, 0 removed, 7 unchanged\n  M config/kritarc');
    expect(diff).toContain('recent files:\n  + /home/ana/art/castle.kra\n  - /home/ana/art/portrait study.kra');
    expect(diff).toContain('  ~ kritarc [theme]  Theme: Krita dark -> Krita bright');

    // Another machine: a fresh home. --dry-run first writes nothing.
    const b = makeHome(join(dir, 'machine-b'), 'linux');
    const envB = envOf(b);
    const dry = ok(['creative', 'workspace', 'restore', 'before-trip', '--dry-run'], { cwd: dir, env: envB });
    expect(dry.split('\n')).toContain(`would create   ${join(b.dirs.kritarc, 'kritarc')}`);
    expect(dry).toContain('dry run: 8 files would change, 0 already as captured; nothing written');
    expect(existsSync(join(b.dirs.kritarc, 'kritarc'))).toBe(false);

    const restored = okJson<{ written: number; backup: { id: string; name: string } }>(['creative', 'workspace', 'restore', first.capture.id.slice(0, 10)], { cwd: dir, env: envB });
    expect(restored.written).toBe(8);
    expect(restored.backup.name).toBe('before-restore');
    expect(readFileSync(join(b.dirs.kritarc, 'kritarc'), 'utf8')).toBe(kritarc());
    expect(readFileSync(join(b.dirs.kritaData, 'workspaces', 'Minimal.kws')).equals(fixture('krita/Minimal.kws'))).toBe(true);
    expect(existsSync(join(b.dirs.kritaData, 'resourcecache.sqlite'))).toBe(false);

    // Undo on machine B: the before-restore capture held nothing, so --prune removes what came.
    const undo = ok(['creative', 'workspace', 'restore', restored.backup.id, '--prune'], { cwd: dir, env: envB });
    expect(undo).toMatch(/restored krita workspace [0-9a-f]{12}: 0 written, 8 deleted/);
    expect(existsSync(join(b.dirs.kritarc, 'kritarc'))).toBe(false);
  });

  it('the generic adapter file: capture, restore, and APP_RUNNING found by the real process lister', () => {
    const dir = tempDir('ws-generic');
    ok(['init'], { cwd: dir });
    const h = makeHome(join(dir, 'home'), 'linux');
    put(join(h.home, '.config', 'tool', 'tool.ini'), '[view]\nzoom=2\n');
    const adapter = join(dir, 'tool.json');
    // `node` runs this test, so the real process lister finds it.
    writeFileSync(adapter, JSON.stringify({ app: 'tool', process: ['node'], roots: { config: '$XDG_CONFIG_HOME/tool' } }));
    const env = envOf(h);
    const c = okJson<{ capture: { id: string; adapter: string } }>(['creative', 'workspace', 'capture', '--adapter', adapter], { cwd: dir, env });
    expect(c.capture.adapter).toBe('file');
    expect(ok(['creative', 'workspace', 'show', 'tool', '--settings'], { cwd: dir })).toContain('config/tool.ini [view]  zoom = 2');

    put(join(h.home, '.config', 'tool', 'tool.ini'), '[view]\nzoom=3\n');
    const refused = strata(['creative', 'workspace', 'restore', c.capture.id], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(errorCode(refused.stderr)).toBe('APP_RUNNING');
    expect(refused.stderr).toMatch(/^error\[APP_RUNNING\]: tool is running \(.*node.*\): quit it before restoring/m);
    expect(refused.stderr).toContain('hint: or pass --force to restore anyway');
    expect(readFileSync(join(h.home, '.config', 'tool', 'tool.ini'), 'utf8')).toBe('[view]\nzoom=3\n');

    const forced = strata(['creative', 'workspace', 'restore', c.capture.id, '--force'], { cwd: dir, env });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^warning: tool is running/m);
    expect(readFileSync(join(h.home, '.config', 'tool', 'tool.ini'), 'utf8')).toBe('[view]\nzoom=2\n');
  });

  it('unknown application, damaged adapter file, unknown capture, nothing to capture', () => {
    const dir = tempDir('ws-errors');
    ok(['init'], { cwd: dir });
    const h = makeHome(join(dir, 'home'), 'linux');
    const env = envOf(h);
    const unknown = strata(['creative', 'workspace', 'capture', 'photoshop'], { cwd: dir, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error[UNKNOWN_APP]: no workspace adapter for "photoshop": known applications are blender, gimp, inkscape, krita, vscode');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"app": "x", "roots": {"config": "~/x"');
    const damaged = strata(['creative', 'workspace', 'capture', '--adapter', bad, '--json'], { cwd: dir, env });
    expect(damaged.code).toBe(2);
    const err = JSON.parse(damaged.stderr.trim().split('\n').pop() as string) as { code: string; message: string };
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(`adapter file ${bad} is not valid JSON`);

    const missing = strata(['creative', 'workspace', 'show', 'nothing-here'], { cwd: dir });
    expect(errorCode(missing.stderr)).toBe('RECORD_NOT_FOUND');
    const empty = strata(['creative', 'workspace', 'capture', 'gimp'], { cwd: dir, env });
    expect(errorCode(empty.stderr)).toBe('PATH_NOT_FOUND');
    expect(empty.stderr).toContain(join(h.home, '.config', 'GIMP'));
    expect(ok(['creative', 'workspace', 'list'], { cwd: dir })).toBe('no workspace captures yet');
    const usage = strata(['creative', 'workspace', 'capture'], { cwd: dir, env });
    expect(usage.code).toBe(2);
    rmSync(bad);
  });
});
