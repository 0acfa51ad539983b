import { resolve } from 'node:path';
import { z } from 'zod';
import { defineCommand, formatBytes, sourceFolder } from '../../../porcelain/cli/index.js';
import type { ElementSource } from '../ops/elements.js';

/** `<version>:<path>` reads a version's file; anything without a colon is a file on disk. */
function sourceOf(text: string): ElementSource {
  return text.includes(':') ? { spec: text } : { file: resolve(text) };
}

function detailText(details: Record<string, string | number | boolean | null>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(details)) {
    if (v === null || v === '') continue;
    if (k === 'visible') {
      if (v === false) parts.push('hidden');
    } else if (k === 'blendHonoured') {
      if (v === false) parts.push('(strata draws this blend mode as normal)');
    } else if (v === true) parts.push(k);
    else if (v !== false) parts.push(`${k} ${v}`);
  }
  return parts.join(', ');
}

export const creativeElementsCommand = defineCommand({
  command: 'elements <source>',
  describe: 'List the elements of a file (<version>:<path>, or a file on disk): PSD/KRA/ORA layers, SVG elements, glTF nodes, meshes, materials, textures, OBJ objects',
  group: 'persona',
  builder: (y) => y.positional('source', { type: 'string', describe: '<version>:<path> (main:art/hero.psd), or a path on disk' }),
  schema: z.object({ source: z.string() }),
  run: async (args, ctx) => {
    const source = sourceOf(args.source);
    const repo = 'spec' in source ? await ctx.openRepo() : await ctx.openRepoIfAny();
    const { listElements } = await import('../ops/elements.js');
    const r = await listElements({ repo, source });
    if (ctx.json) return ctx.printJson(r);
    const width = Math.min(60, Math.max(4, ...r.elements.map((e) => e.name.length)));
    ctx.print(
      [
        `${r.file}: ${r.elements.length} element${r.elements.length === 1 ? '' : 's'}`,
        ...r.elements.map((e) => `  ${e.name.padEnd(width)}  ${e.kind.padEnd(8)}  ${e.label && e.label !== e.name ? `"${e.label}"  ` : ''}${detailText(e.details)}`),
      ].join('\n'),
    );
  },
});

export const creativeExtractCommand = defineCommand({
  command: 'extract <source> <element>',
  describe: 'Write one element of a file as a file of its own (a layer as PNG, an SVG element as SVG, a glTF node as GLB, an OBJ object as OBJ + MTL)',
  group: 'persona',
  builder: (y) =>
    y
      .positional('source', { type: 'string', describe: '<version>:<path>, or a path on disk' })
      .positional('element', { type: 'string', describe: 'the element, as `elements` names it' })
      .option('o', { alias: 'out', type: 'string', demandOption: true, describe: 'the file to write (companions go next to it)' })
      .option('force', { type: 'boolean', describe: 'replace files that exist' }),
  schema: z.object({ source: z.string(), element: z.string(), out: z.string(), force: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const source = sourceOf(args.source);
    const repo = 'spec' in source ? await ctx.openRepo() : await ctx.openRepoIfAny();
    const { extractElement } = await import('../ops/elements.js');
    const r = await extractElement({ repo, source, element: args.element, out: args.out, force: args.force });
    if (ctx.json) return ctx.printJson(r);
    ctx.print(r.written.map((w) => `wrote ${w.path} (${formatBytes(w.bytes)})`).join('\n'));
  },
});

export const creativeRestoreElementCommand = defineCommand({
  command: 'restore-element <source> <element>',
  describe: "Put one element back as it was in a version, into today's file (or --into another), leaving every other element as it is; the replaced file is kept as a backup until the next snapshot",
  group: 'persona',
  builder: (y) =>
    y
      .positional('source', { type: 'string', describe: '<version>:<path>: where the element is taken from' })
      .positional('element', { type: 'string', describe: 'the element, as `elements` names it' })
      .option('into', { type: 'string', describe: 'the file to put it into (default: the same path in the project folder)' })
      .option('source-folder', { type: 'string', describe: "the project folder (default: the one holding the repository's .strata)" })
      .option('dry-run', { type: 'boolean', describe: 'say what would be written; write nothing' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by gc (default 10)' }),
  schema: z.object({ source: z.string(), element: z.string(), into: z.string().optional(), sourceFolder: z.string().optional(), dryRun: z.boolean().default(false), wait: z.number().min(0).default(10) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { restoreElement } = await import('../ops/elements.js');
    const r = await restoreElement({
      repo,
      spec: args.source,
      element: args.element,
      ...(args.into === undefined ? { folder: resolve(sourceFolder(repo, args.sourceFolder, 'restore into')) } : { into: resolve(args.into) }),
      dryRun: args.dryRun,
      lockWaitMs: Math.round(args.wait * 1000),
    });
    if (ctx.json) return ctx.printJson(r);
    const lines = [`${r.dryRun ? 'would restore' : 'restored'} ${r.element.name} from ${r.from} into ${r.into}${r.restored.length > 1 ? ` (${r.restored.length} elements)` : ''}`];
    for (const w of r.written) lines.push(`  ${r.dryRun ? 'would write' : 'wrote'} ${w.path} (${formatBytes(w.bytes)})`);
    if (r.backup) lines.push(`the file it replaced is kept as backup ${r.backup.slice(0, 12)} until the next snapshot (strata creative backups --restore ${r.backup.slice(0, 12)})`);
    ctx.print(lines.join('\n'));
  },
});

export const creativeBackupsCommand = defineCommand({
  command: 'backups',
  describe: 'The files restore-element replaced (kept until the next snapshot); --restore <id> writes one back',
  group: 'persona',
  builder: (y) => y.option('restore', { type: 'string', describe: 'write this backup back over its file' }),
  schema: z.object({ restore: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { listBackups, restoreBackup } = await import('../ops/elements.js');
    if (args.restore !== undefined) {
      const r = await restoreBackup({ repo, backup: args.restore });
      if (ctx.json) return ctx.printJson(r);
      return ctx.print(r.written.map((w) => `wrote ${w}`).join('\n'));
    }
    const list = await listBackups(repo);
    if (ctx.json) return ctx.printJson(list);
    if (list.length === 0) return ctx.print('no backups');
    ctx.print(list.map((b) => `${b.id.slice(0, 12)}  ${new Date(b.time).toISOString()}  ${b.file}  (before restoring ${b.element} from ${b.from})`).join('\n'));
  },
});
