/**
 * Temporary homes for the workspace tests, laid out as Linux, macOS or Windows keep each application's
 * state, filled with files in the applications' real formats: real files from Debian packages
 * (test/fixtures/creative/workspace, see SOURCES.md) and hand-written ones modelled on real files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkspaceEnv, WorkspacePlatform } from '../../../personas/creative/workspace/env.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/creative/workspace/', import.meta.url));

export function fixture(path: string): Buffer {
  return readFileSync(join(FIXTURES, path));
}

export function put(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

export interface Home {
  home: string;
  env: WorkspaceEnv;
  /** Where each application keeps things in this layout. */
  dirs: {
    kritarc: string;
    kritaData: string;
    gimp: string;
    inkscape: string;
    xbel: string;
    blender: string;
    vscodeUser: string;
    vscodeExtensions: string;
  };
}

export function makeHome(base: string, platform: WorkspacePlatform): Home {
  const home = join(base, 'home');
  mkdirSync(home, { recursive: true });
  if (platform === 'linux') {
    const config = join(home, '.config');
    const data = join(home, '.local', 'share');
    return {
      home,
      env: { platform, vars: { HOME: home } },
      dirs: { kritarc: config, kritaData: join(data, 'krita'), gimp: join(config, 'GIMP'), inkscape: join(config, 'inkscape'), xbel: join(data, 'recently-used.xbel'), blender: join(config, 'blender'), vscodeUser: join(config, 'Code', 'User'), vscodeExtensions: join(home, '.vscode', 'extensions') },
    };
  }
  if (platform === 'darwin') {
    const support = join(home, 'Library', 'Application Support');
    return {
      home,
      env: { platform, vars: { HOME: home } },
      dirs: {
        kritarc: join(home, 'Library', 'Preferences'),
        kritaData: join(support, 'krita'),
        gimp: join(support, 'GIMP'),
        inkscape: join(support, 'org.inkscape.Inkscape', 'config', 'inkscape'),
        xbel: join(home, '.local', 'share', 'recently-used.xbel'),
        blender: join(support, 'Blender'),
        vscodeUser: join(support, 'Code', 'User'),
        vscodeExtensions: join(home, '.vscode', 'extensions'),
      },
    };
  }
  const roaming = join(home, 'AppData', 'Roaming');
  const local = join(home, 'AppData', 'Local');
  return {
    home,
    env: { platform, vars: { USERPROFILE: home, APPDATA: roaming, LOCALAPPDATA: local } },
    dirs: { kritarc: local, kritaData: join(roaming, 'krita'), gimp: join(roaming, 'GIMP'), inkscape: join(roaming, 'inkscape'), xbel: join(local, 'recently-used.xbel'), blender: join(roaming, 'Blender Foundation', 'Blender'), vscodeUser: join(roaming, 'Code', 'User'), vscodeExtensions: join(home, '.vscode', 'extensions') },
  };
}

const STATE = 'AAAA/wAAAAD9AAAAAgAAAAAAAAEPAAADhPwCAAAAAvsAAAAOAFQAbwBvAGwAQgBvAHgBAAAAHQAAA4QAAAAdAP////sAAAAkAEYAbABvAHcAUwBoAGEAcABlAEIAbwB4AEQAbwBjAGsAZQByAAAAAAD/////AAAAAAAAAAAAAAABAAABXAAAA4T8AgAAAAn7AAAAGgBLAGkAcwBCAGkAcgBkAGUAeQBlAEIAbwB4AAAAAAD/////AAAAAAAAAAA=';

export function kritarc(theme = 'Krita dark', recent: string[] = ['/home/ana/art/forest.kra', '/home/ana/art/portrait study.kra']): string {
  return [
    '[General]',
    'AutoSaveInterval=900',
    'CanvasOnlyVisible=false',
    'LastPreset=a) Eraser Circle',
    'ImportConfiguration-image%2Fpng=<!DOCTYPE params>\\n<params version="1"/>\\n',
    'ColorHistory=\\s#ff0000,#00ff00',
    '',
    '[MainWindow]',
    `State=${STATE}`,
    'ko_geometry=AdnQywADAAAAAAAAAAAAGAAAB38AAAQJAAAAAAAAABgAAAd/AAAECQAAAAAAAAAAB4AAAAAAAAAAGAAAB38AAAQJ',
    'CurrentWorkspace=My Painting',
    '',
    '[RecentFiles]',
    ...recent.flatMap((f, i) => [`File${i + 1}=${f}`, `Name${i + 1}=${f.slice(f.lastIndexOf('/') + 1)}`]),
    '',
    '[theme]',
    `Theme=${theme}`,
    '',
  ].join('\n');
}

