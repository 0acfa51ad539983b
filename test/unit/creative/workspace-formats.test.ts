/**
 * The formats the workspace adapters read (KConfig/Qt INI, GIMP's S-expressions, JSONC, xbel, .blend
 * headers), the folders each adapter names per platform, path expansion, and process matching.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../../porcelain/index.js';
import { blendHeader, parseBlenderBookmarks } from '../../../personas/creative/workspace/blender.js';
import { expandPath, type WorkspaceEnv } from '../../../personas/creative/workspace/env.js';
import { parseIni } from '../../../personas/creative/workspace/ini.js';
import { parseJsonc } from '../../../personas/creative/workspace/jsonc.js';
import { matchProcesses, parsePs, parseTasklist } from '../../../personas/creative/workspace/processes.js';
import { BUILTIN_ADAPTERS, adapterFor } from '../../../personas/creative/workspace/registry.js';
import { findLists, parseSexp, renderSexp } from '../../../personas/creative/workspace/sexp.js';
import { filterXbel, mergeXbel, parseXbel } from '../../../personas/creative/workspace/xbel.js';
import { diffSummaries } from '../../../personas/creative/workspace/summary-diff.js';
import { SHARED_RECENT, fixture, xbel } from './workspace-home.js';

describe('INI (KConfig and QSettings)', () => {
  it('groups, nested groups, flags, escapes, quoted values, percent-escaped keys, last value wins', () => {
    const text = '\uFEFFtop=1\n# comment\n; other comment\n[General]\nName=Krita\\sDefault\nPath\\To=C:\\\\x\nQuoted="a, \\"b\\""\nimage%2Fpng=yes\nHex=\\x41\n[Group][Sub]\nKey[$e]=$HOME/x\nkey=1\nkey=2\n[%U00E9t%C3]\nx=y\n';
    const s = parseIni(text);
    expect(s.map((x) => x.name)).toEqual(['General', 'Group/Sub', 'ét\u00c3']);
    expect(s[0]?.entries).toEqual([
      { key: 'top', value: '1' },
      { key: 'Name', value: 'Krita Default' },
      { key: 'Path/To', value: 'C:\\x' },
      { key: 'Quoted', value: 'a, "b"' },
      { key: 'image/png', value: 'yes' },
      { key: 'Hex', value: 'A' },
    ]);
    expect(s[1]?.entries).toEqual([
      { key: 'Key', value: '$HOME/x' },
      { key: 'key', value: '2' },
    ]);
  });

  it("reads Krita's real input profile", () => {
    const s = parseIni(fixture('krita/kritadefault.profile').toString('utf8'));
    expect(s.find((x) => x.name === 'General')?.entries).toEqual([
      { key: 'name', value: 'Krita Default' },
      { key: 'version', value: '6' },
    ]);
    expect(s.find((x) => x.name === 'Pan Canvas')?.entries[0]).toEqual({ key: '0', value: '{0;5;[];0;0;2}' });
  });
});

describe("GIMP's S-expressions", () => {
  it("parses GIMP's real sessionrc, toolrc, templaterc and controllerrc", () => {
    const session = parseSexp(fixture('gimp/sessionrc').toString('utf8'));
    expect(session.map((n) => (n.kind === 'list' ? renderSexp(n.items[0] as never) : '?'))).toEqual(['session-info', 'session-info', 'hide-docks', 'single-window-mode', 'tabs-position', 'last-tip-shown']);
    expect(findLists(session[1] as never, 'dockable')).toHaveLength(11);
    expect(renderSexp(session[3] as never)).toBe('(single-window-mode yes)');
    const templates = parseSexp(fixture('gimp/templaterc').toString('utf8'));
    expect(templates.length).toBeGreaterThan(20);
    expect(renderSexp(templates[0] as never)).toBe('(GimpTemplate "A0 (300 ppi)" (width 9933) (height 14043) (unit millimeters) (xresolution 300.000000) (yresolution 300.000000) (resolution-unit inches) (image-type rgb) (fill-type background))');
    expect(findLists({ kind: 'list', items: parseSexp(fixture('gimp/toolrc').toString('utf8')) }, 'GimpToolInfo').length).toBeGreaterThan(30);
    expect(parseSexp(fixture('gimp/controllerrc').toString('utf8'))).toHaveLength(2);
  });

  it('strings with escapes and parentheses; comments; clear errors for unbalanced input', () => {
    const [n] = parseSexp('; comment (\n(key "a \\"(b)\\" c" 1.5 # trailing\n)');
    expect(renderSexp(n as never)).toBe('(key "a \\"(b)\\" c" 1.5)');
    expect(() => parseSexp('(a (b)')).toThrow('1 parenthesis is never closed');
    expect(() => parseSexp('(a))')).toThrow('line 1: ")" closes nothing');
    expect(() => parseSexp('(a\n"open)')).toThrow('line 2: a string is never closed');
  });
});

describe('JSONC', () => {
  it('comments and trailing commas are allowed; // and /* inside strings are text', () => {
    expect(parseJsonc('// head\n{\n "a": "http://x/*y*/", /* c */ "b": [1, 2,], // t\n "c": {"d": 1,},\n}\n')).toEqual({ a: 'http://x/*y*/', b: [1, 2], c: { d: 1 } });
    expect(parseJsonc('  // only a comment\n')).toBeUndefined();
    expect(() => parseJsonc('{"a": }')).toThrow();
    expect(() => parseJsonc('{"a": "open')).toThrow('a string is never closed');
  });
});

