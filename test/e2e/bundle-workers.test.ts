/**
 * The built CLI starts its worker threads from `new URL('./<worker>.js', import.meta.url)`, resolved
 * against whichever bundle file holds that code (the entry file or a chunk). A worker file missing
 * there silently turns the worker pools off (everything then runs on one thread: the first snapshot of
 * the porcelain benchmark took 13.6 s instead of 10.1 s), so every such reference must name a file
 * that exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = resolve('dist/bin');

function bundleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bundleFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

describe('the CLI bundle', () => {
  it('has every worker file it starts next to the code that starts it', () => {
    const refs: Array<{ from: string; target: string }> = [];
    for (const file of bundleFiles(BIN)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/new URL\(\s*["'](\.\/[^"']+\.js)["']\s*,\s*import\.meta\.url\s*\)/g)) {
        refs.push({ from: file, target: join(dirname(file), m[1] as string) });
      }
    }
    const workers = refs.filter((r) => /worker\.js$/.test(r.target));
    expect(workers.map((r) => r.target.replace(/.*\//, '')).sort()).toEqual(expect.arrayContaining(['file-writer-worker.js', 'object-reader-worker.js', 'object-worker.js']));
    expect(refs.filter((r) => !existsSync(r.target)).map((r) => `${r.from} -> ${r.target}`)).toEqual([]);
  });
});
