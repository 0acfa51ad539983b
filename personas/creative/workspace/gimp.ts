/**
 * GIMP keeps one folder per series (`2.10/`, `3.0/`) under `~/.config/GIMP` (Linux),
 * `~/Library/Application Support/GIMP` (macOS) or `%APPDATA%\GIMP` (Windows): S-expression files
 * (gimprc preferences, sessionrc window layout, menurc/shortcutsrc shortcuts, toolrc, devicerc,
 * contextrc, templaterc, controllerrc …) and the user's brushes, palettes, scripts and plug-ins. Its
 * recent documents are GTK's recently-used.xbel bookmarks named for GIMP. pluginrc (a cache), tmp,
 * backups, crash logs and thumbnails are left out.
 */
import { join } from 'node:path';
import { SummaryBuilder, baseName, readText, stem, type SummaryInput, type WorkspaceAdapter, type WorkspaceSummary } from './adapter.js';
import { appData, configHome, homeDir, recentlyUsedXbel, type WorkspaceEnv } from './env.js';
import { childList, findLists, headOf, parseSexp, renderArgs, textOf, type SexpNode } from './sexp.js';
import { summarizeXbel } from './recent.js';

export const GIMP_XBEL_APP = /gimp|GNU Image Manipulation Program/i;

/** Whether a list is a named object (`(GimpTemplate "A4" (width 2480) …)`), not a setting with a string value (`(theme "Dark")`). */
function isNamed(node: SexpNode): boolean {
  return node.kind === 'list' && node.items[1]?.kind === 'string' && node.items.length > 2 && node.items[2]?.kind === 'list';
}

/** A settings key for a top-level list: its head, and its name when it is a named object; repeats numbered. */
function entryKey(node: SexpNode, seen: Map<string, number>): string | undefined {
  const head = headOf(node);
  if (head === undefined || node.kind !== 'list') return undefined;
  const name = isNamed(node) && node.items[1]?.kind === 'string' ? ` "${node.items[1].value}"` : '';
  const key = `${head}${name}`;
  const n = (seen.get(key) ?? 0) + 1;
  seen.set(key, n);
  return n === 1 ? key : `${key} #${n}`;
}

/** One session-info window: `factory entry`, and its geometry and state as properties. */
function sessionWindow(node: SexpNode): { name: string; props: Array<[string, string]> } | undefined {
  if (node.kind !== 'list') return undefined;
  const factory = textOf(node.items[1]) ?? '?';
  const factoryEntry = childList(node, 'factory-entry');
  const entry = textOf(factoryEntry?.kind === 'list' ? factoryEntry.items[1] : undefined) ?? (childList(node, 'gimp-toolbox') ? 'gimp-toolbox' : childList(node, 'gimp-dock') ? 'gimp-dock' : factory);
  const props: Array<[string, string]> = [];
  const size = childList(node, 'size');
  const position = childList(node, 'position');
  if (size) props.push(['size', renderArgs(size).replace(' ', 'x')]);
  if (position) props.push(['position', renderArgs(position).replace(' ', ',')]);
  props.push(['open on exit', childList(node, 'open-on-exit') ? 'yes' : 'no']);
  const aux = childList(node, 'aux-info');
  if (aux?.kind === 'list') for (const a of aux.items.slice(1)) if (a.kind === 'list') props.push([headOf(a) ?? '?', renderArgs(a)]);
  return { name: `${factory} ${entry}`, props };
}