/** A Krita home: kritarc & co., workspaces (two real ones and a user one), an input profile, a palette, caches. */
export function fillKrita(h: Home): void {
  put(join(h.dirs.kritarc, 'kritarc'), kritarc());
  put(join(h.dirs.kritarc, 'kritashortcutsrc'), '[Shortcuts]\nedit_undo=Ctrl+Z\nmirror_canvas=M; Ctrl+M\ntoggle_brush_outline=none\n');
  put(join(h.dirs.kritarc, 'kritadisplayrc'), '[General]\nOpenGLRenderer=auto\nuseOpenGL=true\n');
  put(join(h.dirs.kritaData, 'workspaces', 'Default.kws'), fixture('krita/Default.kws'));
  put(join(h.dirs.kritaData, 'workspaces', 'Minimal.kws'), fixture('krita/Minimal.kws'));
  put(join(h.dirs.kritaData, 'workspaces', 'my_painting.kws'), fixture('krita/Default.kws').toString('utf8').replace('name="Default"', 'name="My Painting"'));
  put(join(h.dirs.kritaData, 'input', 'kritadefault.profile'), fixture('krita/kritadefault.profile'));
  put(join(h.dirs.kritaData, 'palettes', 'Gold.gpl'), fixture('inkscape/Gold.gpl'));
  put(join(h.dirs.kritaData, 'resourcecache.sqlite'), Buffer.alloc(4096, 1));
  put(join(h.dirs.kritaData, 'krita.log'), 'log\n');
  put(join(h.dirs.kritaData, 'paintoppresets', 'thumbnails', 'x.png'), Buffer.alloc(10, 2));
}

export function gimprc(theme = 'Dark'): string {
  return [
    '# GIMP gimprc',
    '#',
    '# This is your personal gimprc file.  Any variable defined in this file takes',
    '# precedence over the value defined in the system-wide gimprc.',
    '',
    '(show-tips no)',
    `(theme "${theme}")`,
    '(icon-theme "Symbolic")',
    '(default-image',
    '    (width 1920)',
    '    (height 1080)',
    '    (unit pixels)',
    '    (xresolution 300.000000)',
    '    (yresolution 300.000000))',
    '(undo-levels 50)',
    '',
    '# end of gimprc',
    '',
  ].join('\n');
}

export function xbel(bookmarks: Array<{ path: string; app: string; exec: string; modified: string }>): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<xbel version="1.0"',
    '      xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks"',
    '      xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info"',
    '>',
    ...bookmarks.map(
      (b) =>
        `  <bookmark href="file://${b.path.split('/').map(encodeURIComponent).join('/')}" added="${b.modified}" modified="${b.modified}" visited="${b.modified}">\n    <info>\n      <metadata owner="http://freedesktop.org">\n        <mime:mime-type type="image/png"/>\n        <bookmark:applications>\n          <bookmark:application name="${b.app}" exec="&apos;${b.exec} %u&apos;" modified="${b.modified}" count="1"/>\n        </bookmark:applications>\n      </metadata>\n    </info>\n  </bookmark>`,
    ),
    '</xbel>',
    '',
  ].join('\n');
}

export const SHARED_RECENT = [
  { path: '/home/ana/photos/sunset edit.xcf', app: 'GNU Image Manipulation Program', exec: 'gimp-2.10', modified: '2024-03-02T10:00:00.000000Z' },
  { path: '/home/ana/notes.txt', app: 'gedit', exec: 'gedit', modified: '2024-03-02T11:00:00.000000Z' },
  { path: '/home/ana/logo.svg', app: 'org.inkscape.Inkscape', exec: 'inkscape', modified: '2024-03-03T09:00:00.000000Z' },
  { path: '/home/ana/photos/cat.xcf', app: 'GNU Image Manipulation Program', exec: 'gimp-2.10', modified: '2024-03-04T12:00:00.000000Z' },
];

