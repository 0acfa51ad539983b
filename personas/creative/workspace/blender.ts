/**
 * Blender keeps one folder per installed version (`4.2/`, `4.3/` …) under
 * `~/.config/blender` (Linux), `~/Library/Application Support/Blender` (macOS) or
 * `%APPDATA%\Blender Foundation\Blender` (Windows), each with `config/` (userpref.blend,
 * startup.blend, recent-files.txt, bookmarks.txt) and the user's `scripts/` (add-ons, presets) and
 * `extensions/`. Every version is captured; caches, `.blend1` backups and extension wheels are not.
 */
import { join } from 'node:path';
import { formatBytes } from '../../../porcelain/index.js';
import { SummaryBuilder, readText, type SummaryInput, type WorkspaceAdapter, type WorkspaceSummary } from './adapter.js';
import { appData, configHome, homeDir, type WorkspaceEnv } from './env.js';

const CONFIG_FILES = ['userpref.blend', 'startup.blend', 'recent-files.txt', 'bookmarks.txt', 'platform_support.txt'];

/** What a .blend file's first bytes say: the Blender version that wrote it, or that it is compressed. */
export function blendHeader(data: Buffer): string {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) return 'gzip-compressed .blend';
  if (data.length >= 4 && data.readUInt32BE(0) === 0x28b52ffd) return 'zstd-compressed .blend';
  const head = data.subarray(0, 24).toString('latin1');
  // Blender 5: BLENDER17-01v0500 (header size, format version, endianness, version).
  const modern = /^BLENDER(\d\d)-(\d\d)([vV])(\d{4})/.exec(head);
  if (modern) {
    const v = parseInt(modern[4] as string, 10);
    return `Blender ${Math.floor(v / 100)}.${v % 100} file (${modern[3] === 'v' ? 'little' : 'big'}-endian)`;
  }
  // Blender 2.x-4.x: BLENDER, pointer size (_ 32-bit, - 64-bit), endianness (v/V), 3-digit version.
  const legacy = /^BLENDER([_-])([vV])(\d{3})/.exec(head);
  if (legacy) {
    const v = parseInt(legacy[3] as string, 10);
    return `Blender ${Math.floor(v / 100)}.${v % 100} file (${legacy[1] === '-' ? '64' : '32'}-bit, ${legacy[2] === 'v' ? 'little' : 'big'}-endian)`;
  }
  return 'not a .blend file (no BLENDER header)';
}

/** bookmarks.txt: `[Bookmarks]` and `[Recent]` sections of one folder path a line. */
export function parseBlenderBookmarks(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let section = 'Bookmarks';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) {
      section = m[1] as string;
      out[section] ??= [];
    } else (out[section] ??= []).push(line);
  }
  return out;
}

async function summarize(input: SummaryInput): Promise<WorkspaceSummary> {
  const b = new SummaryBuilder();
  const versions = [...new Set(input.files.map((f) => /^config\/([^/]+)\//.exec(f.path)?.[1]).filter((v): v is string => v !== undefined))].sort((x, y) =>
    x.localeCompare(y, 'en', { numeric: true }),
  );
  b.fact('versions', versions.length > 0 ? versions.join(', ') : 'none');
  for (const v of versions) {
    const base = `config/${v}/config/`;
    for (const name of ['userpref.blend', 'startup.blend']) {
      const f = input.files.find((x) => x.path === `${base}${name}`);
      if (f === undefined) continue;
      try {
        const data = await input.read(f.path);
        b.fact(`${v} ${name}`, `${blendHeader(data)}, ${formatBytes(f.size)}`);
      } catch (err) {
        b.problem(f.path, err);
      }
    }
    if (input.files.some((x) => x.path === `${base}recent-files.txt`)) {
      const text = await readText(input, `${base}recent-files.txt`, b);
      if (text !== undefined) b.list(`recent files (${v})`, text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''));
    }
    if (input.files.some((x) => x.path === `${base}bookmarks.txt`)) {
      const text = await readText(input, `${base}bookmarks.txt`, b);
      if (text !== undefined) {
        const sections = parseBlenderBookmarks(text);
        b.list(`bookmarks (${v})`, sections.Bookmarks ?? []);
        b.list(`recent folders (${v})`, sections.Recent ?? []);
      }
    }
    const addons = new Set<string>();
    const extensions = new Set<string>();
    let presets = 0;
    for (const f of input.files) {
      const rest = f.path.startsWith(`config/${v}/`) ? f.path.slice(`config/${v}/`.length) : undefined;
      if (rest === undefined) continue;
      const addon = /^scripts\/addons\/([^/]+)/.exec(rest)?.[1];
      if (addon !== undefined) addons.add(addon.replace(/\.py$/, ''));
      const ext = /^extensions\/([^/.][^/]*)\/([^/]+)\//.exec(rest);
      if (ext) extensions.add(`${ext[2] as string} (${ext[1] as string})`);
      if (rest.startsWith('scripts/presets/')) presets++;
    }
    if (addons.size > 0) b.list(`add-ons (${v})`, [...addons].sort());
    if (extensions.size > 0) b.list(`extensions (${v})`, [...extensions].sort());
    if (presets > 0) b.fact(`${v} presets`, presets);
  }
  return b.build();
}

export const blenderAdapter: WorkspaceAdapter = {
  app: 'blender',
  title: 'Blender',
  version: 1,
  processes: ['blender', 'Blender'],
  roots(env: WorkspaceEnv) {
    const dir =
      env.platform === 'darwin'
        ? join(homeDir(env), 'Library', 'Application Support', 'Blender')
        : env.platform === 'win32'
          ? join(appData(env), 'Blender Foundation', 'Blender')
          : join(configHome(env), 'blender');
    return [{ name: 'config', dir }];
  },
  include: [...CONFIG_FILES.map((f) => `config/*/config/${f}`), 'config/*/scripts/addons/**', 'config/*/scripts/presets/**', 'config/*/scripts/startup/**', 'config/*/extensions/**'],
  exclude: ['__pycache__/', '*.pyc', '*.blend1', 'config/*/extensions/.cache/**', 'config/*/extensions/.local/**', 'config/*/extensions/*/.cache/**', '*.log'],
  summarize,
};

