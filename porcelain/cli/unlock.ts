import { z } from 'zod';
import { defineCommand } from '../../plumbing/cli/index.js';
import { listLocks, unlock, type LockEntry } from '../ops/unlock.js';

function describe(lock: LockEntry): string {
  const state = lock.stale ? 'stale' : lock.kind === 'unknown' ? 'unreadable' : 'live';
  const what =
    lock.scope === 'ref' ? 'ref lock' : lock.kind === 'unknown' ? (lock.stale ? 'unreadable lock' : 'lock') : `${lock.kind} lock${lock.command ? ` of ${lock.command}` : ''}`;
  const holder = lock.pid === undefined ? '' : ` (process ${lock.pid} on ${lock.host ?? '?'}${lock.time === undefined ? '' : `, since ${new Date(lock.time).toISOString()}`})`;
  return `${state} ${what}${holder}: ${lock.path}`;
}

export const unlockCommand = defineCommand({
  command: 'unlock',
  describe: 'Remove locks left by processes that are gone (--all: every lock); --list shows them',
  group: 'porcelain',
  builder: (y) =>
    y
      .option('all', { type: 'boolean', describe: 'remove every lock, also live-looking ones (for a holder on another machine known to be gone)' })
      .option('list', { type: 'boolean', describe: 'list the locks and who holds them; remove nothing' })
      .option('dry-run', { alias: 'n', type: 'boolean', describe: 'say what would be removed' }),
  schema: z.object({ all: z.boolean().default(false), list: z.boolean().default(false), dryRun: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    if (args.list) {
      const locks = listLocks({ repo });
      if (ctx.json) return ctx.printJson({ locks });
      return ctx.print(locks.length === 0 ? 'no locks' : locks.map(describe).join('\n'));
    }
    const r = unlock({ repo, all: args.all, dryRun: args.dryRun });
    if (ctx.json) return ctx.printJson(r);
    const verb = r.dryRun ? 'would remove' : 'removed';
    const lines = r.removed.map((l) => `${verb} ${describe(l)}`);
    if (r.removed.length === 0) lines.push(args.all ? 'no locks to remove' : 'no stale locks to remove');
    for (const l of r.remaining) lines.push(`left ${describe(l)}`);
    if (r.remaining.length > 0 && !args.all) lines.push('a lock whose holder is known to be gone (on another machine) can be removed with --all');
    ctx.print(lines.join('\n'));
  },
});
