import { resolve } from 'node:path';
import { z } from 'zod';
import { StrataError } from '../../../porcelain/index.js';
import { defineCommand, formatTime, shortId, sourceFolder } from '../../../porcelain/cli/index.js';
import type { RefEdge } from '../refs/graph.js';
import { countProgress } from './count-progress.js';

/** Lines shown of a long list in human output (all of them with --json). */
const SHOWN = 50;

function edgeLine(e: RefEdge): string {
  const at = e.line === undefined ? e.from : `${e.from}:${e.line}`;
  const why = e.unresolved === 'unknown-guid' ? ' (no .meta declares this GUID)' : e.unresolved === 'unknown-uid' ? ' (no .import/.uid declares this uid)' : e.to !== undefined && e.to !== e.target ? ` (${e.to})` : '';
  return `  ${at} -> ${e.target}${why}  [${e.kind}]`;
}

function capped(lines: string[]): string[] {
  return lines.length > SHOWN ? [...lines.slice(0, SHOWN), `  … and ${lines.length - SHOWN} more (--json lists all)`] : lines;
}

export const creativeRefsCommand = defineCommand({
  command: 'refs [revision]',
  describe: 'The reference graph of a project (OBJ/MTL, glTF, SVG, HTML/CSS, Godot, Unity): broken references, orphans, who uses an asset, its history',
  group: 'persona',
  builder: (y) =>
    y
      .positional('revision', { type: 'string', describe: 'a version, or <version>:<folder> (default: the working folder)' })
      .option('source', { type: 'string', describe: "the working folder (default: the project holding the repository's .strata)" })
      .option('who-uses', { type: 'string', describe: 'list the files that use this asset, directly or through others' })
      .option('deps', { type: 'string', describe: 'list what this file references, directly or through others' })
      .option('broken', { type: 'boolean', describe: 'list only the broken references' })
      .option('orphans', { type: 'boolean', describe: 'list only the assets nothing references' })
      .option('list', { type: 'boolean', describe: 'list every reference' })
      .option('history', { type: 'string', describe: 'when references to or from this asset appeared, changed, broke or were fixed, per version of the branch' })
      .option('branch', { type: 'string', describe: 'the branch --history walks (default: the current one)' })
      .option('limit', { type: 'number', describe: '--history: only the newest N versions' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by gc (default 10)' }),
  schema: z.object({
    revision: z.string().optional(),
    source: z.string().optional(),
    whoUses: z.string().optional(),
    deps: z.string().optional(),
    broken: z.boolean().default(false),
    orphans: z.boolean().default(false),
    list: z.boolean().default(false),
    history: z.string().optional(),
    branch: z.string().optional(),
    limit: z.number().int().min(1).optional(),
    wait: z.number().min(0).default(10),
  }),
  run: async (args, ctx) => {
    const lockWaitMs = Math.round(args.wait * 1000);
    if (args.history !== undefined) {
      if (args.revision !== undefined || args.source !== undefined) throw new StrataError('USAGE', '--history walks the versions of a branch: give --branch, not a version or a folder');
      const repo = await ctx.openRepo();
      const { refsHistory } = await import('../ops/refs-history.js');
      const progress = countProgress('versions', ctx.json);
      const r = await refsHistory({ repo, asset: args.history, branch: args.branch, limit: args.limit, lockWaitMs, onProgress: (d, t) => progress.update(d, t) }).finally(() => progress.done());
      if (ctx.json) return ctx.printJson(r);
      const out: string[] = [`${r.asset}: ${r.versions} version${r.versions === 1 ? '' : 's'} of ${r.branch ?? 'the branch'} (${r.storedGraphs} graph${r.storedGraphs === 1 ? '' : 's'} stored before, ${r.computedGraphs} computed now)`];
      for (const p of r.points) {
        if (p.events.length === 0) continue;
        out.push(`${shortId(p.version)}  ${formatTime(p.time)}  ${p.name}`);
        for (const e of p.events) {
          if (e.direction === 'asset') {
            out.push(`  ${e.change.replace('asset-', 'asset ')}: ${e.change === 'asset-moved' ? `${e.from} -> ${e.to}` : e.from}`);
            continue;
          }
          const at = e.line === undefined ? e.from : `${e.from}:${e.line}`;
          const target = e.previousTarget !== undefined ? `${e.previousTarget} -> ${e.target}` : e.target;
          out.push(`  ${e.change}${e.broken && e.change !== 'broke' ? ' (broken)' : ''}: ${at} ${e.direction === 'out' ? 'uses' : '->'} ${target}  [${e.kind}]`);
        }
      }
      if (out.length === 1) out.push('  no reference to or from it in any version');
      return ctx.print(out.join('\n'));
    }

    const repo = args.revision !== undefined || args.source === undefined ? await ctx.openRepo() : await ctx.openRepoIfAny();
    const { refs } = await import('../ops/refs.js');
    const progress = countProgress('reading', ctx.json);
    const r = await refs({
      repo,
      ...(args.revision !== undefined ? { version: args.revision } : { source: resolve(sourceFolder(repo as NonNullable<typeof repo>, args.source, 'read references from')) }),
      whoUses: args.whoUses,
      deps: args.deps,
      edges: args.list,
      lockWaitMs,
      onProgress: (d, t) => progress.update(d, t),
    }).finally(() => progress.done());
    for (const s of r.skipped) ctx.warn(s.message, { code: s.code, path: s.path });
    if (r.skipped.some((s) => s.code !== 'FILE_TOO_LARGE')) ctx.setExitCode(3);
    if (ctx.json) {
      const { broken, orphans } = args;
      if (broken || orphans) return ctx.printJson({ ...(broken ? { broken: r.broken } : {}), ...(orphans ? { orphans: r.orphans } : {}) });
      return ctx.printJson(r);
    }
    const where = r.version ? (r.version.path === '' ? r.version.revision : `${r.version.revision}`) : (r.folder as string);
    const out: string[] = [];
    if (r.whoUses) {
      out.push(`${r.whoUses.asset}${r.whoUses.exists ? '' : ' (missing)'} is used by ${r.whoUses.users.length} file${r.whoUses.users.length === 1 ? '' : 's'}`);
      out.push(...capped(r.whoUses.users.map((u) => `  ${u.path}${u.via === undefined ? '' : `  (through ${u.via})`}${(u as { cycle?: boolean }).cycle ? '  (a cycle leads back to it)' : ''}`)));
    }
    if (r.deps) {
      out.push(`${r.deps.file} depends on ${r.deps.dependencies.length} file${r.deps.dependencies.length === 1 ? '' : 's'}`);
      out.push(...capped(r.deps.dependencies.map((d) => `  ${d.path}${d.missing ? '  (missing)' : ''}${d.via === undefined ? '' : `  (through ${d.via})`}`)));
    }
    const only = args.broken || args.orphans;
    if (!r.whoUses && !r.deps && !only) {
      const origin = r.origin === 'stored' ? ', graph stored before' : r.origin === 'computed' ? `, graph computed and stored (${r.readNow} read, ${r.reused} reused)` : '';
      out.push(
        `${where}: ${r.files} files, ${r.read} read for references${origin}; ${r.references} references: ${r.broken.length} broken, ${r.orphans.length} orphan${r.orphans.length === 1 ? '' : 's'}, ${r.cycles.length} cycle${r.cycles.length === 1 ? '' : 's'}, ${r.external.length} external`,
      );
    }
    if (args.broken || (!only && !r.whoUses && !r.deps && r.broken.length > 0)) {
      if (args.broken && r.broken.length === 0) out.push('no broken references');
      else out.push(`broken (${r.broken.length}):`, ...capped(r.broken.map(edgeLine)));
    }
    if (args.orphans) {
      if (r.orphans.length === 0) out.push('no orphans');
      else out.push(`orphans (${r.orphans.length}):`, ...capped(r.orphans.map((o) => `  ${o}`)));
    }
    if (!only && !r.whoUses && !r.deps && r.cycles.length > 0) {
      const group = (c: string[]): string => (c.length === 1 ? `  ${c[0]} references itself` : `  ${c.length} files reference each other: ${c.slice(0, 4).join(', ')}${c.length > 4 ? ', …' : ''}`);
      out.push(`cycles (${r.cycles.length}):`, ...capped(r.cycles.map(group)));
    }
    if (args.list && r.edges) out.push(`references (${r.edges.length}):`, ...r.edges.map(edgeLine));
    ctx.print(out.join('\n'));
  },
});