/** A GIMP home: 2.10 (real sessionrc, toolrc, templaterc, menurc, controllerrc) and 3.0, caches, recent files. */
export function fillGimp(h: Home): void {
  const v = join(h.dirs.gimp, '2.10');
  put(join(v, 'gimprc'), gimprc());
  for (const f of ['sessionrc', 'toolrc', 'templaterc', 'controllerrc']) put(join(v, f), fixture(`gimp/${f}`));
  put(join(v, 'menurc'), `${fixture('gimp/menurc').toString('utf8')}; (gtk_accel_path "<Actions>/file/file-quit" "<Primary>q")\n(gtk_accel_path "<Actions>/image/image-flatten" "<Primary><Shift>f")\n`);
  put(join(v, 'devicerc'), '# GIMP devicerc\n\n(GimpDeviceInfo "Core Pointer"\n    (mode screen)\n    (tool-options "gimp-paintbrush-tool"))\n');
  put(join(v, 'palettes', 'Gold.gpl'), fixture('inkscape/Gold.gpl'));
  put(join(v, 'pluginrc'), '(file-version 13)\n');
  put(join(v, 'tmp', 'gimp-temp-1.xcf'), Buffer.alloc(100, 3));
  put(join(v, 'CrashLog', 'gimp-crash-1.txt'), 'crash\n');
  put(join(v, 'themerc'), '# generated\n');
  put(join(h.dirs.gimp, '3.0', 'shortcutsrc'), '# GIMP shortcutsrc\n\n(file-version 1)\n(action "file-open" "<Primary>o")\n(action "view-zoom-fit-in" "<Primary><Shift>j")\n');
  put(join(h.dirs.gimp, '3.0', 'gimprc'), '(theme "Default")\n(single-window-mode yes)\n');
  put(h.dirs.xbel, xbel(SHARED_RECENT));
}

export const INKSCAPE_PREFERENCES = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<inkscape
   version="1"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape">
  <group
     id="window">
    <group
       id="task"
       taskset="0" />
  </group>
  <group
     id="desktop">
    <group
       id="geometry"
       width="1600"
       height="900"
       x="0"
       y="27"
       maximized="1" />
  </group>
  <group
     id="theme"
     gtkTheme="Adwaita"
     iconTheme="hicolor"
     darkTheme="true" />
  <group
     id="dialogs">
    <group
       id="export"
       defaultxdpi="96" />
    <group
       id="fillstroke"
       page="0" />
  </group>
  <group
     id="options">
    <group
       id="zoomincrement"
       value="141.42135" />
  </group>
