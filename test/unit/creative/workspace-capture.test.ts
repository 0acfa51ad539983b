/**
 * Workspace capture of Krita, GIMP, Inkscape, Blender and VS Code in temporary homes laid out as Linux,
 * macOS and Windows keep them: what is captured (and what is not), what show reads, what diff finds
 * after the files change, restore into a fresh home (byte-identical), before-restore and undo,
 * APP_RUNNING with a faked process list, --dry-run, recent files merged into another machine's xbel.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepository, isStrataError, listRecordFiles, type Repository } from '../../../porcelain/index.js';
import { captureWorkspace, diffWorkspaces, listWorkspaces, restoreWorkspace, showWorkspace } from '../../../personas/creative/ops/workspace.js';
import type { WorkspacePlatform } from '../../../personas/creative/workspace/env.js';
import { fillBlender, fillGimp, fillInkscape, fillKrita, fillVscode, fixture, gimprc, kritarc, makeHome, put, xbel, SHARED_RECENT, VSCODE_SETTINGS, type Home } from './workspace-home.js';

const base = mkdtempSync(join(tmpdir(), 'strata-workspace-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let counter = 0;

async function repoAndHome(platform: WorkspacePlatform = 'linux'): Promise<{ repo: Repository; h: Home; dir: string }> {
  const dir = join(base, `t${++counter}`);
  let t = Date.UTC(2024, 2, 1);
  const repo = await createRepository({ root: join(dir, 'repo'), clock: { now: () => (t += 1000) } });
  return { repo, h: makeHome(join(dir, 'a'), platform), dir };
}

const none = async (): Promise<string[]> => ['bash', 'systemd', 'node'];
const HOST = 'studio-1';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isStrataError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

describe('Krita', () => {
  it('captures the rc files and user resources, never caches or logs; show reads recent files, theme and workspaces', async () => {
    const { repo, h } = await repoAndHome();
    fillKrita(h);
    const r = await captureWorkspace({ repo, app: 'krita', env: h.env, host: HOST, name: 'monday' });
    const files = (await listRecordFiles(repo, r.capture.id)).map((f) => f.path);
    expect(files).toEqual([
      'config/kritadisplayrc',
      'config/kritarc',
      'config/kritashortcutsrc',
      'data/input/kritadefault.profile',
      'data/palettes/Gold.gpl',
      'data/workspaces/Default.kws',
      'data/workspaces/Minimal.kws',
      'data/workspaces/my_painting.kws',
    ]);
    expect(r.capture).toMatchObject({ app: 'krita', name: 'monday', host: HOST, platform: 'linux', adapter: 'krita', adapterVersion: 1 });
    expect(r.capture.roots).toEqual({ config: h.dirs.kritarc, data: h.dirs.kritaData });

    const s = await showWorkspace({ repo, capture: r.capture.id.slice(0, 8) });
    expect(s.summary.lists['recent files']).toEqual(['/home/ana/art/forest.kra', '/home/ana/art/portrait study.kra']);
    expect(s.summary.lists.workspaces).toEqual(['Default', 'Minimal', 'My Painting']);
    expect(s.summary.lists['input profiles']).toEqual(['Krita Default']);
    expect(s.summary.lists.palettes).toEqual(['Gold']);
    expect(s.summary.facts.theme).toBe('Krita dark');
    expect(s.summary.facts['current workspace']).toBe('My Painting');
    expect(s.summary.facts['window state']).toMatch(/^saved \(\d+ characters\)$/);
    expect(s.summary.facts['custom shortcuts']).toBe('3');
    // KConfig escapes and Qt's percent-escaped keys are decoded.
    expect(s.summary.settings['kritarc [General]']?.['ImportConfiguration-image/png']).toBe('<!DOCTYPE params>\n<params version="1"/>\n');
    expect(s.summary.settings['kritarc [General]']?.ColorHistory).toBe(' #ff0000,#00ff00');
    expect(s.summary.settings['kritashortcutsrc [Shortcuts]']?.mirror_canvas).toBe('M; Ctrl+M');
    expect(s.summary.problems).toEqual([]);
  });

  it('diff shows the theme, a recent file and a workspace; restore into a fresh home is byte-identical', async () => {
    const { repo, h, dir } = await repoAndHome();
    fillKrita(h);
    const first = await captureWorkspace({ repo, app: 'krita', env: h.env, host: HOST });
    const original = new Map(['kritarc', 'kritashortcutsrc', 'kritadisplayrc'].map((f) => [f, readFileSync(join(h.dirs.kritarc, f))]));
    const kws = readFileSync(join(h.dirs.kritaData, 'workspaces', 'my_painting.kws'));
    put(join(h.dirs.kritarc, 'kritarc'), kritarc('Krita bright', ['/home/ana/art/forest.kra', '/home/ana/art/castle.kra']));
    rmSync(join(h.dirs.kritaData, 'workspaces', 'Minimal.kws'));
    put(join(h.dirs.kritaData, 'workspaces', 'inking.kws'), '<Workspace version="1" name="Inking">\n    <state><![CDATA[AAAA/w==]]></state>\n</Workspace>\n');
    const second = await captureWorkspace({ repo, app: 'krita', env: h.env, host: HOST });

    const d = await diffWorkspaces({ repo, a: first.capture.id, b: second.capture.id });
    expect(d.files).toEqual({ added: ['data/workspaces/inking.kws'], removed: ['data/workspaces/Minimal.kws'], changed: ['config/kritarc'], unchanged: 6 });
    expect(d.settings).toEqual([{ group: 'kritarc [theme]', key: 'Theme', change: 'changed', before: 'Krita dark', after: 'Krita bright' }]);
    expect(d.lists).toEqual(
      expect.arrayContaining([
        { list: 'recent files', added: ['/home/ana/art/castle.kra'], removed: ['/home/ana/art/portrait study.kra'] },
        { list: 'workspaces', added: ['Inking'], removed: ['Minimal'] },
      ]),
    );
    expect(d.facts).toContainEqual({ label: 'theme', before: 'Krita dark', after: 'Krita bright' });

    // Another machine: a fresh home with nothing of Krita's.
    const other = makeHome(join(dir, 'b'), 'linux');
    const r = await restoreWorkspace({ repo, capture: first.capture.id, env: other.env, host: 'laptop', processes: none });
    expect(r.written).toBe(8);
    expect(r.actions.every((a) => a.action === 'create')).toBe(true);
    for (const [f, data] of original) expect(readFileSync(join(other.dirs.kritarc, f)).equals(data)).toBe(true);
    expect(readFileSync(join(other.dirs.kritaData, 'workspaces', 'my_painting.kws')).equals(kws)).toBe(true);
    expect(readFileSync(join(other.dirs.kritaData, 'workspaces', 'Minimal.kws')).equals(fixture('krita/Minimal.kws'))).toBe(true);
    // The file times come back too.
    const capturedTime = (await listRecordFiles(repo, first.capture.id)).find((f) => f.path === 'config/kritarc')?.mtime as number;
    expect(Math.abs(statSync(join(other.dirs.kritarc, 'kritarc')).mtimeMs - capturedTime)).toBeLessThan(1);
    // What was there before (nothing) was saved first.
    expect(r.backup).toMatchObject({ name: 'before-restore', host: 'laptop', restoring: first.capture.id });
    expect(await listRecordFiles(repo, (r.backup as { id: string }).id)).toEqual([]);
  });

  it('restore saves what it overwrites as before-restore, which undoes it (with --prune for the files it added)', async () => {
    const { repo, h } = await repoAndHome();
    fillKrita(h);
    const first = await captureWorkspace({ repo, app: 'krita', env: h.env, host: HOST });
    const changed = kritarc('Krita bright');
    put(join(h.dirs.kritarc, 'kritarc'), changed);
    rmSync(join(h.dirs.kritaData, 'workspaces', 'Minimal.kws'));
    put(join(h.dirs.kritaData, 'workspaces', 'extra.kws'), '<Workspace version="1" name="Extra"/>\n');

    const r = await restoreWorkspace({ repo, capture: first.capture.id, env: h.env, host: HOST, processes: none });
    expect(r.actions.filter((a) => a.action !== 'unchanged').map((a) => [a.action, a.path])).toEqual([
      ['replace', 'config/kritarc'],
      ['create', 'data/workspaces/Minimal.kws'],
    ]);
    expect(readFileSync(join(h.dirs.kritarc, 'kritarc'), 'utf8')).toBe(kritarc());
    expect(existsSync(join(h.dirs.kritaData, 'workspaces', 'extra.kws'))).toBe(true); // not pruned by default
    const backup = r.backup as { id: string };
    const show = await showWorkspace({ repo, capture: backup.id });
    expect(show.capture.name).toBe('before-restore');
    expect(show.summary.facts.theme).toBe('Krita bright');

    // Undo: the before-restore capture, pruning what the first restore added.
    const undo = await restoreWorkspace({ repo, capture: 'before-restore', env: h.env, host: HOST, processes: none, prune: true });
    expect(undo.capture.id).toBe(backup.id);
    expect(undo.actions.filter((a) => a.action !== 'unchanged').map((a) => [a.action, a.path])).toEqual([
      ['replace', 'config/kritarc'],
      ['delete', 'data/workspaces/Minimal.kws'],
    ]);
    expect(readFileSync(join(h.dirs.kritarc, 'kritarc'), 'utf8')).toBe(changed);
    expect(existsSync(join(h.dirs.kritaData, 'workspaces', 'Minimal.kws'))).toBe(false);
    // Restoring what is already there changes nothing and stores no capture.
    const again = await restoreWorkspace({ repo, capture: backup.id, env: h.env, host: HOST, processes: none });
    expect(again.backup).toBeUndefined();
    expect(again.written).toBe(0);
    expect((await listWorkspaces({ repo, app: 'krita' })).captures.map((c) => c.name)).toEqual(['before-restore', 'before-restore', '']);
  });

  it('refuses while Krita runs (APP_RUNNING), unless forced; --dry-run writes nothing and stores nothing', async () => {
    const { repo, h } = await repoAndHome();
    fillKrita(h);
    const first = await captureWorkspace({ repo, app: 'krita', env: h.env, host: HOST });
    put(join(h.dirs.kritarc, 'kritarc'), kritarc('Krita bright'));
    const running = async (): Promise<string[]> => ['bash', '/usr/bin/krita', 'node'];
    let err: unknown;
    try {
      await restoreWorkspace({ repo, capture: first.capture.id, env: h.env, host: HOST, processes: running });
    } catch (e) {
      err = e;
    }
    expect(isStrataError(err) && err.code).toBe('APP_RUNNING');
    expect((err as Error).message).toContain('Krita is running (/usr/bin/krita)');
    expect(readFileSync(join(h.dirs.kritarc, 'kritarc'), 'utf8')).toContain('Krita bright');

    const dry = await restoreWorkspace({ repo, capture: first.capture.id, env: h.env, host: HOST, processes: running, dryRun: true });
    expect(dry.running).toEqual(['/usr/bin/krita']);
    expect(dry.actions.find((a) => a.path === 'config/kritarc')?.action).toBe('replace');
    expect(dry.written).toBe(0);
    expect(readFileSync(join(h.dirs.kritarc, 'kritarc'), 'utf8')).toContain('Krita bright');
    expect((await listWorkspaces({ repo })).captures).toHaveLength(1);

    const forced = await restoreWorkspace({ repo, capture: first.capture.id, env: h.env, host: HOST, processes: running, force: true });
    expect(forced.written).toBe(1);
    expect(readFileSync(join(h.dirs.kritarc, 'kritarc'), 'utf8')).toBe(kritarc());
  });
});

describe('GIMP', () => {
  it('captures 2.10 and 3.0 without pluginrc, tmp, crash logs; show reads windows, docks, shortcuts, templates and recent files', async () => {
    const { repo, h } = await repoAndHome();
    fillGimp(h);
    const r = await captureWorkspace({ repo, app: 'gimp', env: h.env, host: HOST });
    const files = (await listRecordFiles(repo, r.capture.id)).map((f) => f.path);
    expect(files).toEqual([
      'config/2.10/controllerrc',
      'config/2.10/devicerc',
      'config/2.10/gimprc',
      'config/2.10/menurc',
      'config/2.10/palettes/Gold.gpl',
      'config/2.10/sessionrc',
      'config/2.10/templaterc',
      'config/2.10/toolrc',
      'config/3.0/gimprc',
      'config/3.0/shortcutsrc',
      'recent/recently-used.xbel',
    ]);
    const s = (await showWorkspace({ repo, capture: 'gimp' })).summary;
    expect(s.facts.versions).toBe('2.10, 3.0');
    // GIMP's own sessionrc: two toplevel windows, the toolbox and dock dialogs.
    expect(s.lists['windows (2.10)']).toEqual(['toplevel gimp-empty-image-window', 'toplevel gimp-single-image-window']);
    expect(s.settings['2.10/sessionrc windows']).toEqual({
      'toplevel gimp-empty-image-window size': '640x480',
      'toplevel gimp-empty-image-window position': '200,100',
      'toplevel gimp-empty-image-window open on exit': 'no',
      'toplevel gimp-single-image-window size': '1024x768',
      'toplevel gimp-single-image-window position': '200,100',
      'toplevel gimp-single-image-window open on exit': 'yes',
      'toplevel gimp-single-image-window left-docks-width': '"188"',
      'toplevel gimp-single-image-window right-docks-width': '"205"',
      'toplevel gimp-single-image-window maximized': '"no"',
    });
    expect(s.lists['docked dialogs (2.10)']).toEqual(['gimp-tool-options', 'gimp-device-status', 'gimp-undo-history', 'gimp-image-list', 'gimp-brush-grid', 'gimp-pattern-grid', 'gimp-font-list', 'gimp-document-list', 'gimp-layer-list', 'gimp-channel-list', 'gimp-vectors-list']);
    expect(s.facts['2.10 single-window mode']).toBe('yes');
    // menurc: the uncommented accelerators only (GIMP writes defaults as "; " comments).
    expect(s.settings['2.10/menurc']).toEqual({ '<Actions>/plug-in/file-print-gtk': '<Primary>p', '<Actions>/image/image-flatten': '<Primary><Shift>f' });
    expect(s.settings['3.0/shortcutsrc']).toEqual({ 'file-open': '<Primary>o', 'view-zoom-fit-in': '<Primary><Shift>j' });
    expect(s.lists['templates (2.10)']).toContain('A4 (300 ppi)');
    expect(s.lists['tools (2.10)']).toContain('gimp-move-tool');
    expect(s.lists['devices (2.10)']).toEqual(['Core Pointer']);
    expect(s.lists['controllers (2.10)']).toEqual(['Main Mouse Wheel', 'Main Keyboard']);
    expect(s.settings['2.10/gimprc']?.theme).toBe('"Dark"');
    expect(s.settings['2.10/gimprc']?.['default-image']).toBe('(width 1920) (height 1080) (unit pixels) (xresolution 300.000000) (yresolution 300.000000)');
    // Recent documents: GIMP's bookmarks only, newest first.
    expect(s.lists['recent files']).toEqual(['/home/ana/photos/cat.xcf', '/home/ana/photos/sunset edit.xcf']);
    expect(s.problems).toEqual([]);
  });

  it('diff shows a preference, a window moved and a recent file; restore merges recent files into the other machine’s xbel', async () => {
    const { repo, h, dir } = await repoAndHome();
    fillGimp(h);
    const first = await captureWorkspace({ repo, app: 'gimp', env: h.env, host: HOST });
    put(join(h.dirs.gimp, '2.10', 'gimprc'), gimprc('Light'));
    const session = readFileSync(join(h.dirs.gimp, '2.10', 'sessionrc'), 'utf8').replace('(size 1024 768)', '(size 1920 1080)');
    put(join(h.dirs.gimp, '2.10', 'sessionrc'), session);
    put(h.dirs.xbel, xbel([...SHARED_RECENT, { path: '/home/ana/photos/dog.xcf', app: 'GNU Image Manipulation Program', exec: 'gimp-2.10', modified: '2024-03-05T08:00:00.000000Z' }]));
    const second = await captureWorkspace({ repo, app: 'gimp', env: h.env, host: HOST });
    const d = await diffWorkspaces({ repo, a: first.capture.id, b: second.capture.id });
    expect(d.files.changed).toEqual(['config/2.10/gimprc', 'config/2.10/sessionrc', 'recent/recently-used.xbel']);
    expect(d.settings).toEqual([
      { group: '2.10/gimprc', key: 'theme', change: 'changed', before: '"Dark"', after: '"Light"' },
      { group: '2.10/sessionrc windows', key: 'toplevel gimp-single-image-window size', change: 'changed', before: '1024x768', after: '1920x1080' },
    ]);
    expect(d.lists).toEqual([{ list: 'recent files', added: ['/home/ana/photos/dog.xcf'], removed: [] }]);

    // The other machine has its own recent files, of GIMP and of other applications.
    const other = makeHome(join(dir, 'b'), 'linux');
    const theirs = [
      { path: '/home/bo/old.xcf', app: 'GNU Image Manipulation Program', exec: 'gimp-2.10', modified: '2023-01-01T00:00:00.000000Z' },
      { path: '/home/bo/report.odt', app: 'LibreOffice', exec: 'soffice', modified: '2023-02-01T00:00:00.000000Z' },
    ];
    put(other.dirs.xbel, xbel(theirs));
    const r = await restoreWorkspace({ repo, capture: first.capture.id, env: other.env, host: 'laptop', processes: none });
    expect(r.actions.find((a) => a.path === 'recent/recently-used.xbel')?.action).toBe('merge');
    const merged = readFileSync(other.dirs.xbel, 'utf8');
    expect(merged).toContain('/home/bo/report.odt'); // another application's bookmark kept
    expect(merged).not.toContain('/home/bo/old.xcf'); // GIMP's replaced by the captured ones
    expect(merged).toContain('/home/ana/photos/cat.xcf');
    expect(merged).not.toContain('/home/ana/notes.txt'); // never captured: gedit's
    expect(readFileSync(join(other.dirs.gimp, '2.10', 'sessionrc')).equals(fixture('gimp/sessionrc'))).toBe(true);
    expect(existsSync(join(other.dirs.gimp, '2.10', 'pluginrc'))).toBe(false);
    const show = await showWorkspace({ repo, capture: r.backup?.id as string });
    expect(show.summary.lists['recent files']).toEqual(['/home/bo/old.xcf']);
  });
});

describe('Inkscape', () => {
  it('reads preferences.xml, shortcuts, palettes, templates and recent files; diff is key by key', async () => {
    const { repo, h } = await repoAndHome();
    fillInkscape(h);
    const first = await captureWorkspace({ repo, app: 'inkscape', env: h.env, host: HOST });
    expect((await listRecordFiles(repo, first.capture.id)).map((f) => f.path)).toEqual(['config/keys/default.xml', 'config/palettes/Gold.gpl', 'config/preferences.xml', 'config/templates/Poster A2.svg', 'recent/recently-used.xbel']);
    const s = (await showWorkspace({ repo, capture: first.capture.id })).summary;
    expect(s.facts.theme).toBe('Adwaita, icons hicolor, dark');
    expect(s.facts.window).toBe('1600x900 at 0,27, maximised');
    expect(s.settings['preferences.xml']?.['/options/zoomincrement/value']).toBe('141.42135');
    expect(s.lists['dialogs with saved state']).toEqual(['export', 'fillstroke']);
    expect(s.facts['shortcuts in keys/default.xml']).toBe('45');
    expect(s.settings['keys/default.xml']?.["win.tool-switch('Select')"]).toBe('v, e');
    expect(s.lists.palettes).toEqual(['Gold']);
    expect(s.lists.templates).toEqual(['Poster A2']);
    expect(s.lists['recent files']).toEqual(['/home/ana/logo.svg']);

    const prefs = readFileSync(join(h.dirs.inkscape, 'preferences.xml'), 'utf8').replace('width="1600"', 'width="1280"').replace('darkTheme="true"', 'darkTheme="false"');
    put(join(h.dirs.inkscape, 'preferences.xml'), prefs);
    const second = await captureWorkspace({ repo, app: 'inkscape', env: h.env, host: HOST });
    const d = await diffWorkspaces({ repo, a: first.capture.id, b: second.capture.id });
    expect(d.settings).toEqual([
      { group: 'preferences.xml', key: '/desktop/geometry/width', change: 'changed', before: '1600', after: '1280' },
      { group: 'preferences.xml', key: '/theme/darkTheme', change: 'changed', before: 'true', after: 'false' },
    ]);
  });
});

describe('VS Code', () => {
  it('reads JSONC settings and keybindings, snippets, recent folders and extensions; extensions are not restored', async () => {
    const { repo, h, dir } = await repoAndHome();
    fillVscode(h);
    const first = await captureWorkspace({ repo, app: 'code', env: h.env, host: HOST });
    expect(first.capture.app).toBe('vscode');
    expect((await listRecordFiles(repo, first.capture.id)).map((f) => f.path)).toEqual([
      'extensions/.folders',
      'extensions/extensions.json',
      'user/globalStorage/storage.json',
      'user/keybindings.json',
      'user/settings.json',
      'user/snippets/python.json',
    ]);
    const s = (await showWorkspace({ repo, capture: 'vscode' })).summary;
    expect(s.facts).toMatchObject({ settings: '5', keybindings: '2', extensions: '2', 'colour theme': 'Default Dark Modern' });
    expect(s.settings['settings.json']?.['files.exclude']).toBe('{"**/.git":true}');
    expect(s.settings['settings.json']?.['url.example']).toBe('"http://example.com/not-a-comment"');
    expect(s.settings['keybindings.json']).toEqual({ 'ctrl+shift+t when terminalProcessSupported': 'workbench.action.terminal.new', 'ctrl+k ctrl+w': 'workbench.action.closeAllEditors' });
    expect(s.lists.extensions).toEqual(['esbenp.prettier-vscode@10.1.0', 'ms-python.python@2024.2.1']);
    expect(s.lists['recent folders']).toEqual(['/home/ana/projects/site', '/home/ana/projects/game jam', '/home/ana/todo.md']);
    expect(s.lists['open windows']).toEqual(['/home/ana/projects/site']);
    expect(s.lists.snippets).toEqual(['python: Main guard']);

    put(join(h.dirs.vscodeUser, 'settings.json'), '{\n  "editor.fontSize": 16, // bigger\n  "workbench.colorTheme": "Default Dark Modern",\n  "files.exclude": { "**/.git": true },\n  "[python]": { "editor.tabSize": 4 },\n  "url.example": "http://example.com/not-a-comment",\n  "editor.minimap.enabled": false,\n}\n');
    const second = await captureWorkspace({ repo, app: 'vscode', env: h.env, host: HOST });
    const d = await diffWorkspaces({ repo, a: first.capture.id, b: second.capture.id });
    expect(d.settings).toEqual([
      { group: 'settings.json', key: 'editor.fontSize', change: 'changed', before: '14', after: '16' },
      { group: 'settings.json', key: 'editor.minimap.enabled', change: 'added', after: 'false' },
    ]);

    const other = makeHome(join(dir, 'b'), 'linux');
    const r = await restoreWorkspace({ repo, capture: first.capture.id, env: other.env, host: 'laptop', processes: none });
    expect(r.notRestored.map((n) => n.path)).toEqual(['extensions/.folders', 'extensions/extensions.json']);
    expect(existsSync(join(other.dirs.vscodeExtensions, 'extensions.json'))).toBe(false);
    expect(readFileSync(join(other.dirs.vscodeUser, 'settings.json'), 'utf8')).toBe(VSCODE_SETTINGS);
    const code = await codeOf(restoreWorkspace({ repo, capture: first.capture.id, env: other.env, host: 'laptop', processes: async () => ['/usr/share/code/code'] }));
    expect(code).toBe('APP_RUNNING');
  });
});

