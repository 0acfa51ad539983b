import { z } from 'zod';
import { StrataError } from '../errors/index.js';
import { catFile, catFileBatch, type BatchItem } from '../ops/cat-file.js';
import { decodeTree, entryDisplayName } from '../format/tree.js';
import { decodeVersion } from '../format/version.js';
import { decodeChunkList } from '../format/chunk-list.js';
import { BlockOutput } from './block-output.js';
import { defineCommand } from './define-command.js';
import { stdinLineGroups, type CliContext } from './runtime.js';
import { formatTreeLine } from './tree-lines.js';

function prettyBody(kind: string, body: Buffer): string | Buffer {
  switch (kind) {
    case 'tree':
      return decodeTree(body)
        .entries.map((e) => formatTreeLine({ path: entryDisplayName(e), type: e.type, id: e.id, size: e.size, mode: e.mode, mtime: e.mtime }, false))
        .join('\n');
    case 'version': {
      const v = decodeVersion(body);
      const lines = [`tree ${v.tree}`, ...v.parents.map((p) => `parent ${p}`), `time ${new Date(v.time).toISOString()} (${v.time})`];
      if (v.name) lines.push(`name ${v.name}`);
      if (v.tags.length) lines.push(`tags ${v.tags.join(', ')}`);
      if (v.milestone) lines.push('milestone');
      for (const [k, val] of Object.entries(v.meta)) lines.push(`meta ${k}=${val}`);
      if (v.description) lines.push('', v.description);
      return lines.join('\n');
    }
    case 'chunks': {
      const c = decodeChunkList(body);
      return [...c.chunks.map((ch) => `${ch.id} ${ch.size}`), `total ${c.size} bytes in ${c.chunks.length} chunks`].join('\n');
    }
    default:
      return body;
  }
}

async function runBatch(ctx: CliContext, check: boolean): Promise<void> {
  const repo = await ctx.openRepo();
  const out = new BlockOutput(process.stdout);
  await catFileBatch({
    repo,
    requests: stdinLineGroups(),
    check,
    emit: (item: BatchItem) => {
      if (ctx.json) {
        const json: Record<string, unknown> = { request: item.request };
        if (item.error) Object.assign(json, { error: item.error, message: item.message });
        else Object.assign(json, { id: item.id, kind: item.kind, size: item.size });
        if (item.body) json.content = item.body.toString('base64');
        return out.text(`${JSON.stringify(json)}\n`);
      }
      if (item.error) return out.text(`${item.request} ${item.error}\n`);
      if (check || !item.body) return out.text(`${item.id} ${item.kind} ${item.size}\n`);
      const waits = [out.text(`${item.id} ${item.kind} ${item.size}\n`), out.bytes(item.body), out.text('\n')];
      return waits.find((w) => w !== undefined);
    },
  });
  await out.end();
}

export const catFileCommand = defineCommand({
  command: 'cat-file [object]',
  describe: 'Show an object: -t kind, -s size, -p pretty, --raw body; --batch / --batch-check read names from stdin',
  group: 'plumbing',
  builder: (y) =>
    y
      .positional('object', { type: 'string', describe: 'an id, prefix, ref or rev:path' })
      .option('t', { type: 'boolean', describe: 'print the kind' })
      .option('s', { type: 'boolean', describe: 'print the body size in bytes' })
      .option('p', { type: 'boolean', describe: 'pretty-print the object' })
      .option('raw', { type: 'boolean', describe: 'write the body bytes exactly' })
      .option('batch', { type: 'boolean', describe: 'for each name on stdin: "<id> <kind> <size>", the body, a newline' })
      .option('batch-check', { type: 'boolean', describe: 'for each name on stdin: "<id> <kind> <size>"' }),
  schema: z.object({
    object: z.string().optional(),
    t: z.boolean().optional(),
    s: z.boolean().optional(),
    p: z.boolean().optional(),
    raw: z.boolean().optional(),
    batch: z.boolean().optional(),
    batchCheck: z.boolean().optional(),
  }),
  run: async (args, ctx) => {
    const modes = [args.t, args.s, args.p, args.raw, args.batch, args.batchCheck].filter(Boolean).length;
    if (modes !== 1) throw new StrataError('USAGE', 'cat-file needs exactly one of -t, -s, -p, --raw, --batch, --batch-check');
    if (args.batch || args.batchCheck) {
      if (args.object) throw new StrataError('USAGE', 'cat-file --batch reads names from stdin; give no object argument');
      return runBatch(ctx, Boolean(args.batchCheck));
    }
    if (!args.object) throw new StrataError('USAGE', 'cat-file needs an object');
    const repo = await ctx.openRepo();
    const r = await catFile({ repo, object: args.object });
    if (ctx.json) {
      const json: Record<string, unknown> = { id: r.id, kind: r.kind, size: r.size };
      if (args.p || args.raw) json.body = r.kind === 'blob' ? r.body.toString('base64') : r.parsed;
      return ctx.printJson(json);
    }
    if (args.t) return ctx.print(r.kind);
    if (args.s) return ctx.print(String(r.size));
    if (args.raw) {
      process.stdout.write(r.body);
      return;
    }
    const pretty = prettyBody(r.kind, r.body);
    if (typeof pretty === 'string') ctx.print(pretty);
    else process.stdout.write(pretty);
  },
});