function summarizeRc(b: SummaryBuilder, version: string, file: string, nodes: SexpNode[]): void {
  const group = `${version}/${file}`;
  b.group(group);
  if (file === 'menurc' || file === 'shortcutsrc') {
    // menurc: (gtk_accel_path "<Actions>/file/file-open" "<Primary>o"); shortcutsrc (3.0): (action "file-open" "<Primary>o" …)
    let n = 0;
    for (const node of nodes) {
      const head = headOf(node);
      if (node.kind !== 'list' || (head !== 'gtk_accel_path' && head !== 'action')) continue;
      const action = textOf(node.items[1]);
      if (action === undefined) continue;
      b.setting(group, action, node.items.slice(2).map((i) => textOf(i) ?? '').join(' '));
      n++;
    }
    b.fact(`${version} custom shortcuts`, n);
    return;
  }
  if (file === 'sessionrc') {
    const windows: string[] = [];
    const dockables: string[] = [];
    const seenTop = new Map<string, number>();
    for (const node of nodes) {
      if (headOf(node) === 'session-info') {
        const w = sessionWindow(node);
        if (w === undefined) continue;
        windows.push(w.name);
        for (const [k, v] of w.props) b.setting(`${version}/sessionrc windows`, `${w.name} ${k}`, v);
        for (const d of findLists(node, 'dockable')) if (d.kind === 'list') dockables.push(textOf(d.items[1]) ?? '?');
        continue;
      }
      const key = entryKey(node, seenTop);
      if (key !== undefined) b.setting(group, key, renderArgs(node));
    }
    b.list(`windows (${version})`, windows);
    b.list(`docked dialogs (${version})`, dockables);
    const single = nodes.find((n) => headOf(n) === 'single-window-mode');
    if (single) b.fact(`${version} single-window mode`, renderArgs(single));
    return;
  }
  const seen = new Map<string, number>();
  for (const node of nodes) {
    const key = entryKey(node, seen);
    if (key !== undefined) b.setting(group, key, renderArgs(node, isNamed(node) ? 2 : 1));
  }
  if (file === 'templaterc') b.list(`templates (${version})`, nodes.filter((n) => headOf(n) === 'GimpTemplate').map((n) => textOf((n as { items: SexpNode[] }).items[1]) ?? '?'));
  if (file === 'toolrc') {
    const tools = nodes.flatMap((n) => findLists(n, 'GimpToolInfo')).map((t) => {
      const visible = childList(t, 'visible');
      const name = textOf((t as { items: SexpNode[] }).items[1]) ?? '?';
      return visible && renderArgs(visible) === 'no' ? `${name} (hidden)` : name;
    });
    b.list(`tools (${version})`, tools);
  }
  if (file === 'devicerc') b.list(`devices (${version})`, nodes.filter((n) => headOf(n) === 'GimpDeviceInfo').map((n) => textOf((n as { items: SexpNode[] }).items[1]) ?? '?'));
  if (file === 'controllerrc') b.list(`controllers (${version})`, nodes.filter((n) => headOf(n) === 'GimpControllerInfo').map((n) => textOf((n as { items: SexpNode[] }).items[1]) ?? '?'));
  if (file === 'gimprc') b.fact(`${version} preferences set`, Object.keys(b.build().settings[group] ?? {}).length);
}

const RC = /^config\/([^/]+)\/([a-z]+rc)$/;

async function summarize(input: SummaryInput): Promise<WorkspaceSummary> {
  const b = new SummaryBuilder();
  const versions = [...new Set(input.files.map((f) => /^config\/([^/]+)\//.exec(f.path)?.[1]).filter((v): v is string => v !== undefined))].sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
  b.fact('versions', versions.length > 0 ? versions.join(', ') : 'none');
  for (const f of input.files) {
    const m = RC.exec(f.path);
    if (m === null) continue;
    const text = await readText(input, f.path, b);
    if (text === undefined) continue;
    try {
      summarizeRc(b, m[1] as string, m[2] as string, parseSexp(text));
    } catch (err) {
      b.problem(f.path, err);
    }
  }
  for (const v of versions) {
    for (const [folder, list] of [['brushes', 'brushes'], ['palettes', 'palettes'], ['gradients', 'gradients'], ['patterns', 'patterns'], ['tool-presets', 'tool presets'], ['scripts', 'scripts'], ['plug-ins', 'plug-ins']] as const) {
      const files = input.files.filter((f) => f.path.startsWith(`config/${v}/${folder}/`));
      if (files.length > 0) b.list(`${list} (${v})`, [...new Set(files.map((f) => (folder === 'plug-ins' ? (f.path.split('/')[3] as string) : stem(baseName(f.path)))))]);
    }
  }
  await summarizeXbel(input, 'recent/recently-used.xbel', GIMP_XBEL_APP, b);
  return b.build();
}

export const gimpAdapter: WorkspaceAdapter = {
  app: 'gimp',
  title: 'GIMP',
  version: 1,
  processes: ['gimp', 'gimp-2.10', 'gimp-2.99', 'gimp-3.0', 'gimp-3', 'gimp-console', 'gimp-console-2.10', 'GIMP', 'GIMP-2.10'],
  roots(env: WorkspaceEnv) {
    const dir = env.platform === 'darwin' ? join(homeDir(env), 'Library', 'Application Support', 'GIMP') : env.platform === 'win32' ? join(appData(env), 'GIMP') : join(configHome(env), 'GIMP');
    const xbel = recentlyUsedXbel(env);
    return [
      { name: 'config', dir },
      { name: 'recent', dir: join(xbel, '..'), files: ['recently-used.xbel'], restore: 'xbel', xbelApp: GIMP_XBEL_APP },
    ];
  },
  exclude: ['config/*/pluginrc', 'config/*/tmp/', 'config/*/backups/', 'config/*/CrashLog/', 'config/*/thumbnails/', 'config/*/themerc', '*.log', '__pycache__/', '*.pyc', '.thumbnails/'],
  summarize,
};
