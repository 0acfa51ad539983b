import { z } from 'zod';
import { OBJECT_KINDS } from '../../plumbing/index.js';
import { defineCommand, formatBytes } from '../../plumbing/cli/index.js';
import { stats } from '../ops/stats.js';

/** Extensions shown in the human output (all of them with --json). */
const TOP_EXTENSIONS = 15;

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const times = (r: number) => `${r.toFixed(2)}x`;

export const statsCommand = defineCommand({
  command: 'stats [rev]',
  describe: 'Storage statistics: logical and stored bytes, deduplication, compression, file types, growth per version',
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('rev', { type: 'string', describe: 'one version (any revision: main, a tag, an id prefix; default: every version)' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by another command (default 0)' }),
  schema: z.object({ rev: z.string().optional(), wait: z.number().min(0).default(0) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const r = await stats({ repo, ...(args.rev === undefined ? {} : { version: args.rev }), lockWaitMs: Math.round(args.wait * 1000) });
    if (ctx.json) return ctx.printJson(r);
    const lines: string[] = [];
    const scope = r.version === undefined ? `${r.versions} versions` : `version ${r.version.slice(0, 12)}`;
    lines.push(`${scope}: ${r.files} files, ${formatBytes(r.logicalBytes)} logical`);
    lines.push(
      `stored: ${formatBytes(r.storedBytes)} on disk for ${formatBytes(r.uniqueContentBytes)} of unique content ` +
        `(${formatBytes(r.uncompressedBytes)} uncompressed with trees and versions)`,
    );
    lines.push(`deduplication ${times(r.deduplicationRatio)} (logical / unique content), compression ${times(r.compressionRatio)} (uncompressed / stored)`);
    lines.push('', `${'kind'.padEnd(8)} ${'objects'.padStart(9)} ${'stored'.padStart(11)} ${'uncompressed'.padStart(13)}`);
    for (const k of OBJECT_KINDS) {
      const c = r.objects[k];
      lines.push(`${k.padEnd(8)} ${String(c.count).padStart(9)} ${formatBytes(c.storedBytes).padStart(11)} ${formatBytes(c.uncompressedBytes).padStart(13)}`);
    }
    if (r.extensions.length > 0) {
      const w = Math.max(9, ...r.extensions.slice(0, TOP_EXTENSIONS).map((e) => e.extension.length));
      lines.push('', `${'extension'.padEnd(w)} ${'files'.padStart(8)} ${'logical'.padStart(11)} ${'unique'.padStart(11)} ${'stored'.padStart(11)}`);
      for (const e of r.extensions.slice(0, TOP_EXTENSIONS)) {
        lines.push(
          `${e.extension.padEnd(w)} ${String(e.files).padStart(8)} ${formatBytes(e.logicalBytes).padStart(11)} ${formatBytes(e.uniqueBytes).padStart(11)} ${formatBytes(e.storedBytes).padStart(11)}`,
        );
      }
      if (r.extensions.length > TOP_EXTENSIONS) lines.push(`… ${r.extensions.length - TOP_EXTENSIONS} more extensions (--json lists all)`);
    }
    if (r.growth.length > 0) {
      lines.push('', 'growth per version, oldest first:');
      for (const g of r.growth) {
        lines.push(
          `${g.id.slice(0, 12)}  ${when(g.time)}  ${String(g.files).padStart(7)} files ${formatBytes(g.logicalBytes).padStart(10)}  ` +
            `+${formatBytes(g.newStoredBytes)} in ${g.newObjects} new objects${g.name ? `  ${g.name}` : ''}`,
        );
      }
    }
    const other = r.repository.otherObjects > 0 ? `; ${r.repository.otherObjects} objects (${formatBytes(r.repository.otherStoredBytes)}) belong to no version counted here` : '';
    lines.push('', `repository: ${r.repository.objects} objects, ${formatBytes(r.repository.storedBytes)}${other}`);
    ctx.print(lines.join('\n'));
  },
});
