import { z } from 'zod';
import { defineCommand } from '../../plumbing/cli/index.js';
import { quotePath } from '../core/quote-path.js';
import { listVersionPath, type VersionPathEntry } from '../ops/ls.js';

function name(e: VersionPathEntry): string {
  return quotePath(e.rawPath === undefined ? e.path : Buffer.from(e.rawPath, 'base64')) + (e.type === 'directory' ? '/' : '');
}

function longLine(e: VersionPathEntry): string {
  const mode = e.mode === undefined ? '----' : e.mode.toString(8).padStart(4, '0');
  const size = e.size === undefined ? '-' : String(e.size);
  const target = e.type === 'symlink' && e.target !== undefined ? ` -> ${quotePath(e.rawTarget === undefined ? e.target : Buffer.from(e.rawTarget, 'base64'))}` : '';
  return `${e.type.padEnd(10)} ${mode} ${size.padStart(12)}  ${new Date(e.mtime).toISOString()}  ${name(e)}${target}`;
}

export const lsCommand = defineCommand({
  command: 'ls <revision> [path]',
  describe: 'List a folder of a version: names (folders end in /), -l type, mode, size and mtime, -r recursive',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('revision', { type: 'string', describe: 'a version (any revision: main, main~2, a tag, an id prefix), or <version>:<path>' })
      .positional('path', { type: 'string', describe: 'a folder (or file) inside it (default: its root)' })
      .option('l', { type: 'boolean', describe: 'long form: type, mode, size, mtime (ISO 8601, UTC), symlink targets' })
      .option('r', { type: 'boolean', describe: 'list everything below the folder' }),
  schema: z.object({ revision: z.string(), path: z.string().optional(), l: z.boolean().default(false), r: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const r = await listVersionPath({
      repo,
      revision: args.revision,
      ...(args.path === undefined ? {} : { path: args.path }),
      recursive: args.r,
      linkTargets: args.l || ctx.json,
    });
    if (ctx.json) return ctx.printJson(r);
    if (r.entries.length > 0) ctx.print(r.entries.map((e) => (args.l ? longLine(e) : name(e))).join('\n'));
  },
});