describe('Blender', () => {
  it('captures every version’s config, add-ons, presets and extensions, not .blend1, __pycache__ or caches; reads .blend headers', async () => {
    const { repo, h } = await repoAndHome();
    fillBlender(h);
    const r = await captureWorkspace({ repo, app: 'blender', env: h.env, host: HOST });
    expect((await listRecordFiles(repo, r.capture.id)).map((f) => f.path)).toEqual([
      'config/4.1/config/recent-files.txt',
      'config/4.1/config/userpref.blend',
      'config/4.2/config/bookmarks.txt',
      'config/4.2/config/recent-files.txt',
      'config/4.2/config/startup.blend',
      'config/4.2/config/userpref.blend',
      'config/4.2/extensions/user_default/node_wrangler/__init__.py',
      'config/4.2/scripts/addons/my_tools/__init__.py',
      'config/4.2/scripts/presets/keyconfig/mine.py',
      'config/5.0/config/userpref.blend',
    ]);
    const s = (await showWorkspace({ repo, capture: 'blender' })).summary;
    expect(s.facts.versions).toBe('4.1, 4.2, 5.0');
    expect(s.facts['4.2 userpref.blend']).toBe('Blender 4.2 file (64-bit, little-endian), 4.0 KiB');
    expect(s.facts['5.0 userpref.blend']).toBe('Blender 5.0 file (little-endian), 2.0 KiB');
    expect(s.lists['recent files (4.2)']).toEqual(['/home/ana/3d/robot.blend', '/home/ana/3d/scene v2.blend']);
    expect(s.lists['bookmarks (4.2)']).toEqual(['/home/ana/3d/', '/home/ana/textures/']);
    expect(s.lists['recent folders (4.2)']).toEqual(['/home/ana/Downloads/']);
    expect(s.lists['add-ons (4.2)']).toEqual(['my_tools']);
    expect(s.lists['extensions (4.2)']).toEqual(['node_wrangler (user_default)']);
  });
});

