import { z } from 'zod';
import { defineCommand, formatBytes } from '../../plumbing/cli/index.js';
import { findPaths, type FindMatch, type FindResult } from '../ops/find.js';
import { pathText } from './diff.js';
import { formatTime, shortId } from './log.js';

interface Shown {
  match: FindMatch;
  /** Later versions (consecutive, newer) holding the same path with the same content. */
  unchangedLater: number;
}

/**
 * The matches to show, per version (newest first): a path whose content stays the same across
 * consecutive versions is shown once, at the oldest of them, with the number of later versions.
 */
export function dedupeMatches(r: FindResult): Map<string, Shown[]> {
  const index = new Map(r.versions.map((id, i) => [id, i]));
  const runs = new Map<string, { at: number; shown: Shown }>();
  const shown = new Map<string, Shown[]>();
  for (let i = r.matches.length - 1; i >= 0; i--) {
    const m = r.matches[i] as FindMatch;
    const at = index.get(m.version) ?? 0;
    const key = `${m.rawPath ?? m.path}\0${m.type}\0${m.id}`;
    const run = runs.get(key);
    if (run && run.at === at + 1) {
      run.at = at;
      run.shown.unchangedLater++;
      continue;
    }
    const item: Shown = { match: m, unchangedLater: 0 };
    runs.set(key, { at, shown: item });
    const list = shown.get(m.version);
    if (list) list.unshift(item);
    else shown.set(m.version, [item]);
  }
  return shown;
}

export const findCommand = defineCommand({
  command: 'find <pattern>',
  describe: 'Which versions hold paths matching a glob (*.psd, art/**, **/v[0-9]/*.png), newest first',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('pattern', {
        type: 'string',
        describe: 'a glob: without "/" it matches names at any depth; with "/", whole paths; "**" spans folders; a trailing "/" matches folders',
      })
      .option('branch', { type: 'string', describe: 'the branch to search (default: the one HEAD names)' })
      .option('all', { type: 'boolean', describe: 'search every version in the repository' })
      .conflicts('all', 'branch'),
  schema: z.object({ pattern: z.string(), branch: z.string().optional(), all: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const r = await findPaths({ repo, pattern: args.pattern, all: args.all, ...(args.branch === undefined ? {} : { branch: args.branch }) });
    if (ctx.json) return ctx.printJson(r.matches);
    if (r.matches.length === 0) {
      return ctx.print(`no version holds a path matching "${args.pattern}" (${r.versionsSearched} version${r.versionsSearched === 1 ? '' : 's'} searched)`);
    }
    const shown = dedupeMatches(r);
    const lines: string[] = [];
    for (const id of r.versions) {
      const items = shown.get(id);
      if (!items) continue;
      const first = items[0]?.match as FindMatch;
      lines.push(`${shortId(id)}  ${formatTime(first.time)}${first.versionName ? `  ${first.versionName}` : ''}`);
      for (const { match: m, unchangedLater } of items) {
        const size = m.type === 'directory' ? 'folder' : formatBytes(m.size ?? 0);
        const later = unchangedLater > 0 ? `  (unchanged in ${unchangedLater} later version${unchangedLater === 1 ? '' : 's'})` : '';
        const kind = m.type === 'symlink' ? '  (symlink)' : '';
        lines.push(`  ${size.padStart(10)}  ${shortId(m.id)}  ${pathText(m.path, m.rawPath)}${m.type === 'directory' ? '/' : ''}${kind}${later}`);
      }
    }
    lines.push(`${r.matches.length} match${r.matches.length === 1 ? '' : 'es'} in ${r.versionsMatched} of ${r.versionsSearched} version${r.versionsSearched === 1 ? '' : 's'}`);
    if (r.forgotten) lines.push(`parent forgotten: ${shortId(r.forgotten.parent)} (older versions were removed by retention)`);
    ctx.print(lines.join('\n'));
  },
});
