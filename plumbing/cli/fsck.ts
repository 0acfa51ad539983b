import { z } from 'zod';
import { EXIT } from '../errors/index.js';
import { fsck } from '../ops/fsck.js';
import { defineCommand } from './define-command.js';
import { ProgressLine } from './progress.js';

export const fsckCommand = defineCommand({
  command: 'fsck',
  describe: 'Verify the repository: refs, every tree/version/chunk list, blob headers (--full: every byte); exit 12 on damage',
  group: 'plumbing',
  builder: (y) => y.option('full', { type: 'boolean', describe: 'also inflate and hash every blob' }),
  schema: z.object({ full: z.boolean().default(false) }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const progress = new ProgressLine('fsck', !ctx.json);
    const r = await fsck({ repo, full: args.full, onProgress: (n) => progress.update(n, 0) });
    progress.done();
    if (!r.ok) ctx.setExitCode(EXIT.integrity);
    if (ctx.json) return ctx.printJson(r);
    const lines: string[] = [];
    for (const p of r.missing) lines.push(`missing ${p.id}${p.referencedBy ? ` (named by ${p.referencedBy})` : ''}`);
    for (const p of r.corrupt) lines.push(`corrupt ${p.id}: ${p.message}`);
    for (const d of r.dangling) lines.push(`dangling ${d.kind ?? 'object'} ${d.id}`);
    for (const f of r.forgottenParents) lines.push(`info: version ${f.version} has a forgotten parent ${f.parent}`);
    lines.push(
      `${r.objects} objects, ${r.reachable} reachable from ${r.refs} refs, ${r.dangling.length} dangling; ` +
        (r.ok ? 'no damage found' : `${r.missing.length} missing, ${r.corrupt.length} corrupt`),
    );
    ctx.print(lines.join('\n'));
  },
});