describe('other platforms', () => {
  for (const platform of ['darwin', 'win32'] as const) {
    it(`${platform}: every application is found where it lives, and restores byte-identical onto a Linux home`, async () => {
      const { repo, h, dir } = await repoAndHome(platform);
      fillKrita(h);
      fillGimp(h);
      fillInkscape(h);
      fillVscode(h);
      fillBlender(h);
      const linux = makeHome(join(dir, 'linux'), 'linux');
      for (const app of ['krita', 'gimp', 'inkscape', 'vscode', 'blender']) {
        const c = await captureWorkspace({ repo, app, env: h.env, host: 'mac-or-pc' });
        expect(c.capture.platform).toBe(platform);
        expect(c.files).toBeGreaterThan(2);
        await restoreWorkspace({ repo, capture: c.capture.id, env: linux.env, host: 'linux-box', processes: none });
      }
      const pairs: Array<[string, string]> = [
        [join(h.dirs.kritarc, 'kritarc'), join(linux.dirs.kritarc, 'kritarc')],
        [join(h.dirs.kritaData, 'workspaces', 'my_painting.kws'), join(linux.dirs.kritaData, 'workspaces', 'my_painting.kws')],
        [join(h.dirs.gimp, '2.10', 'sessionrc'), join(linux.dirs.gimp, '2.10', 'sessionrc')],
        [join(h.dirs.inkscape, 'preferences.xml'), join(linux.dirs.inkscape, 'preferences.xml')],
        [join(h.dirs.inkscape, 'keys', 'default.xml'), join(linux.dirs.inkscape, 'keys', 'default.xml')],
        [join(h.dirs.vscodeUser, 'settings.json'), join(linux.dirs.vscodeUser, 'settings.json')],
        [join(h.dirs.blender, '4.2', 'config', 'userpref.blend'), join(linux.dirs.blender, '4.2', 'config', 'userpref.blend')],
      ];
      for (const [from, to] of pairs) expect(readFileSync(to).equals(readFileSync(from)), to).toBe(true);
      expect(existsSync(join(linux.dirs.blender, '4.2', 'config', 'userpref.blend1'))).toBe(false);
      const recent = readFileSync(linux.dirs.xbel, 'utf8');
      expect(recent).toContain('/home/ana/logo.svg');
      expect(recent).toContain('/home/ana/photos/cat.xcf');
    });
  }
});

