/**
 * `strata git export|import`: the bridge to git repositories. Argument specs, one library call each,
 * and rendering; progress (versions or commits done) on stderr when it is a terminal.
 */
import { z } from 'zod';
import { StrataError, type Repository } from '../../plumbing/index.js';
import { defineCommand, defineCommandGroup, formatBytes, parseSize, type CliContext } from '../../plumbing/cli/index.js';
import { gitExport, type GitExportOptions } from '../ops/git-export.js';
import { gitImport } from '../ops/git-import.js';
import { shortId } from './log.js';

/** A counter on stderr, redrawn at most ten times a second, only on a terminal and without --json. */
function counter(ctx: CliContext, label: string): { update(done: number, total: number, bytes?: number): void; done(): void } {
  const enabled = !ctx.json && Boolean((process.stderr as { isTTY?: boolean }).isTTY);
  let last = 0;
  let drawn = false;
  return {
    update(done, total, bytes) {
      const now = Date.now();
      if (!enabled || (now - last < 100 && done < total)) return;
      last = now;
      drawn = true;
      process.stderr.write(`\r\x1b[K${label}: ${done}/${total}${bytes === undefined ? '' : `, ${formatBytes(bytes)} read`}`);
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

function parseIdentity(value: string | undefined): { name: string; email: string } | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*([^<>]+?)\s*<([^<>]*)>\s*$/.exec(value);
  if (!m) throw new StrataError('USAGE', `--author: "${value}" is not "Name <email>"`);
  return { name: m[1] as string, email: m[2] as string };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Up to ten items of a long list: the first five, a line saying how many are left out, the last four (--json has them all). */
function listed<T>(items: T[]): Array<T | string> {
  if (items.length <= 10) return items;
  return [...items.slice(0, 5), `  … ${items.length - 9} more (--json lists them all)`, ...items.slice(-4)];
}

/**
 * The messages of pins' annotated tags, by pin owner, from the layers above (a game milestone's type
 * and notes): the composition root passes them in, since the porcelain cannot read those layers'
 * records. A pin whose owner has none gets `pinned: <owner>/<name>` and its version's description.
 */
export type PinMessages = Record<string, (options: { repo: Repository; name: string; version: string }) => Promise<string | undefined>>;

function pinMessageFor(repo: Repository, messages: PinMessages): GitExportOptions['pinMessage'] {
  return async (pin) => messages[pin.owner]?.({ repo, name: pin.name, version: pin.version });
}

/** `strata git export`, with the tag messages of the layers above for their pins. */
export function createGitExportCommand(pinMessages: PinMessages = {}) {
  return defineCommand({
    command: 'export <git-dir>',
    describe: "Write a branch's versions into a git repository as commits (only those not exported yet), with tags and milestones",
    group: 'porcelain',
    builder: (y) =>
      y
        .positional('git-dir', { type: 'string', describe: 'the git repository (a work tree holding .git, or a bare repository)' })
        .option('branch', { type: 'string', describe: "the strata branch to export (default: HEAD's); the git branch of the same name is written" })
        .option('since', { type: 'string', describe: 'leave out this version and everything before it' })
        .option('lfs-threshold', { type: 'string', describe: 'store files larger than this (bytes, or with K, M, G) with Git LFS' })
        .option('author', { type: 'string', describe: 'who the commits are by, "Name <email>" (default: strata <strata@localhost>)' })
        .option('force', { type: 'boolean', describe: 'move git refs that changed since the last export' })
        .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by gc (default 0)' }),
    schema: z.object({
      gitDir: z.string(),
      branch: z.string().optional(),
      since: z.string().optional(),
      lfsThreshold: z.string().optional(),
      author: z.string().optional(),
      force: z.boolean().default(false),
      wait: z.number().min(0).default(0),
    }),
    run: async (args, ctx) => {
      const repo = await ctx.openRepo();
      const lfsThreshold = parseSize(args.lfsThreshold, 'lfs-threshold');
      const identity = parseIdentity(args.author);
      const progress = counter(ctx, 'git export: versions');
      const r = await gitExport({
        repo,
        gitDir: args.gitDir,
        ...(args.branch === undefined ? {} : { branch: args.branch }),
        ...(args.since === undefined ? {} : { since: args.since }),
        ...(lfsThreshold === undefined ? {} : { lfsThreshold }),
        ...(identity === undefined ? {} : { identity }),
        force: args.force,
        lockWaitMs: Math.round(args.wait * 1000),
        pinMessage: pinMessageFor(repo, pinMessages),
        onProgress: (p) => progress.update(p.versions, p.total, p.bytes),
      }).finally(() => progress.done());
      if (ctx.json) return ctx.printJson(r);
      const lines: string[] = [];
      lines.push(
        r.commits.length > 0
          ? `exported ${plural(r.commits.length, 'version')} of ${r.branch} to ${r.gitdir}: ${r.ref} -> ${shortId(r.head)}`
          : r.refUpdated
            ? `no new versions of ${r.branch}; ${r.ref} in ${r.gitdir} set to ${shortId(r.head)}`
            : `${r.ref} is up to date in ${r.gitdir} (${shortId(r.head)}): nothing new to export`,
      );
      if (r.alreadyExported > 0) lines.push(`  ${plural(r.alreadyExported, 'version')} exported before`);
      for (const c of listed(r.commits)) lines.push(typeof c === 'string' ? c : `  ${shortId(c.version)} -> commit ${shortId(c.commit)}`);
      for (const t of r.tags.filter((x) => x.status !== 'unchanged')) lines.push(`  ${t.status === 'created' ? 'new' : 'moved'} ${t.kind === 'tag' ? 'tag' : `annotated tag (${t.kind})`} ${t.ref.replace(/^refs\/tags\//, '')}`);
      if (r.lfsFiles > 0) lines.push(`  ${plural(r.lfsFiles, 'file')} stored with Git LFS`);
      if (r.emptyFolders.length > 0) lines.push(`  ${plural(r.emptyFolders.length, 'empty folder')} left out (git cannot hold empty folders): ${r.emptyFolders.slice(0, 5).join(', ')}${r.emptyFolders.length > 5 ? ', …' : ''}`);
      if (r.reservedNames.length > 0) lines.push(`  ${plural(r.reservedNames.length, 'entry', 'entries')} left out (names git reserves): ${r.reservedNames.slice(0, 5).join(', ')}`);
      if (r.objectsWritten > 0) lines.push(`  ${plural(r.objectsWritten, 'git object')} written (${formatBytes(r.bytesWritten)})`);
      if (r.headSet) lines.push(`  HEAD of ${r.gitdir} names ${r.ref} now (it named a branch that did not exist)`);
      if (r.checkedOut) lines.push(`  the work tree was checked out at ${shortId(r.head)}`);
      ctx.print(lines.join('\n'));
      if (r.worktreeProblem !== undefined) ctx.warn(`the work tree was not brought up to date (${r.worktreeProblem}); run \`git checkout -f\` there`, { code: 'WORKTREE_NOT_UPDATED' });
    },
  });
}

export const gitExportCommand = createGitExportCommand();

export const gitImportCommand = defineCommand({
  command: 'import <git-dir>',
  describe: "Turn a git repository's history into versions (only commits not imported yet), with its tags",
  group: 'porcelain',
  builder: (y) =>
    y
      .positional('git-dir', { type: 'string', describe: 'the git repository (a work tree holding .git, or a bare repository)' })
      .option('ref', { type: 'string', describe: 'the git branch, tag or commit to import (default: HEAD)' })
      .option('branch', { type: 'string', describe: "the strata branch to move to the newest version (default: HEAD's)" })
      .option('force', { type: 'boolean', describe: 'move a strata branch or tag that names versions not from this git repository' })
      .option('wait', { type: 'number', describe: 'seconds to wait for a repository lock held by gc (default 0)' }),
  schema: z.object({
    gitDir: z.string(),
    ref: z.string().optional(),
    branch: z.string().optional(),
    force: z.boolean().default(false),
    wait: z.number().min(0).default(0),
  }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const progress = counter(ctx, 'git import: commits');
    const r = await gitImport({
      repo,
      gitDir: args.gitDir,
      ...(args.ref === undefined ? {} : { ref: args.ref }),
      ...(args.branch === undefined ? {} : { branch: args.branch }),
      force: args.force,
      lockWaitMs: Math.round(args.wait * 1000),
      onProgress: (p) => progress.update(p.commits, p.total),
    }).finally(() => progress.done());
    for (const path of r.lfsMissing) ctx.warn(`${path}: its Git LFS object is not in ${r.gitdir}, so the pointer file was imported as it is`, { code: 'LFS_OBJECT_MISSING', path });
    for (const s of r.skipped) ctx.warn(`${s.path}: left out (${s.reason})`, { code: 'SKIPPED', path: s.path });
    if (ctx.json) return ctx.printJson(r);
    const lines: string[] = [];
    lines.push(
      r.versions.length === 0
        ? `${r.branch} is up to date with ${r.gitdir} (${shortId(r.commit)} is version ${shortId(r.version)}): nothing new to import`
        : `imported ${plural(r.versions.length, 'commit')} from ${r.gitdir} into ${r.branch}: ${shortId(r.commit)} -> version ${shortId(r.version)}`,
    );
    if (r.alreadyImported > 0) lines.push(`  ${plural(r.alreadyImported, 'commit')} imported or exported before`);
    for (const v of listed(r.versions)) lines.push(typeof v === 'string' ? v : `  commit ${shortId(v.commit)} -> ${shortId(v.version)}`);
    for (const t of r.tags.filter((x) => x.status !== 'unchanged')) lines.push(`  ${t.status === 'created' ? 'new' : 'moved'} tag ${t.ref.replace(/^refs\/tags\//, '')}`);
    if (r.lfsResolved > 0) lines.push(`  ${plural(r.lfsResolved, 'file')} read from Git LFS`);
    ctx.print(lines.join('\n'));
  },
});

/** `strata git export|import`; `pinMessages` as for createGitExportCommand. */
export function createGitCommand(pinMessages: PinMessages = {}) {
  return defineCommandGroup({
    name: 'git',
    describe: 'Bridge to git repositories: export versions as commits, import git history as versions',
    group: 'porcelain',
    subcommands: [createGitExportCommand(pinMessages), gitImportCommand],
  });
}

export const gitCommand = createGitCommand();
