import { z } from 'zod';
import { defineCommand } from '../../plumbing/cli/index.js';
import { catPath } from '../ops/cat.js';

/** Writes to stdout, waiting while its buffer is full (bounded memory for any file size). */
function writeOut(data: Buffer | string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(data)) resolve();
    else process.stdout.once('drain', resolve);
  });
}

export const catCommand = defineCommand({
  command: 'cat <source>',
  describe: "Write one file of a version to stdout (<version>:<path>); a symlink's content is its target",
  group: 'porcelain',
  builder: (y) => y.positional('source', { type: 'string', describe: '<version>:<path>, e.g. main:src/app.ts or main~2:notes.txt' }),
  schema: z.object({ source: z.string() }),
  run: async (args, ctx) => {
    const repo = await ctx.openRepo();
    if (!ctx.json) {
      await catPath({ repo, spec: args.source, write: writeOut });
      return;
    }
    // One JSON object, streamed: the content in base64 first (3-byte groups), the metadata after it.
    let carry = Buffer.alloc(0);
    let started = false;
    const r = await catPath({
      repo,
      spec: args.source,
      write: async (block) => {
        const data = carry.length > 0 ? Buffer.concat([carry, block]) : block;
        const whole = data.length - (data.length % 3);
        carry = Buffer.from(data.subarray(whole));
        const text = data.subarray(0, whole).toString('base64');
        await writeOut(started ? text : `{"content":"${text}`);
        started = true;
      },
    });
    const rest = JSON.stringify({ id: r.id, size: r.size, type: r.type, path: r.path, version: r.version, ...(r.mode === undefined ? {} : { mode: r.mode }), mtime: r.mtime });
    await writeOut(`${started ? '' : '{"content":"'}${carry.toString('base64')}",${rest.slice(1)}\n`);
  },
});
