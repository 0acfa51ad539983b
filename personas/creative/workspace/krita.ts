/**
 * Krita keeps its settings in KConfig files (`kritarc`: recent files, window state, theme;
 * `kritashortcutsrc`, `kritadisplayrc`) in `~/.config` (Linux), `~/Library/Preferences` (macOS) or
 * `%LOCALAPPDATA%` (Windows), and the user's resources in `~/.local/share/krita`,
 * `~/Library/Application Support/krita` or `%APPDATA%\krita`: workspaces (`.kws`), window layouts,
 * sessions, input profiles, shortcut schemes, palettes, brushes, presets, gradients, patterns,
 * templates, bundles and Python plug-ins. The resource cache database and logs are left out.
 */
import { join } from 'node:path';
import { SummaryBuilder, baseName, readText, stem, type SummaryInput, type WorkspaceAdapter, type WorkspaceSummary } from './adapter.js';
import { appData, configHome, dataHome, homeDir, localAppData, type WorkspaceEnv } from './env.js';
import { iniValue, parseIni } from './ini.js';

const RC_FILES = ['kritarc', 'kritashortcutsrc', 'kritadisplayrc'];
const RESOURCE_FOLDERS = ['workspaces', 'windowlayouts', 'sessions', 'input', 'shortcuts', 'actions', 'palettes', 'brushes', 'paintoppresets', 'gradients', 'patterns', 'templates', 'bundles', 'pykrita', 'gamutmasks', 'seexpr_scripts', 'symbols', 'tasksets', 'preset_icons', 'color-schemes'];

/** The `name` attribute of a Krita XML resource (`<Workspace name="Paint">`), if any. */
function xmlName(text: string, element: string): string | undefined {
  const m = new RegExp(`<${element}\\b[^>]*\\sname\\s*=\\s*"([^"]*)"`).exec(text);
  return m?.[1];
}

/** Recent files of a kritarc's [RecentFiles] group, in order (File1, File2 …). */
export function kritaRecentFiles(kritarc: string): string[] {
  const group = parseIni(kritarc).find((s) => s.name === 'RecentFiles');
  if (group === undefined) return [];
  return group.entries
    .map((e) => ({ n: /^File(\d+)$/.exec(e.key)?.[1], value: e.value }))
    .filter((e): e is { n: string; value: string } => e.n !== undefined && e.value !== '')
    .sort((a, b) => Number(a.n) - Number(b.n))
    .map((e) => e.value);
}

async function summarize(input: SummaryInput): Promise<WorkspaceSummary> {
  const b = new SummaryBuilder();
  const has = (path: string): boolean => input.files.some((f) => f.path === path);
  for (const rc of RC_FILES) {
    const path = `config/${rc}`;
    if (!has(path)) continue;
    const text = await readText(input, path, b);
    if (text === undefined) continue;
    const sections = parseIni(text);
    for (const s of sections) {
      if (rc === 'kritarc' && s.name === 'RecentFiles') continue; // shown as a list
      b.group(`${rc} [${s.name}]`);
      for (const e of s.entries) b.setting(`${rc} [${s.name}]`, e.key, e.value);
    }
    if (rc === 'kritarc') {
      b.list('recent files', kritaRecentFiles(text));
      const theme = iniValue(sections, 'theme', 'Theme');
      if (theme !== undefined) b.fact('theme', theme);
      const state = iniValue(sections, 'MainWindow', 'State');
      b.fact('window state', state === undefined ? 'not saved' : `saved (${state.length} characters)`);
      const workspace = iniValue(sections, 'MainWindow', 'CurrentWorkspace') ?? iniValue(sections, 'General', 'CurrentWorkspace');
      if (workspace !== undefined) b.fact('current workspace', workspace);
    }
    if (rc === 'kritashortcutsrc') {
      const n = sections.reduce((sum, s) => sum + s.entries.length, 0);
      b.fact('custom shortcuts', n);
    }
  }
  const inFolder = (folder: string): Array<{ path: string; size: number }> => input.files.filter((f) => f.path.startsWith(`data/${folder}/`));
  const named = async (folder: string, list: string, element?: string): Promise<void> => {
    const files = inFolder(folder);
    if (files.length === 0) return;
    const names: string[] = [];
    for (const f of files) {
      let name = stem(baseName(f.path));
      if (element !== undefined) {
        const text = await readText(input, f.path, b);
        name = (text === undefined ? undefined : xmlName(text, element)) ?? name;
      }
      names.push(name);
    }
    b.list(list, names);
  };
  await named('workspaces', 'workspaces', 'Workspace');
  await named('windowlayouts', 'window layouts', 'WindowLayout');
  await named('sessions', 'sessions', 'Session');
  const profiles: string[] = [];
  for (const f of inFolder('input').filter((x) => x.path.endsWith('.profile'))) {
    const text = await readText(input, f.path, b);
    profiles.push((text === undefined ? undefined : iniValue(parseIni(text), 'General', 'name')) ?? stem(baseName(f.path)));
  }
  if (profiles.length > 0) b.list('input profiles', profiles);
  await named('shortcuts', 'shortcut schemes');
  await named('palettes', 'palettes');
  await named('paintoppresets', 'brush presets');
  await named('brushes', 'brush tips');
  await named('gradients', 'gradients');
  await named('patterns', 'patterns');
  await named('bundles', 'bundles');
  const plugins = new Set(inFolder('pykrita').map((f) => f.path.split('/')[2] as string).filter((n) => !n.endsWith('.desktop')));
  if (plugins.size > 0) b.list('python plug-ins', [...plugins].sort());
  return b.build();
}

export const kritaAdapter: WorkspaceAdapter = {
  app: 'krita',
  title: 'Krita',
  version: 1,
  processes: ['krita'],
  roots(env: WorkspaceEnv) {
    const rcDir = env.platform === 'darwin' ? join(homeDir(env), 'Library', 'Preferences') : env.platform === 'win32' ? localAppData(env) : configHome(env);
    const dataDir = env.platform === 'darwin' ? join(homeDir(env), 'Library', 'Application Support', 'krita') : env.platform === 'win32' ? join(appData(env), 'krita') : join(dataHome(env), 'krita');
    return [
      { name: 'config', dir: rcDir, files: RC_FILES },
      { name: 'data', dir: dataDir },
    ];
  },
  include: RESOURCE_FOLDERS.map((f) => `data/${f}/**`),
  exclude: ['__pycache__/', '*.pyc', '*.log', 'resourcecache.sqlite*', '*.sqlite-journal', 'data/*/thumbnails/**', '.thumbnails/'],
  summarize,
};