describe('errors', () => {
  it('an application with no state here is PATH_NOT_FOUND naming where it looked; unknown apps and captures are named', async () => {
    const { repo, h } = await repoAndHome();
    let err: unknown;
    try {
      await captureWorkspace({ repo, app: 'krita', env: h.env, host: HOST });
    } catch (e) {
      err = e;
    }
    expect(isStrataError(err) && err.code).toBe('PATH_NOT_FOUND');
    expect((err as Error).message).toContain(h.dirs.kritaData);
    expect(await codeOf(captureWorkspace({ repo, app: 'photoshop', env: h.env, host: HOST }))).toBe('UNKNOWN_APP');
    expect(await codeOf(showWorkspace({ repo, capture: 'deadbeef' }))).toBe('RECORD_NOT_FOUND');
    fillKrita(h);
    fillGimp(h);
    const k = await captureWorkspace({ repo, app: 'krita', env: h.env, host: HOST });
    const g = await captureWorkspace({ repo, app: 'gimp', env: h.env, host: HOST });
    expect(await codeOf(diffWorkspaces({ repo, a: k.capture.id, b: g.capture.id }))).toBe('INVALID_ARGUMENT');
  });

  it('a damaged file is reported by show, not fatal; a damaged xbel on this machine stops restore before anything is written', async () => {
    const { repo, h, dir } = await repoAndHome();
    fillGimp(h);
    put(join(h.dirs.gimp, '2.10', 'toolrc'), '(GimpToolInfo "gimp-move-tool"\n    (visible yes)\n');
    const c = await captureWorkspace({ repo, app: 'gimp', env: h.env, host: HOST });
    const s = await showWorkspace({ repo, capture: c.capture.id });
    expect(s.summary.problems).toEqual([{ path: 'config/2.10/toolrc', message: '1 parenthesis is never closed' }]);
    expect(s.summary.lists['windows (2.10)']).toHaveLength(2);

    const other = makeHome(join(dir, 'b'), 'linux');
    put(other.dirs.xbel, '<?xml version="1.0"?>\n<xbel version="1.0">\n  <bookmark href="file:///x"');
    let err: unknown;
    try {
      await restoreWorkspace({ repo, capture: c.capture.id, env: other.env, host: 'b', processes: none });
    } catch (e) {
      err = e;
    }
    expect(isStrataError(err) && err.code).toBe('ASSET_CORRUPT');
    expect((err as Error).message).toContain(other.dirs.xbel);
    expect(existsSync(join(other.dirs.gimp, '2.10', 'gimprc'))).toBe(false);
    writeFileSync(other.dirs.xbel, xbel([]));
    const r = await restoreWorkspace({ repo, capture: c.capture.id, env: other.env, host: 'b', processes: none });
    expect(r.actions.find((a) => a.path === 'recent/recently-used.xbel')?.action).toBe('merge');
  });
});
