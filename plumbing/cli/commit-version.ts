import { z } from 'zod';
import { StrataError } from '../errors/index.js';
import { commitVersion } from '../ops/commit-version.js';
import { defineCommand } from './define-command.js';
import { parseKeyValues } from './runtime.js';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Accepts integer milliseconds since the epoch, or ISO 8601: a date (midnight UTC) or a date and time
 * with `Z` or an offset (never local time, so the same command gives the same id everywhere).
 */
function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^-?\d+$/.test(value)) return Number(value);
  const ms = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new StrataError('USAGE', `--time: "${value}" is neither integer milliseconds since the epoch nor ISO 8601 with Z or an offset (2026-11-23T12:00:00Z)`);
  }
  return ms;
}

export const commitVersionCommand = defineCommand({
  command: 'commit-version <tree>',
  describe: 'Create a version object for a tree (kept alive by refs/versions/<id>) and print its id',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('tree', { type: 'string', describe: 'the tree (any revision naming a tree or version)' })
      .option('p', { alias: 'parent', type: 'string', array: true, describe: 'parent version (repeatable; first is the first parent)' })
      .option('m', { alias: 'message', type: 'string', describe: 'description' })
      .option('name', { type: 'string', describe: 'a short name for the version' })
      .option('tag', { type: 'string', array: true, describe: 'a label recorded in the version (repeatable)' })
      .option('milestone', { type: 'boolean', describe: 'mark the version as a milestone' })
      .option('meta', { type: 'string', array: true, describe: 'key=value metadata (repeatable)' })
      .option('time', { type: 'string', describe: 'time of the version: ms since the epoch or ISO 8601 (default: now)' })
      .option('keep', { type: 'boolean', default: true, describe: 'write refs/versions/<id> so the version is kept; --no-keep leaves it unreachable until a ref names it' }),
  schema: z.object({
    tree: z.string(),
    parent: z.array(z.string()).default([]),
    message: z.string().optional(),
    name: z.string().optional(),
    tag: z.array(z.string()).default([]),
    milestone: z.boolean().default(false),
    meta: z.array(z.string()).default([]),
    time: z.string().optional(),
    keep: z.boolean().default(true),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const time = parseTime(args.time);
    const r = await commitVersion({
      repo,
      tree: args.tree,
      parents: args.parent,
      ...(args.message === undefined ? {} : { description: args.message }),
      ...(args.name === undefined ? {} : { name: args.name }),
      tags: args.tag,
      milestone: args.milestone,
      meta: parseKeyValues(args.meta, 'meta'),
      ...(time === undefined ? {} : { time }),
      keep: args.keep,
    });
    if (ctx.json) return ctx.printJson(r);
    ctx.print(r.id);
  },
});