</inkscape>
`;

export function fillInkscape(h: Home): void {
  put(join(h.dirs.inkscape, 'preferences.xml'), INKSCAPE_PREFERENCES);
  put(join(h.dirs.inkscape, 'keys', 'default.xml'), fixture('inkscape/adobe-illustrator-cs2.xml'));
  put(join(h.dirs.inkscape, 'palettes', 'Gold.gpl'), fixture('inkscape/Gold.gpl'));
  put(join(h.dirs.inkscape, 'templates', 'Poster A2.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="420mm" height="594mm"/>\n');
  put(join(h.dirs.inkscape, 'extension-errors.log'), 'Traceback\n');
  put(h.dirs.xbel, xbel(SHARED_RECENT));
}

export const VSCODE_SETTINGS = `// Personal settings
{
  "editor.fontSize": 14,
  /* the one theme */
  "workbench.colorTheme": "Default Dark Modern",
  "files.exclude": {
    "**/.git": true, // keep hidden
  },
  "[python]": { "editor.tabSize": 4 },
  "url.example": "http://example.com/not-a-comment",
}
`;

export function fillVscode(h: Home): void {
  put(join(h.dirs.vscodeUser, 'settings.json'), VSCODE_SETTINGS);
  put(
    join(h.dirs.vscodeUser, 'keybindings.json'),
    '// Place your key bindings in this file to override the defaults\n[\n  {\n    "key": "ctrl+shift+t",\n    "command": "workbench.action.terminal.new",\n    "when": "terminalProcessSupported"\n  },\n  { "key": "ctrl+k ctrl+w", "command": "workbench.action.closeAllEditors" },\n]\n',
  );
  put(join(h.dirs.vscodeUser, 'snippets', 'python.json'), '{\n  // snippets\n  "Main guard": { "prefix": "main", "body": ["if __name__ == \\"__main__\\":", "    main()"] },\n}\n');
  put(
    join(h.dirs.vscodeUser, 'globalStorage', 'storage.json'),
    JSON.stringify({ 'telemetry.machineId': 'abc', theme: 'vs-dark', windowsState: { lastActiveWindow: { folder: 'file:///home/ana/projects/site', uiState: { mode: 1 } }, openedWindows: [] }, openedPathsList: { entries: [{ folderUri: 'file:///home/ana/projects/site' }, { folderUri: 'file:///home/ana/projects/game%20jam' }, { fileUri: 'file:///home/ana/todo.md' }] } }, null, 2),
  );
  put(join(h.dirs.vscodeUser, 'globalStorage', 'state.vscdb'), Buffer.alloc(8192, 4));
  put(join(h.dirs.vscodeUser, 'workspaceStorage', '5f1a', 'state.vscdb'), Buffer.alloc(2048, 5));
  put(join(h.dirs.vscodeUser, 'History', '-1a2b', 'entries.json'), '{}');
  put(
    join(h.dirs.vscodeExtensions, 'extensions.json'),
    JSON.stringify([
      { identifier: { id: 'ms-python.python', uuid: 'f1f59ae4' }, version: '2024.2.1', location: { $mid: 1, path: '/home/ana/.vscode/extensions/ms-python.python-2024.2.1', scheme: 'file' }, relativeLocation: 'ms-python.python-2024.2.1' },
      { identifier: { id: 'esbenp.prettier-vscode' }, version: '10.1.0', relativeLocation: 'esbenp.prettier-vscode-10.1.0' },
    ]),
  );
  put(join(h.dirs.vscodeExtensions, 'ms-python.python-2024.2.1', 'package.json'), '{}');
}

/** A .blend header: `BLENDER-v402` (64-bit, little-endian, 4.2) then a few bytes of file blocks. */
export function blend(version: string, size = 2048): Buffer {
  const b = Buffer.alloc(size, 0x2a);
  b.write(version, 0, 'latin1');
  return b;
}

export function fillBlender(h: Home): void {
  const v41 = join(h.dirs.blender, '4.1');
  const v42 = join(h.dirs.blender, '4.2');
  put(join(v41, 'config', 'userpref.blend'), blend('BLENDER-v401'));
  put(join(v41, 'config', 'recent-files.txt'), '/home/ana/3d/old.blend\n');
  put(join(v42, 'config', 'userpref.blend'), blend('BLENDER-v402', 4096));
  put(join(v42, 'config', 'userpref.blend1'), blend('BLENDER-v402', 4000));
  put(join(v42, 'config', 'startup.blend'), blend('BLENDER-v402', 3000));
  put(join(v42, 'config', 'recent-files.txt'), '/home/ana/3d/robot.blend\n/home/ana/3d/scene v2.blend\n');
  put(join(v42, 'config', 'bookmarks.txt'), '[Bookmarks]\n/home/ana/3d/\n/home/ana/textures/\n[Recent]\n/home/ana/Downloads/\n');
  put(join(v42, 'scripts', 'addons', 'my_tools', '__init__.py'), 'bl_info = {"name": "My Tools"}\n');
  put(join(v42, 'scripts', 'addons', 'my_tools', '__pycache__', '__init__.cpython-311.pyc'), Buffer.alloc(64, 6));
  put(join(v42, 'scripts', 'presets', 'keyconfig', 'mine.py'), 'import bpy\n');
  put(join(v42, 'extensions', 'user_default', 'node_wrangler', '__init__.py'), '# node wrangler\n');
  put(join(v42, 'extensions', '.cache', 'downloads', 'big.zip'), Buffer.alloc(1000, 7));
  put(join(h.dirs.blender, '5.0', 'config', 'userpref.blend'), blend('BLENDER17-01v0500'));
}
