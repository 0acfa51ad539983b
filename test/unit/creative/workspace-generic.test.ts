/**
 * The generic adapter an adapter file describes: roots per platform with variables expanded, include
 * and exclude globs, JSON and INI files summarised and compared, restore without the file (the
 * capture keeps it), and the errors for a damaged, invalid or missing adapter file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepository, isStrataError, listRecordFiles } from '../../../porcelain/index.js';
import { captureWorkspace, diffWorkspaces, loadAdapterFile, restoreWorkspace, showWorkspace } from '../../../personas/creative/ops/workspace.js';
import { parseAdapterFile } from '../../../personas/creative/workspace/generic.js';
import { makeHome, put } from './workspace-home.js';

const base = mkdtempSync(join(tmpdir(), 'strata-workspace-generic-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const spec = {
  app: 'darktable',
  title: 'darktable',
  process: ['darktable'],
  roots: {
    config: { linux: '$XDG_CONFIG_HOME/darktable', darwin: '~/.config/darktable', win32: '%LOCALAPPDATA%/darktable' },
    styles: '${STYLES}/mine',
  },
  include: ['config/darktablerc', 'config/*.json', 'config/shortcutsrc', 'styles/**'],
  exclude: ['*.bak'],
};

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isStrataError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  return { code: 'none', message: '' };
}

describe('generic adapter', () => {
  it('captures what the file describes, summarises INI and JSON settings, diffs them and restores without the file', async () => {
    let t = 1_700_000_000_000;
    const repo = await createRepository({ root: join(base, 'repo'), clock: { now: () => (t += 1000) } });
    const h = makeHome(join(base, 'a'), 'linux');
    h.env.vars.STYLES = join(base, 'a', 'styles');
    const cfg = join(h.home, '.config', 'darktable');
    put(join(cfg, 'darktablerc'), 'plugins/darkroom/exposure/expanded=TRUE\nui_last/theme=darktable-elegant-grey\n');
    put(join(cfg, 'layout.json'), '{ "panels": { "left": true }, // note\n "width": 300, }\n');
    put(join(cfg, 'library.db'), Buffer.alloc(5000, 1));
    put(join(cfg, 'old.json.bak'), '{}');
    put(join(base, 'a', 'styles', 'mine', 'warm.dtstyle'), '<darktable_style version="3.0"><info><name>warm</name></info></darktable_style>\n');
    const file = join(base, 'darktable.json');
    writeFileSync(file, JSON.stringify(spec, null, 2));

    const first = await captureWorkspace({ repo, adapterFile: file, env: h.env, host: 'h' });
    expect(first.capture).toMatchObject({ app: 'darktable', adapter: 'file' });
    expect((await listRecordFiles(repo, first.capture.id)).map((f) => f.path)).toEqual(['config/darktablerc', 'config/layout.json', 'styles/warm.dtstyle']);
    const s = (await showWorkspace({ repo, capture: 'darktable' })).summary;
    expect(s.facts.files).toBe('3');
    expect(s.lists.roots).toEqual(['config', 'styles']);
    expect(s.settings['config/darktablerc [General]']).toEqual({ 'plugins/darkroom/exposure/expanded': 'TRUE', 'ui_last/theme': 'darktable-elegant-grey' });
    expect(s.settings['config/layout.json']).toEqual({ panels: '{"left":true}', width: '300' });

    put(join(cfg, 'darktablerc'), 'plugins/darkroom/exposure/expanded=FALSE\nui_last/theme=darktable-elegant-grey\n');
    const second = await captureWorkspace({ repo, app: 'darktable', adapterFile: file, env: h.env, host: 'h' });
    const d = await diffWorkspaces({ repo, a: first.capture.id, b: second.capture.id });
    expect(d.settings).toEqual([{ group: 'config/darktablerc [General]', key: 'plugins/darkroom/exposure/expanded', change: 'changed', before: 'TRUE', after: 'FALSE' }]);

    // Another machine, on Windows, with no adapter file: the capture carries it.
    const win = makeHome(join(base, 'win'), 'win32');
    win.env.vars.STYLES = join(base, 'win', 'styles');
    const r = await restoreWorkspace({ repo, capture: first.capture.id, env: win.env, host: 'pc', processes: async () => [] });
    expect(r.written).toBe(3);
    expect(readFileSync(join(win.home, 'AppData', 'Local', 'darktable', 'layout.json'), 'utf8')).toBe('{ "panels": { "left": true }, // note\n "width": 300, }\n');
    expect(existsSync(join(base, 'win', 'styles', 'mine', 'warm.dtstyle'))).toBe(true);
    // Its process names come from the file too.
    expect((await failure(restoreWorkspace({ repo, capture: first.capture.id, env: h.env, host: 'h', processes: async () => ['/usr/bin/darktable'] }))).code).toBe('APP_RUNNING');
  });

  it('a damaged, invalid or missing adapter file is a clear error naming it', async () => {
    expect(() => parseAdapterFile('{"app": "x", "roots": {', 'bad.json')).toThrow(/^adapter file bad\.json is not valid JSON: /);
    let err: unknown;
    try {
      parseAdapterFile(JSON.stringify({ app: 'My App', roots: {}, include: 'x' }), 'invalid.json');
    } catch (e) {
      err = e;
    }
    expect(isStrataError(err) && err.code).toBe('INVALID_ARGUMENT');
    expect((err as Error).message).toMatch(/^adapter file invalid\.json is not a workspace adapter: app: lowercase letters.*roots: give at least one root.*include: /);
    expect(() => parseAdapterFile(JSON.stringify({ app: 'x', roots: { config: '/x' }, extra: 1 }), 'extra.json')).toThrow(/Unrecognized key/);
    expect(await failure(loadAdapterFile(join(base, 'missing.json')))).toEqual({ code: 'FILE_NOT_FOUND', message: `adapter file ${join(base, 'missing.json')} does not exist` });

    const repo = await createRepository({ root: join(base, 'repo2') });
    const h = makeHome(join(base, 'c'), 'linux');
    const unset = join(base, 'unset.json');
    writeFileSync(unset, JSON.stringify({ app: 'thing', roots: { config: '$THING_HOME/conf' } }));
    expect(await failure(captureWorkspace({ repo, adapterFile: unset, env: h.env, host: 'h' }))).toEqual({ code: 'INVALID_ARGUMENT', message: 'path "$THING_HOME/conf" names $THING_HOME, which is not set' });
    const other = join(base, 'other.json');
    writeFileSync(other, JSON.stringify({ app: 'thing', roots: { config: '~/conf' } }));
    expect((await failure(captureWorkspace({ repo, app: 'krita', adapterFile: other, env: h.env, host: 'h' }))).message).toBe('the adapter file describes "thing", not "krita"');
    expect((await failure(captureWorkspace({ repo, adapterFile: other, env: h.env, host: 'h' }))).code).toBe('PATH_NOT_FOUND');
  });
});
