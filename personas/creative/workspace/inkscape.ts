/**
 * Inkscape keeps its state in `~/.config/inkscape` (Linux), `~/Library/Application
 * Support/org.inkscape.Inkscape/config/inkscape` (macOS) or `%APPDATA%\inkscape` (Windows):
 * preferences.xml (nested `<group id=…>` elements whose attributes are the preferences), keys/ (custom
 * shortcuts), templates/, palettes/, symbols/, the user's extensions. Recent documents are GTK's
 * recently-used.xbel bookmarks named for Inkscape. Logs, the font cache and tmp are left out.
 */
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SummaryBuilder, baseName, readText, stem, type SummaryInput, type WorkspaceAdapter, type WorkspaceSummary } from './adapter.js';
import { appData, configHome, homeDir, recentlyUsedXbel, type WorkspaceEnv } from './env.js';
import { summarizeXbel } from './recent.js';

export const INKSCAPE_XBEL_APP = /inkscape/i;

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function parseOrdered(text: string): OrderedNode[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, processEntities: true, htmlEntities: false });
  return parser.parse(text) as OrderedNode[];
}

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && k !== '?xml' && k !== '#comment');
}

/** Every preference of preferences.xml as `/group/sub/attribute` -> value, in document order. */
export function flattenInkscapePreferences(text: string): { version: string | undefined; values: Array<[string, string]> } {
  const nodes = parseOrdered(text);
  const root = nodes.find((n) => tagOf(n) === 'inkscape');
  if (root === undefined) throw new Error('no <inkscape> root element');
  const values: Array<[string, string]> = [];
  const walk = (children: OrderedNode[], prefix: string): void => {
    for (const child of children) {
      if (tagOf(child) !== 'group') continue;
      const attrs = child[':@'] ?? {};
      const path = `${prefix}/${attrs.id ?? '?'}`;
      for (const [k, v] of Object.entries(attrs)) if (k !== 'id') values.push([`${path}/${k}`, String(v)]);
      walk((child.group as OrderedNode[] | undefined) ?? [], path);
    }
  };
  walk((root.inkscape as OrderedNode[] | undefined) ?? [], '');
  return { version: root[':@']?.version, values };
}

/** The shortcuts of a keys file: `<bind gaction="…" keys="…"/>` (1.1+) or `<bind key=… modifiers=… action=…/>`. */
export function inkscapeShortcuts(text: string): Array<[string, string]> {
  const nodes = parseOrdered(text);
  const root = nodes.find((n) => tagOf(n) === 'keys');
  if (root === undefined) throw new Error('no <keys> root element');
  const out: Array<[string, string]> = [];
  for (const child of (root.keys as OrderedNode[] | undefined) ?? []) {
    const tag = tagOf(child);
    const a = child[':@'] ?? {};
    if (tag === 'bind') {
      const action = a.gaction ?? a.action;
      if (action === undefined) continue;
      const keys = a.keys ?? [a.modifiers, a.key].filter((x) => x !== undefined && x !== '').join('+');
      out.push([action, keys]);
    } else if (tag === 'modifier' && a.action !== undefined) out.push([`modifier ${a.action}`, a.modifiers ?? '']);
  }
  return out;
}

async function summarize(input: SummaryInput): Promise<WorkspaceSummary> {
  const b = new SummaryBuilder();
  const prefs = 'config/preferences.xml';
  if (input.files.some((f) => f.path === prefs)) {
    const text = await readText(input, prefs, b);
    if (text !== undefined) {
      try {
        const { values } = flattenInkscapePreferences(text);
        b.group('preferences.xml');
        for (const [k, v] of values) b.setting('preferences.xml', k, v);
        b.fact('preferences', values.length);
        const get = (key: string): string | undefined => values.find(([k]) => k === key)?.[1];
        const theme = get('/theme/gtkTheme') ?? get('/theme/defaultTheme');
        if (theme !== undefined) b.fact('theme', `${theme}${get('/theme/iconTheme') ? `, icons ${get('/theme/iconTheme')}` : ''}${get('/theme/darkTheme') === 'true' ? ', dark' : ''}`);
        for (const g of ['/desktop/geometry', '/window/geometry']) {
          const w = get(`${g}/width`);
          const h = get(`${g}/height`);
          if (w !== undefined && h !== undefined) {
            b.fact('window', `${w}x${h}${get(`${g}/x`) !== undefined ? ` at ${get(`${g}/x`)},${get(`${g}/y`)}` : ''}${get(`${g}/maximized`) === '1' || get(`${g}/maximized`) === 'true' ? ', maximised' : ''}`);
            break;
          }
        }
        const dialogs = [...new Set(values.map(([k]) => /^\/dialogs\/([^/]+)\//.exec(k)?.[1]).filter((x): x is string => x !== undefined))];
        if (dialogs.length > 0) b.list('dialogs with saved state', dialogs);
      } catch (err) {
        b.problem(prefs, err);
      }
    }
  }
  for (const f of input.files.filter((x) => /^config\/keys\/[^/]+\.xml$/.test(x.path))) {
    const text = await readText(input, f.path, b);
    if (text === undefined) continue;
    try {
      const group = `keys/${baseName(f.path)}`;
      b.group(group);
      const shortcuts = inkscapeShortcuts(text);
      for (const [action, keys] of shortcuts) b.setting(group, action, keys);
      b.fact(`shortcuts in ${group}`, shortcuts.length);
    } catch (err) {
      b.problem(f.path, err);
    }
  }
  for (const [folder, list] of [['templates', 'templates'], ['palettes', 'palettes'], ['symbols', 'symbol sets'], ['markers', 'markers'], ['paint', 'paint servers'], ['filters', 'filters'], ['fonts', 'fonts']] as const) {
    const files = input.files.filter((x) => x.path.startsWith(`config/${folder}/`));
    if (files.length > 0) b.list(list, files.map((x) => stem(baseName(x.path))));
  }
  const extensions = input.files.filter((x) => x.path.startsWith('config/extensions/') && x.path.endsWith('.inx'));
  if (extensions.length > 0) b.list('extensions', extensions.map((x) => stem(baseName(x.path))));
  await summarizeXbel(input, 'recent/recently-used.xbel', INKSCAPE_XBEL_APP, b);
  return b.build();
}

export const inkscapeAdapter: WorkspaceAdapter = {
  app: 'inkscape',
  title: 'Inkscape',
  version: 1,
  processes: ['inkscape', 'Inkscape'],
  roots(env: WorkspaceEnv) {
    const dir = env.platform === 'darwin' ? join(homeDir(env), 'Library', 'Application Support', 'org.inkscape.Inkscape', 'config', 'inkscape') : env.platform === 'win32' ? join(appData(env), 'inkscape') : join(configHome(env), 'inkscape');
    const xbel = recentlyUsedXbel(env);
    return [
      { name: 'config', dir },
      { name: 'recent', dir: join(xbel, '..'), files: ['recently-used.xbel'], restore: 'xbel', xbelApp: INKSCAPE_XBEL_APP },
    ];
  },
  exclude: ['*.log', 'config/tmp/', 'config/fontcache/', 'config/cache/', '__pycache__/', '*.pyc', '.thumbnails/'],
  summarize,
};
