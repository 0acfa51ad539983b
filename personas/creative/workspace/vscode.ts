/**
 * Visual Studio Code keeps the user's state in `~/.config/Code/User` (Linux), `~/Library/Application
 * Support/Code/User` (macOS) or `%APPDATA%\Code\User` (Windows): settings.json and keybindings.json
 * (JSON with comments and trailing commas), snippets/, profiles/, and globalStorage/storage.json
 * (windows and recently opened folders). Its extensions live in `~/.vscode/extensions`, listed in
 * extensions.json: the list is captured (to show and compare) but not restored, since extensions are
 * installed, not copied. workspaceStorage, the rest of globalStorage, History, logs and caches are left out.
 */
import { join } from 'node:path';
import { SummaryBuilder, baseName, readText, stem, type SummaryInput, type WorkspaceAdapter, type WorkspaceSummary } from './adapter.js';
import { appData, configHome, homeDir, type WorkspaceEnv } from './env.js';
import { parseJsonc } from './jsonc.js';
import { fileUrlToPath } from './xbel.js';

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A folder, file or workspace URI of storage.json as a path (`file:///home/x/p` -> `/home/x/p`). */
function uriPath(v: Json): string | undefined {
  if (typeof v === 'string') return fileUrlToPath(v);
  if (isObject(v)) {
    for (const k of ['folderUri', 'fileUri', 'configPath', 'workspace', 'folder', 'path', 'external']) {
      const inner = v[k];
      const p = inner === undefined ? undefined : uriPath(inner);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/** Recently opened folders, files and workspaces, and the folders of open windows, from storage.json. */
export function vscodeRecent(storage: Json): { recent: string[]; windows: string[] } {
  const recent: string[] = [];
  const windows: string[] = [];
  if (!isObject(storage)) return { recent, windows };
  const opened = storage.openedPathsList;
  if (isObject(opened)) {
    for (const key of ['entries', 'workspaces3', 'workspaces2', 'folders2', 'files2']) {
      const list = opened[key];
      if (Array.isArray(list)) for (const e of list) {
        const p = uriPath(e);
        if (p !== undefined && !recent.includes(p)) recent.push(p);
      }
    }
  }
  const state = storage.windowsState;
  if (isObject(state)) {
    const all = [state.lastActiveWindow, ...(Array.isArray(state.openedWindows) ? state.openedWindows : [])];
    for (const w of all) {
      const p = isObject(w) ? uriPath(w.folder ?? w.workspaceIdentifier ?? w.workspace) : undefined;
      if (p !== undefined && !windows.includes(p)) windows.push(p);
    }
  }
  return { recent, windows };
}

/** extensions.json entries as `publisher.name@version`. */
export function vscodeExtensions(list: Json): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((e) => {
      if (!isObject(e)) return undefined;
      const id = isObject(e.identifier) ? e.identifier.id : undefined;
      if (typeof id !== 'string') return undefined;
      return typeof e.version === 'string' ? `${id}@${e.version}` : id;
    })
    .filter((x): x is string => x !== undefined);
}

async function json(input: SummaryInput, path: string, b: SummaryBuilder): Promise<{ ok: boolean; value: Json }> {
  const text = await readText(input, path, b);
  if (text === undefined) return { ok: false, value: undefined };
  try {
    return { ok: true, value: parseJsonc(text) };
  } catch (err) {
    b.problem(path, new Error(`not valid JSON with comments: ${(err as Error).message}`));
    return { ok: false, value: undefined };
  }
}

async function summarize(input: SummaryInput): Promise<WorkspaceSummary> {
  const b = new SummaryBuilder();
  for (const f of input.files.filter((x) => /^user\/(profiles\/[^/]+\/)?settings\.json$/.test(x.path))) {
    const { ok, value } = await json(input, f.path, b);
    if (!ok) continue;
    const group = f.path.slice('user/'.length);
    b.group(group);
    const entries = isObject(value) ? Object.entries(value) : [];
    for (const [k, v] of entries) b.setting(group, k, JSON.stringify(v));
    b.fact(group === 'settings.json' ? 'settings' : `settings (${group})`, entries.length);
    const theme = isObject(value) ? value['workbench.colorTheme'] : undefined;
    if (group === 'settings.json' && typeof theme === 'string') b.fact('colour theme', theme);
  }
  for (const f of input.files.filter((x) => /^user\/(profiles\/[^/]+\/)?keybindings\.json$/.test(x.path))) {
    const { ok, value } = await json(input, f.path, b);
    if (!ok) continue;
    const group = f.path.slice('user/'.length);
    const items = Array.isArray(value) ? value.filter(isObject) : [];
    b.group(group);
    const seen = new Map<string, number>();
    for (const k of items) {
      const base = `${String(k.key ?? '?')}${k.when === undefined ? '' : ` when ${String(k.when)}`}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      b.setting(group, n === 1 ? base : `${base} #${n}`, String(k.command ?? '?') + (k.args === undefined ? '' : ` ${JSON.stringify(k.args)}`));
    }
    b.fact(group === 'keybindings.json' ? 'keybindings' : `keybindings (${group})`, items.length);
  }
  const snippets: string[] = [];
  for (const f of input.files.filter((x) => /^user\/snippets\/[^/]+\.(json|code-snippets)$/.test(x.path))) {
    const { ok, value } = await json(input, f.path, b);
    if (ok && isObject(value)) for (const name of Object.keys(value)) snippets.push(`${stem(baseName(f.path))}: ${name}`);
  }
  if (snippets.length > 0) b.list('snippets', snippets);
  const profiles = [...new Set(input.files.map((x) => /^user\/profiles\/([^/]+)\//.exec(x.path)?.[1]).filter((x): x is string => x !== undefined))];
  if (profiles.length > 0) b.list('profiles', profiles);
  if (input.files.some((x) => x.path === 'user/globalStorage/storage.json')) {
    const { ok, value } = await json(input, 'user/globalStorage/storage.json', b);
    if (ok) {
      const { recent, windows } = vscodeRecent(value);
      b.list('recent folders', recent);
      b.list('open windows', windows);
    }
  }
  let extensions: string[] | undefined;
  if (input.files.some((x) => x.path === 'extensions/extensions.json')) {
    const { ok, value } = await json(input, 'extensions/extensions.json', b);
    if (ok) extensions = vscodeExtensions(value);
  }
  if (extensions === undefined && input.files.some((x) => x.path === 'extensions/.folders')) {
    const text = await readText(input, 'extensions/.folders', b);
    // Folder names are publisher.name-version.
    if (text !== undefined) extensions = text.split('\n').filter((l) => l !== '' && !l.startsWith('.')).map((l) => l.replace(/-(\d[^-]*)$/, '@$1'));
  }
  if (extensions !== undefined) {
    b.list('extensions', extensions.sort());
    b.fact('extensions', extensions.length);
  }
  return b.build();
}

export const vscodeAdapter: WorkspaceAdapter = {
  app: 'vscode',
  title: 'Visual Studio Code',
  version: 1,
  processes: ['code', 'Code', 'Visual Studio Code'],
  roots(env: WorkspaceEnv) {
    const dir = env.platform === 'darwin' ? join(homeDir(env), 'Library', 'Application Support', 'Code', 'User') : env.platform === 'win32' ? join(appData(env), 'Code', 'User') : join(configHome(env), 'Code', 'User');
    return [
      { name: 'user', dir },
      { name: 'extensions', dir: join(homeDir(env), '.vscode', 'extensions'), files: ['extensions.json'], restore: 'none', listFolders: true },
    ];
  },
  include: ['user/settings.json', 'user/keybindings.json', 'user/tasks.json', 'user/launch.json', 'user/mcp.json', 'user/snippets/**', 'user/profiles/*/{settings,keybindings,tasks,extensions}.json', 'user/profiles/*/snippets/**', 'user/globalStorage/storage.json'],
  exclude: ['user/workspaceStorage/', 'user/History/', 'user/sync/', 'user/caches/', 'user/logs/', '*.log', '*.vscdb', '*.vscdb.backup'],
  summarize,
};