describe('recently-used.xbel', () => {
  const text = xbel(SHARED_RECENT);
  it('parses bookmarks with their applications and local paths', () => {
    const b = parseXbel(text);
    expect(b.map((x) => x.path)).toEqual(['/home/ana/photos/sunset edit.xcf', '/home/ana/notes.txt', '/home/ana/logo.svg', '/home/ana/photos/cat.xcf']);
    expect(b[0]?.applications).toEqual([{ name: 'GNU Image Manipulation Program', exec: "'gimp-2.10 %u'" }]);
    expect(() => parseXbel('<html/>')).toThrow('no <xbel> element');
  });

  it("filters to one application and merges into another machine's file, keeping other bookmarks byte for byte", () => {
    const only = filterXbel(text, /gimp/i);
    expect(only.kept).toBe(2);
    expect(parseXbel(only.text).map((x) => x.path)).toEqual(['/home/ana/photos/sunset edit.xcf', '/home/ana/photos/cat.xcf']);
    const theirs = xbel([
      { path: '/home/bo/a.xcf', app: 'GNU Image Manipulation Program', exec: 'gimp-2.10', modified: '2023-01-01T00:00:00Z' },
      { path: '/home/bo/b.odt', app: 'LibreOffice', exec: 'soffice', modified: '2023-01-02T00:00:00Z' },
    ]);
    const merged = mergeXbel(theirs, only.text, /gimp/i);
    const other = parseXbel(theirs).find((x) => x.path === '/home/bo/b.odt')?.text as string;
    expect(merged).toContain(other);
    expect(parseXbel(merged).map((x) => x.path)).toEqual(['/home/bo/b.odt', '/home/ana/photos/sunset edit.xcf', '/home/ana/photos/cat.xcf']);
    // Merging the same again changes nothing.
    expect(mergeXbel(merged, only.text, /gimp/i)).toBe(merged);
    expect(mergeXbel(undefined, only.text, /gimp/i)).toBe(only.text);
    // The file the capture came from, bookmarks interleaved with other applications': unchanged.
    expect(mergeXbel(text, only.text, /gimp/i)).toBe(text);
  });
});

