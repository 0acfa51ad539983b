import { z } from 'zod';
import { StrataError } from '../../../porcelain/index.js';
import { defineCommand, formatBytes, signedBytes } from '../../../porcelain/cli/index.js';
import { describeChange, isoTime } from '../core/timeline-html.js';
import { countProgress } from './count-progress.js';
import { writeFileAtomic } from '../ops/write-file-atomic.js';

export const creativeTimelineCommand = defineCommand({
  command: 'timeline <path>',
  describe: 'Every version in which a file changed: sizes, how much it changed visually, thumbnails (table, json, html page or png contact sheet)',
  group: 'persona',
  builder: (y) =>
    y
      .positional('path', { type: 'string', describe: 'the file, from the project root' })
      .option('format', { type: 'string', choices: ['table', 'json', 'html', 'png'], describe: 'table (default), json (as --json), html (one self-contained page), png (a contact sheet)' })
      .option('o', { alias: 'out', type: 'string', describe: 'write the html page or png here (html goes to stdout without it; png needs it)' })
      .option('branch', { type: 'string', describe: 'the branch whose history is walked (default: the current one)' })
      .option('all', { type: 'boolean', describe: 'every version in the repository, not one branch' })
      .option('n', { alias: 'max-count', type: 'number', describe: 'only the newest N changes' })
      .option('thumbnails', { type: 'boolean', default: true, describe: 'make or reuse thumbnails (--no-thumbnails skips them)' })
      .option('threshold', { type: 'number', describe: 'how different a pixel must be to count as changed, 0..1 (default 0.1)' }),
  schema: z.object({
    path: z.string(),
    format: z.enum(['table', 'json', 'html', 'png']).optional(),
    out: z.string().optional(),
    branch: z.string().optional(),
    all: z.boolean().default(false),
    maxCount: z.number().int().min(1).optional(),
    thumbnails: z.boolean().default(true),
    threshold: z.number().min(0).max(1).optional(),
  }),
  run: async (args, ctx) => {
    const format = args.format ?? (ctx.json ? 'json' : 'table');
    if (format === 'png' && args.out === undefined) throw new StrataError('USAGE', 'a png contact sheet needs -o <file>');
    if ((format === 'table' || format === 'json') && args.out !== undefined) throw new StrataError('USAGE', '-o is for --format html or png');
    const repo = await ctx.openRepo();
    const { timeline } = await import('../ops/timeline.js');
    const progress = countProgress('timeline', ctx.json);
    const r = await timeline({
      repo,
      onProgress: (stage, done, total) => progress.update(done, total, stage),
      path: args.path,
      ...(args.branch === undefined ? {} : { branch: args.branch }),
      all: args.all,
      ...(args.maxCount === undefined ? {} : { limit: args.maxCount }),
      thumbnails: args.thumbnails || format === 'html' || format === 'png',
      ...(args.threshold === undefined ? {} : { threshold: args.threshold }),
    }).finally(() => progress.done());
    if (format === 'html' || format === 'png') {
      const { renderTimeline } = await import('../ops/timeline-render.js');
      const bytes = await renderTimeline({ repo, timeline: r, format });
      if (args.out === undefined) {
        process.stdout.write(bytes);
        return;
      }
      await writeFileAtomic(args.out, bytes);
      if (ctx.json) return ctx.printJson({ path: r.path, format, out: args.out, bytes: bytes.length, entries: r.entries.length });
      return ctx.print(`wrote ${args.out} (${formatBytes(bytes.length)}, ${r.entries.length} version${r.entries.length === 1 ? '' : 's'})`);
    }
    if (format === 'json') return ctx.printJson(r);
    const lines = r.entries.map((e) => {
      const labels = [...(e.milestone ? ['milestone'] : []), ...e.tags].join(',');
      const title = e.name || e.description;
      return [
        e.version.slice(0, 12),
        isoTime(e.time),
        e.change.padEnd(8),
        formatBytes(e.size).padStart(9),
        (e.change === 'added' ? '' : signedBytes(e.sizeDelta)).padStart(10),
        describeChange(e),
        ...(labels ? [`[${labels}]`] : []),
        ...(title ? [`"${title}"`] : []),
      ].join('  ');
    });
    const thumbs = r.thumbnailsMade + r.thumbnailsReused > 0 ? `; thumbnails: ${r.thumbnailsMade} made, ${r.thumbnailsReused} reused` : '';
    ctx.print([`${r.path} (${r.kind}), ${r.entries.length} change${r.entries.length === 1 ? '' : 's'}, oldest first${thumbs}`, ...lines].join('\n'));
    for (const f of r.thumbnailFailures) ctx.warn(`no thumbnail for ${f.path}: ${f.message}`, { code: f.code });
  },
});
