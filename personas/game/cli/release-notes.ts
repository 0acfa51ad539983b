/** `strata game release-notes <from> <to>`: what changed between two milestones or versions. */
import { z } from 'zod';
import { defineCommand } from '../../../porcelain/cli/index.js';
import type { ConfigChangeProvider } from '../core/release-notes-sections.js';

/** Platform configuration changes between two versions, from the platforms part (per-platform configuration). */
async function configChangeProvider(): Promise<ConfigChangeProvider> {
  return (await import('../ops/platforms.js')).platformConfigChanges;
}

export const releaseNotesCommand = defineCommand({
  command: 'release-notes <from> <to>',
  describe: 'Release notes between two milestones or versions: changes by folder and asset type, milestones passed, platform configuration, player feedback',
  group: 'persona',
  builder: (y) =>
    y
      .positional('from', { type: 'string', describe: 'a milestone name or any revision (the earlier side)' })
      .positional('to', { type: 'string', describe: 'a milestone name or any revision (the later side)' })
      .option('format', { type: 'string', choices: ['md', 'json'], describe: 'md (default) or json' })
      .option('o', { alias: 'out', type: 'string', describe: 'write the notes to this file instead of stdout' })
      .option('files', { type: 'number', describe: 'files listed per asset type in markdown (default 20)' }),
  schema: z.object({ from: z.string(), to: z.string(), format: z.enum(['md', 'json']).optional(), out: z.string().optional(), files: z.number().int().min(0).optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { releaseNotes, releaseNotesMarkdown } = await import('../ops/release-notes.js');
    const provider = await configChangeProvider();
    const format = args.format ?? (ctx.json ? 'json' : 'md');
    const notes = await releaseNotes({
      repo,
      from: args.from,
      to: args.to,
      configChanges: provider,
      sections: [(await import('../ops/feedback-notes.js')).feedbackNotesSection],
      ...(args.out === undefined ? {} : { out: args.out, format }),
      ...(args.files === undefined ? {} : { fileLimit: args.files }),
    });
    if (notes.platforms.error !== undefined) ctx.warn(`platform configuration not compared: ${notes.platforms.error.message}`, { code: notes.platforms.error.code });
    if (args.out !== undefined) {
      if (ctx.json) return ctx.printJson({ written: notes.written, totals: notes.totals });
      const t = notes.totals;
      return ctx.print(`wrote ${args.out} (${format}): ${t.added.count} added, ${t.removed.count} removed, ${t.changed.count} changed, ${t.renamed.count} renamed`);
    }
    if (format === 'json') return ctx.printJson(notes);
    ctx.stdout.write(releaseNotesMarkdown(notes, args.files === undefined ? {} : { fileLimit: args.files }));
  },
});