describe('Blender files', () => {
  it('.blend headers of Blender 2.x-4.x and 5.x, compressed and foreign files', () => {
    expect(blendHeader(Buffer.from('BLENDER-v402REND'))).toBe('Blender 4.2 file (64-bit, little-endian)');
    expect(blendHeader(Buffer.from('BLENDER_V279REND'))).toBe('Blender 2.79 file (32-bit, big-endian)');
    expect(blendHeader(Buffer.from('BLENDER17-01v0500'))).toBe('Blender 5.0 file (little-endian)');
    expect(blendHeader(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe('zstd-compressed .blend');
    expect(blendHeader(Buffer.from([0x1f, 0x8b, 8]))).toBe('gzip-compressed .blend');
    expect(blendHeader(Buffer.from('PK\x03\x04'))).toBe('not a .blend file (no BLENDER header)');
  });
  it('bookmarks.txt sections', () => {
    expect(parseBlenderBookmarks('[Bookmarks]\n/a/\n\n[Recent]\n/b/\n/c/\n')).toEqual({ Bookmarks: ['/a/'], Recent: ['/b/', '/c/'] });
  });
});

describe('where each application keeps its state', () => {
  const linux: WorkspaceEnv = { platform: 'linux', vars: { HOME: '/home/ana', XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: 'relative/ignored' } };
  const mac: WorkspaceEnv = { platform: 'darwin', vars: { HOME: '/Users/ana' } };
  const win: WorkspaceEnv = { platform: 'win32', vars: {}, home: '/c/Users/ana' };
  const roots = (app: string, env: WorkspaceEnv): Record<string, string> => Object.fromEntries(adapterFor(app).roots(env).map((r) => [r.name, r.dir]));

  it('Linux: XDG_CONFIG_HOME when set, XDG_DATA_HOME ignored when relative', () => {
    expect(roots('krita', linux)).toEqual({ config: '/cfg', data: '/home/ana/.local/share/krita' });
    expect(roots('gimp', linux)).toEqual({ config: '/cfg/GIMP', recent: '/home/ana/.local/share' });
    expect(roots('inkscape', linux)).toEqual({ config: '/cfg/inkscape', recent: '/home/ana/.local/share' });
    expect(roots('blender', linux)).toEqual({ config: '/cfg/blender' });
    expect(roots('vscode', linux)).toEqual({ user: '/cfg/Code/User', extensions: '/home/ana/.vscode/extensions' });
  });
  it('macOS', () => {
    const support = '/Users/ana/Library/Application Support';
    expect(roots('krita', mac)).toEqual({ config: '/Users/ana/Library/Preferences', data: `${support}/krita` });
    expect(roots('gimp', mac).config).toBe(`${support}/GIMP`);
    expect(roots('inkscape', mac).config).toBe(`${support}/org.inkscape.Inkscape/config/inkscape`);
    expect(roots('blender', mac)).toEqual({ config: `${support}/Blender` });
    expect(roots('vscode', mac).user).toBe(`${support}/Code/User`);
  });
  it('Windows: APPDATA and LOCALAPPDATA, defaulting under the home folder', () => {
    expect(roots('krita', win)).toEqual({ config: join('/c/Users/ana', 'AppData', 'Local'), data: join('/c/Users/ana', 'AppData', 'Roaming', 'krita') });
    expect(roots('blender', win)).toEqual({ config: join('/c/Users/ana', 'AppData', 'Roaming', 'Blender Foundation', 'Blender') });
    expect(roots('gimp', { ...win, vars: { APPDATA: '/r' } }).config).toBe('/r/GIMP');
    expect(roots('inkscape', { ...win, vars: { APPDATA: '/r', LOCALAPPDATA: '/l' } })).toEqual({ config: '/r/inkscape', recent: '/l' });
    expect(roots('vscode', { ...win, vars: { APPDATA: '/r' } }).user).toBe('/r/Code/User');
  });
  it('unknown applications are UNKNOWN_APP listing the known ones', () => {
    let err: unknown;
    try {
      adapterFor('photoshop');
    } catch (e) {
      err = e;
    }
    expect(isStrataError(err) && err.code).toBe('UNKNOWN_APP');
    expect((err as Error).message).toBe('no workspace adapter for "photoshop": known applications are blender, gimp, inkscape, krita, vscode');
    expect(BUILTIN_ADAPTERS.map((a) => a.app)).toEqual(['blender', 'gimp', 'inkscape', 'krita', 'vscode']);
  });
});

describe('path expansion for adapter files', () => {
  it('~, $VAR, ${VAR} and %VAR%, with platform defaults; unset variables and relative results are errors', () => {
    const linux: WorkspaceEnv = { platform: 'linux', vars: { HOME: '/home/ana', PROJ: '/srv/p' } };
    expect(expandPath('~/.foo', linux)).toBe('/home/ana/.foo');
    expect(expandPath('$XDG_CONFIG_HOME/foo', linux)).toBe('/home/ana/.config/foo');
    expect(expandPath('${XDG_DATA_HOME}/foo', linux)).toBe('/home/ana/.local/share/foo');
    expect(expandPath('%PROJ%\\conf', linux)).toBe('/srv/p/conf');
    const mac: WorkspaceEnv = { platform: 'darwin', vars: { HOME: '/Users/ana' } };
    expect(expandPath('$XDG_CONFIG_HOME/foo', mac)).toBe('/Users/ana/Library/Application Support/foo');
    const win: WorkspaceEnv = { platform: 'win32', vars: { USERPROFILE: '/u/ana' } };
    expect(expandPath('%APPDATA%/Foo', win)).toBe(join('/u/ana', 'AppData', 'Roaming', 'Foo'));
    expect(() => expandPath('$NOPE/x', linux)).toThrow('path "$NOPE/x" names $NOPE, which is not set');
    expect(() => expandPath('foo/bar', linux)).toThrow('is not absolute once expanded');
  });
});

describe('running processes', () => {
  it('matches names, .exe, truncated comm and macOS bundles, case-insensitively', () => {
    expect(matchProcesses(['bash', '/usr/bin/krita', 'node'], ['krita'])).toEqual(['/usr/bin/krita']);
    expect(matchProcesses(['Code.exe', 'explorer.exe'], ['code'])).toEqual(['Code.exe']);
    expect(matchProcesses(['/Applications/Visual Studio Code.app/Contents/MacOS/Electron'], ['Visual Studio Code'])).toHaveLength(1);
    expect(matchProcesses(['gimp-console-2.'], ['gimp-console-2.10'])).toEqual(['gimp-console-2.']);
    expect(matchProcesses(['kritarunner', 'blender-softwaregl'], ['krita', 'blender'])).toEqual([]);
  });
  it('parses tasklist and ps output', () => {
    expect(parseTasklist('"System Idle Process","0","Services","0","8 K"\r\n"krita.exe","4242","Console","1","812,000 K"\r\n')).toEqual([
      { name: 'System Idle Process', pid: 0 },
      { name: 'krita.exe', pid: 4242 },
    ]);
    expect(parsePs('    1 /sbin/launchd\n  501 /Applications/Blender.app/Contents/MacOS/Blender\n')).toEqual([
      { pid: 1, name: '/sbin/launchd' },
      { pid: 501, name: '/Applications/Blender.app/Contents/MacOS/Blender' },
    ]);
  });
});

describe('summary differences', () => {
  it('settings key by key, list items added and removed (repeats counted), facts', () => {
    const d = diffSummaries(
      { facts: { theme: 'dark', gone: 'x' }, lists: { recent: ['a', 'b', 'b'] }, settings: { rc: { k1: '1', k2: '2' } }, problems: [] },
      { facts: { theme: 'light' }, lists: { recent: ['b', 'c'], workspaces: ['w'] }, settings: { rc: { k1: '1', k2: '3', k3: 'n' }, other: { z: '0' } }, problems: [] },
    );
    expect(d.settings).toEqual([
      { group: 'rc', key: 'k2', change: 'changed', before: '2', after: '3' },
      { group: 'rc', key: 'k3', change: 'added', after: 'n' },
      { group: 'other', key: 'z', change: 'added', after: '0' },
    ]);
    expect(d.lists).toEqual([
      { list: 'recent', added: ['c'], removed: ['a', 'b'] },
      { list: 'workspaces', added: ['w'], removed: [] },
    ]);
    expect(d.facts).toEqual([
      { label: 'theme', before: 'dark', after: 'light' },
      { label: 'gone', before: 'x' },
    ]);
  });
});
