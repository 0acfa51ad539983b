/** `strata creative workspace <capture|list|show|diff|restore>`: an application's state, kept and brought back. */
import { hostname, homedir } from 'node:os';
import type { Argv } from 'yargs';
import { z } from 'zod';
import { StrataError } from '../../../porcelain/index.js';
import { defineCommandGroup, defineCommand, formatBytes, formatTime, shortId, type StrataCommand } from '../../../porcelain/cli/index.js';
import type { WorkspaceEnv } from '../workspace/env.js';
import type { WorkspaceSummary } from '../workspace/adapter.js';

const APPS = 'blender, gimp, inkscape, krita or vscode';

/** This machine, as the adapters see it. */
async function machine(): Promise<{ env: WorkspaceEnv; host: string }> {
  const { workspaceEnvFrom } = await import('../workspace/env.js');
  return { env: workspaceEnvFrom(process.env, process.platform, homedir()), host: hostname() };
}

const adapterOption = (y: Argv): Argv => y.option('adapter', { type: 'string', describe: 'a JSON file describing the application (app, process, roots, include, exclude)' });

const captureCommand = defineCommand({
  command: 'capture [app]',
  describe: `Capture an application's preferences, layouts, shortcuts and recent files (${APPS}, or --adapter <file.json>)`,
  group: 'persona',
  builder: (y) =>
    adapterOption(y.positional('app', { type: 'string', describe: APPS }).option('name', { type: 'string', describe: 'a name for the capture' })),
  schema: z.object({ app: z.string().optional(), name: z.string().min(1).optional(), adapter: z.string().optional() }),
  run: async (args, ctx) => {
    if (args.app === undefined && args.adapter === undefined) throw new StrataError('USAGE', `name the application to capture (${APPS}), or give --adapter <file.json>`);
    const repo = await ctx.openRepo();
    const { captureWorkspace } = await import('../ops/workspace.js');
    const r = await captureWorkspace({ repo, ...(await machine()), ...(args.app === undefined ? {} : { app: args.app }), ...(args.name === undefined ? {} : { name: args.name }), ...(args.adapter === undefined ? {} : { adapterFile: args.adapter }) });
    for (const s of r.skipped) ctx.warn(`left out ${s.path}: ${s.reason}`, { path: s.path });
    if (ctx.json) return ctx.printJson(r);
    const from = r.roots.filter((x) => x.files > 0).map((x) => x.dir);
    ctx.print(`captured ${r.capture.app} workspace ${shortId(r.capture.id)}${r.capture.name ? ` (${r.capture.name})` : ''}: ${r.files} file${r.files === 1 ? '' : 's'}, ${formatBytes(r.bytes)} from ${from.join(', ')}`);
  },
});

