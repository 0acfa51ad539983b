import { z } from 'zod';
import { defineCommand, formatBytes } from '../../plumbing/cli/index.js';
import { DEFAULT_OVERWRITE, OVERWRITE_MODES } from '../core/overwrite-policy.js';
import { quotePath } from '../core/quote-path.js';
import { restore, restoreProblemError, type RestoreAction, type RestoreResult } from '../ops/restore.js';
import { progressReporter } from './progress.js';
import { sourceFolder } from './source-folder.js';

function shownPath(p: { path: string; rawPath?: string | undefined }): string {
  return quotePath(p.rawPath === undefined ? p.path : Buffer.from(p.rawPath, 'base64'));
}

function actionLine(a: RestoreAction): string {
  const name = `${shownPath(a)}${a.type === 'directory' ? '/' : ''}`;
  const size = a.size === undefined ? '' : ` (${formatBytes(a.size)})`;
  return `${a.action.padEnd(8)} ${name}${size}${a.action === 'create' || a.action === 'mkdir' ? '' : `  [${a.reason}]`}`;
}

function counts(r: RestoreResult, dry: boolean): string {
  const parts = [`${r.written} ${dry ? 'to write' : 'written'} (${formatBytes(r.bytes)})`];
  if (r.metadataFixed > 0) parts.push(`${r.metadataFixed} ${dry ? 'to get' : 'got'} their mode/mtime set`);
  if (r.unchanged > 0) parts.push(`${r.unchanged} unchanged`);
  if (r.skipped - r.unchanged > 0) parts.push(`${r.skipped - r.unchanged} kept (--overwrite ${r.overwrite})`);
  if (r.deleted > 0) parts.push(`${r.deleted} ${dry ? 'to delete' : 'deleted'}`);
  if (r.directoriesCreated > 0) parts.push(`${r.directoriesCreated} folder${r.directoriesCreated === 1 ? '' : 's'} ${dry ? 'to create' : 'created'}`);
  return parts.join(', ');
}

export const restoreCommand = defineCommand({
  command: 'restore <source> [target]',
  describe: 'Write a version, a folder of it or one file back out (only what differs is written)',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('source', { type: 'string', describe: 'a version, or <version>:<path> for a folder or one file of it' })
      .positional('target', {
        type: 'string',
        describe: "the folder that stands for the version's root (default: the project holding the repository's .strata)",
      })
      .option('include', { type: 'string', array: true, describe: 'restore only paths matching a gitignore pattern (repeatable)' })
      .option('exclude', { type: 'string', array: true, describe: 'leave out paths matching a gitignore pattern (repeatable)' })
      .option('overwrite', {
        type: 'string',
        choices: OVERWRITE_MODES,
        describe: `what to do with files that exist: rewrite always, only if-changed, only if-newer in the version, or never (default ${DEFAULT_OVERWRITE})`,
      })
      .option('delete', { type: 'boolean', describe: 'remove what the target has (within the restored path) that the version does not' })
      .option('dry-run', { type: 'boolean', describe: 'show what would be written, kept and deleted; write nothing' })
      .option('verify', { type: 'boolean', describe: 'read every restored file back and check its content id' })
      .option('force', { type: 'boolean', describe: 'overwrite or delete changes that were never snapshotted' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by another command (default 0)' }),
  schema: z.object({
    source: z.string(),
    target: z.string().optional(),
    include: z.array(z.string()).default([]),
    exclude: z.array(z.string()).default([]),
    overwrite: z.enum(OVERWRITE_MODES).default(DEFAULT_OVERWRITE),
    delete: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    verify: z.boolean().default(false),
    force: z.boolean().default(false),
    wait: z.number().min(0).default(0),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const progress = progressReporter(ctx, 'restore');
    const started = Date.now();
    const r = await restore({
      repo,
      source: args.source,
      target: sourceFolder(repo, args.target, 'restore into'),
      include: args.include,
      exclude: args.exclude,
      overwrite: args.overwrite,
      delete: args.delete,
      dryRun: args.dryRun,
      verify: args.verify,
      force: args.force,
      lockWaitMs: Math.round(args.wait * 1000),
      onProgress: (p) => progress.update(p.files, p.bytes, p.totalBytes),
    });
    progress.done();
    if (ctx.json) ctx.printJson({ message_type: 'summary', ...r });
    else {
      const what = `${args.source} (${r.version.slice(0, 12)})`;
      if (r.dryRun) {
        const lines = (r.actions ?? []).map(actionLine);
        if (lines.length > 0) ctx.print(lines.join('\n'));
        ctx.print(`dry run of restoring ${what} into ${r.target}: ${counts(r, true)}; nothing was written`);
        if (r.unsaved.count > 0) {
          ctx.print(
            `without --force the restore would refuse: ${r.unsaved.count} path${r.unsaved.count === 1 ? ' has' : 's have'} changes that were never snapshotted: ` +
              r.unsaved.paths.map((p) => quotePath(p)).join(', ') +
              (r.unsaved.count > r.unsaved.paths.length ? `, and ${r.unsaved.count - r.unsaved.paths.length} more` : ''),
          );
        }
      } else {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const verified = args.verify ? `; ${r.verified} verified` : '';
        ctx.print(`restored ${what} into ${r.target}: ${counts(r, false)}${verified}; ${seconds} s`);
        if (r.unsaved.count > 0) ctx.warn(`--force: overwrote or deleted ${r.unsaved.count} path${r.unsaved.count === 1 ? '' : 's'} with changes that were never snapshotted`);
      }
      for (const p of [...r.damaged, ...r.failed]) ctx.warn(`${shownPath(p)}: ${p.message}`);
    }
    const error = restoreProblemError(r);
    if (error) throw error;
  },
});
