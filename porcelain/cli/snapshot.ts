import { z } from 'zod';
import { EXIT } from '../../plumbing/index.js';
import { defineCommand, formatBytes, parseKeyValues } from '../../plumbing/cli/index.js';
import { snapshot } from '../ops/snapshot.js';
import { progressReporter } from './progress.js';
import { sourceFolder } from './source-folder.js';

export const snapshotCommand = defineCommand({
  command: 'snapshot [path]',
  describe: 'Record a version of a folder: only what changed is read and stored',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('path', { type: 'string', describe: "the folder (default: the project holding the repository's .strata)" })
      .option('m', { alias: 'message', type: 'string', describe: 'description of the version' })
      .option('name', { type: 'string', describe: 'a short name for the version' })
      .option('tag', { type: 'string', array: true, describe: 'a label recorded in the version (repeatable)' })
      .option('milestone', { type: 'boolean', describe: 'mark the version as a milestone (forget always keeps it)' })
      .option('meta', { type: 'string', array: true, describe: 'key=value metadata (repeatable)' })
      .option('branch', { type: 'string', describe: 'the branch to add the version to (default: the one HEAD names)' })
      .option('exclude', { type: 'string', array: true, describe: 'leave out paths matching a gitignore pattern (repeatable)' })
      .option('rescan', { type: 'boolean', describe: 'read every file, even those whose metadata is unchanged' })
      .option('skip-if-unchanged', { type: 'boolean', describe: 'record no version when nothing changed' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by another command (default 0)' }),
  schema: z.object({
    path: z.string().optional(),
    message: z.string().optional(),
    name: z.string().optional(),
    tag: z.array(z.string()).default([]),
    milestone: z.boolean().default(false),
    meta: z.array(z.string()).default([]),
    branch: z.string().optional(),
    exclude: z.array(z.string()).default([]),
    rescan: z.boolean().default(false),
    skipIfUnchanged: z.boolean().default(false),
    wait: z.number().min(0).default(0),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const progress = progressReporter(ctx, 'snapshot');
    const started = Date.now();
    const r = await snapshot({
      repo,
      source: sourceFolder(repo, args.path, 'snapshot'),
      ...(args.message === undefined ? {} : { description: args.message }),
      ...(args.name === undefined ? {} : { name: args.name }),
      tags: args.tag,
      milestone: args.milestone,
      meta: parseKeyValues(args.meta, 'meta'),
      ...(args.branch === undefined ? {} : { branch: args.branch }),
      exclude: args.exclude,
      rescan: args.rescan,
      skipIfUnchanged: args.skipIfUnchanged,
      lockWaitMs: Math.round(args.wait * 1000),
      onProgress: (p) => progress.update(p.files, p.bytes, p.expectedBytes),
      onWarning: (w) => {
        progress.done();
        ctx.warn(w.message, { code: w.code, path: w.path });
      },
    });
    progress.done();
    if (r.warnings.some((w) => w.code !== 'SPECIAL_FILE')) ctx.setExitCode(EXIT.partial);
    if (ctx.json) return ctx.printJson({ message_type: 'summary', ...r });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const branch = r.branch.replace(/^refs\/heads\//, '');
    const what = r.created ? `version ${r.id.slice(0, 12)} on ${branch}` : `nothing changed; ${branch} stays at ${r.id.slice(0, 12)}`;
    ctx.print(
      `${what}: ${r.files} files, ${formatBytes(r.bytes)} (${r.files - r.reusedFiles} read, ${r.reusedFiles} unchanged); ` +
        `${r.newObjects} new objects, ${formatBytes(r.newStoredBytes)} stored; ${seconds} s` +
        (r.unchanged && r.created ? ' (same content as its parent)' : ''),
    );
  },
});
