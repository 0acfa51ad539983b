import { z } from 'zod';
import { EXIT } from '../errors/index.js';
import { writeTree } from '../ops/write-tree.js';
import { defineCommand } from './define-command.js';
import { ProgressLine } from './progress.js';

export const writeTreeCommand = defineCommand({
  command: 'write-tree <dir>',
  describe: 'Store a folder (files, symlinks, empty folders, modes, mtimes) and print its tree id',
  group: 'plumbing',
  builder: (y) => y.positional('dir', { type: 'string', describe: 'the folder to store' }),
  schema: z.object({ dir: z.string() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    const progress = new ProgressLine('write-tree', !ctx.json);
    const result = await writeTree({
      repo,
      dir: args.dir,
      onProgress: (p) => progress.update(p.files, p.bytes),
      onWarning: (w) => {
        progress.done();
        ctx.warn(w.message, { code: w.code, path: w.path });
      },
    });
    progress.done();
    if (result.warnings.some((w) => w.code !== 'SPECIAL_FILE')) ctx.setExitCode(EXIT.partial);
    // reusedFiles is always 0 here (write-tree reads every file): the stable output leaves it out.
    const { reusedFiles: _reused, ...json } = result;
    if (ctx.json) return ctx.printJson(json);
    ctx.print(result.id);
  },
});