const listCommand = defineCommand({
  command: 'list [app]',
  describe: 'List workspace captures, newest first (of every application, or one)',
  group: 'persona',
  builder: (y) => y.positional('app', { type: 'string', describe: 'only this application' }),
  schema: z.object({ app: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { listWorkspaces } = await import('../ops/workspace.js');
    const r = await listWorkspaces({ repo, ...(args.app === undefined ? {} : { app: args.app }) });
    if (ctx.json) return ctx.printJson(r);
    if (r.captures.length === 0) return ctx.print(args.app === undefined ? 'no workspace captures yet' : `no ${args.app} workspace captures yet`);
    const appWidth = Math.max(...r.captures.map((c) => c.app.length));
    const nameWidth = Math.max(4, ...r.captures.map((c) => c.name.length));
    ctx.print(
      r.captures
        .map((c) => `${shortId(c.id)}  ${formatTime(c.time)}  ${c.app.padEnd(appWidth)}  ${(c.name || '-').padEnd(nameWidth)}  ${String(c.files).padStart(4)} files ${formatBytes(c.bytes).padStart(10)}  ${c.host} (${c.platform})`)
        .join('\n'),
    );
  },
});

/** A list's first items and how many more. */
function listLines(name: string, items: readonly string[], max: number): string[] {
  if (items.length === 0) return [`${name}: none`];
  const shown = items.slice(0, max).map((i) => `  ${i}`);
  if (items.length > max) shown.push(`  … ${items.length - max} more`);
  return [`${name} (${items.length}):`, ...shown];
}

function summaryLines(s: WorkspaceSummary, max: number): string[] {
  const out: string[] = [];
  for (const [label, value] of Object.entries(s.facts)) out.push(`${label}: ${value}`);
  for (const [name, items] of Object.entries(s.lists)) out.push(...listLines(name, items, max));
  const groups = Object.entries(s.settings);
  if (groups.length > 0) {
    out.push('settings:');
    for (const [group, values] of groups) out.push(`  ${group}: ${Object.keys(values).length} setting${Object.keys(values).length === 1 ? '' : 's'}`);
  }
  return out;
}

const showCommand = defineCommand({
  command: 'show <id>',
  describe: 'Summarise a capture: recent files, windows and workspaces, shortcuts, settings (an id, a name, or an app for its newest)',
  group: 'persona',
  builder: (y) =>
    adapterOption(
      y
        .positional('id', { type: 'string', describe: 'a capture id (or prefix), its name, or an application (its newest capture)' })
        .option('files', { type: 'boolean', describe: 'also list every captured file' })
        .option('settings', { type: 'boolean', describe: 'also print every setting the adapter reads' })
        .option('max', { type: 'number', describe: 'items shown per list (default 10)' }),
    ),
  schema: z.object({ id: z.string(), files: z.boolean().default(false), settings: z.boolean().default(false), max: z.number().int().min(1).default(10), adapter: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { showWorkspace } = await import('../ops/workspace.js');
    const r = await showWorkspace({ repo, capture: args.id, ...(args.adapter === undefined ? {} : { adapterFile: args.adapter }) });
    for (const p of r.summary.problems) ctx.warn(`${p.path}: ${p.message}`, { path: p.path });
    if (ctx.json) return ctx.printJson(r);
    const c = r.capture;
    const lines = [
      `${c.app} workspace ${shortId(c.id)}${c.name ? ` (${c.name})` : ''}, captured ${formatTime(c.time)} on ${c.host} (${c.platform})${c.restoring ? `, before restoring ${shortId(c.restoring)}` : ''}`,
      `${r.files.length} file${r.files.length === 1 ? '' : 's'}, ${formatBytes(r.bytes)}, from ${Object.entries(c.roots).map(([k, v]) => `${k} = ${v}`).join(', ')}`,
      ...summaryLines(r.summary, args.max),
    ];
    if (args.settings) for (const [group, values] of Object.entries(r.summary.settings)) for (const [k, v] of Object.entries(values)) lines.push(`${group}  ${k} = ${v}`);
    if (args.files) lines.push('files:', ...r.files.map((f) => `  ${formatBytes(f.size).padStart(10)}  ${f.path}`));
    ctx.print(lines.join('\n'));
  },
});

const diffCommand = defineCommand({
  command: 'diff <a> <b>',
  describe: 'Compare two captures of one application: files, and settings key by key, recent files, workspaces and windows added or removed',
  group: 'persona',
  builder: (y) =>
    adapterOption(y.positional('a', { type: 'string', describe: 'the earlier capture' }).positional('b', { type: 'string', describe: 'the later capture' })),
  schema: z.object({ a: z.string(), b: z.string(), adapter: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { diffWorkspaces } = await import('../ops/workspace.js');
    const r = await diffWorkspaces({ repo, a: args.a, b: args.b, ...(args.adapter === undefined ? {} : { adapterFile: args.adapter }) });
    for (const p of r.problems) ctx.warn(`${p.path}: ${p.message}`, { path: p.path });
    if (ctx.json) return ctx.printJson(r);
    const lines = [`${r.app} workspace ${shortId(r.a.id)} -> ${shortId(r.b.id)}`];
    const f = r.files;
    if (f.added.length + f.removed.length + f.changed.length === 0) {
      lines.push(`no differences (${f.unchanged} files identical)`);
      return ctx.print(lines.join('\n'));
    }
    lines.push(`files: ${f.changed.length} changed, ${f.added.length} added, ${f.removed.length} removed, ${f.unchanged} unchanged`);
    for (const p of f.added) lines.push(`  A ${p}`);
    for (const p of f.removed) lines.push(`  D ${p}`);
    for (const p of f.changed) lines.push(`  M ${p}`);
    for (const fact of r.facts) lines.push(`${fact.label}: ${fact.before ?? '(none)'} -> ${fact.after ?? '(none)'}`);
    for (const l of r.lists) {
      lines.push(`${l.list}:`);
      for (const i of l.added) lines.push(`  + ${i}`);
      for (const i of l.removed) lines.push(`  - ${i}`);
    }
    if (r.settings.length > 0) lines.push(`settings (${r.settings.length}):`);
    for (const s of r.settings) {
      if (s.change === 'added') lines.push(`  + ${s.group}  ${s.key} = ${s.after}`);
      else if (s.change === 'removed') lines.push(`  - ${s.group}  ${s.key} (was ${s.before})`);
      else lines.push(`  ~ ${s.group}  ${s.key}: ${s.before} -> ${s.after}`);
    }
    ctx.print(lines.join('\n'));
  },
});

const restoreCommand = defineCommand({
  command: 'restore <id>',
  describe: "Write a capture back to this machine's folders for its application (saves what it overwrites as a capture named before-restore first)",
  group: 'persona',
  builder: (y) =>
    adapterOption(
      y
        .positional('id', { type: 'string', describe: 'a capture id (or prefix), its name, or an application (its newest capture)' })
        .option('dry-run', { alias: 'n', type: 'boolean', describe: 'show what would be written; write nothing' })
        .option('force', { type: 'boolean', describe: 'restore even while the application is running' })
        .option('prune', { type: 'boolean', describe: 'also delete files here that the capture does not have (undo a restore exactly)' }),
    ),
  schema: z.object({ id: z.string(), dryRun: z.boolean().default(false), force: z.boolean().default(false), prune: z.boolean().default(false), adapter: z.string().optional() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const { restoreWorkspace } = await import('../ops/workspace.js');
    const { systemProcessLister } = await import('../workspace/processes.js');
    const r = await restoreWorkspace({
      repo,
      ...(await machine()),
      processes: systemProcessLister(),
      capture: args.id,
      dryRun: args.dryRun,
      force: args.force,
      prune: args.prune,
      ...(args.adapter === undefined ? {} : { adapterFile: args.adapter }),
    });
    if (r.running.length > 0) ctx.warn(`${r.app} is running (${r.running.join(', ')})${r.dryRun ? ': a real restore would refuse without --force' : ''}`, { processes: r.running });
    for (const n of r.notRestored) ctx.warn(`not restored ${n.path}: ${n.reason}`, { path: n.path });
    if (ctx.json) return ctx.printJson(r);
    const verb = (a: string): string => (r.dryRun ? `would ${a}` : a);
    const lines = r.actions.filter((a) => a.action !== 'unchanged').map((a) => `${verb(a.action).padEnd(r.dryRun ? 13 : 7)}  ${a.target}`);
    const unchanged = r.actions.filter((a) => a.action === 'unchanged').length;
    const changes = r.actions.length - unchanged;
    if (r.dryRun) lines.push(`dry run: ${changes} file${changes === 1 ? '' : 's'} would change, ${unchanged} already as captured; nothing written`);
    else if (r.backup === undefined) lines.push(`nothing to restore: all ${unchanged} files already as captured`);
    else lines.push(`restored ${r.app} workspace ${shortId(r.capture.id)}: ${r.written} written, ${r.deleted} deleted, ${unchanged} already as captured; what was here before is capture ${shortId(r.backup.id)} (before-restore)`);
    ctx.print(lines.join('\n'));
  },
});

export const workspaceSubcommands: StrataCommand[] = [captureCommand, listCommand, showCommand, diffCommand, restoreCommand];

export const creativeWorkspaceCommand = defineCommandGroup({ name: 'workspace', parent: 'strata creative', describe: 'Capture, compare and restore the state of Blender, GIMP, Inkscape, Krita, VS Code or any application an adapter file describes', group: 'persona', subcommands: workspaceSubcommands });
