/**
 * End-to-end benchmark of strata's plumbing: `npm run bench:plumbing` (after `npx tsc -p tsconfig.json`).
 *
 *   node dist/bench/plumbing.js [--quick] [--only <case>[,<case>...]] [--keep]
 *
 * Generates its own data in a temp folder (removed at the end unless --keep), runs the built CLI as
 * child processes (what users run) and prints, on stdout, a table with every figure, its target and
 * PASS/MISS, then one JSON line with all numbers. Progress goes to stderr. A full run takes a few
 * minutes on two cores; --quick shrinks every size about 8x.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, type CaseName } from './lib/args.js';
import { runCatFileCase } from './lib/case-cat-file.js';
import { runChunkerCase } from './lib/case-chunker.js';
import { HASH_RANDOM, HASH_TEXT, runHashObjectCase } from './lib/case-hash-object.js';
import { runOthersCase } from './lib/case-others.js';
import { runWriteTreeCase } from './lib/case-write-tree.js';
import { log, type BenchContext } from './lib/context.js';
import { ProcessRunner } from './lib/proc.js';
import { Report, renderJson, renderTable } from './lib/report.js';
import { cleanupOnExit, noteLoad, parseOrExit, runCases, runContext } from './lib/session.js';

const CASES: Record<CaseName, (ctx: BenchContext) => void | Promise<void>> = {
  chunker: runChunkerCase,
  'hash-random': (ctx) => runHashObjectCase(ctx, HASH_RANDOM),
  'hash-text': (ctx) => runHashObjectCase(ctx, HASH_TEXT),
  'write-tree': runWriteTreeCase,
  'cat-file': runCatFileCase,
  others: runOthersCase,
};

async function main(): Promise<void> {
  const options = parseOrExit(() => parseBenchArgs(process.argv.slice(2)));
  const workDir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
  cleanupOnExit(workDir, options.keep);
  const runner = new ProcessRunner(workDir);
  const report = new Report();
  const ctx: BenchContext = { options, scale: options.quick ? 1 / 8 : 1, workDir, runner, report, shared: new Map() };
  log(`temp folder ${workDir}; peak RSS via ${runner.rssMethod}; cases: ${options.cases.join(', ')}${options.quick ? ' (quick)' : ''}`);
  if (options.cases.some((c) => c === 'hash-random' || c === 'hash-text')) {
    report.note('hash', 'the input file is written just before the run, so it is read from the page cache, not the disk');
  }
  const loadStart = loadavg()[0] ?? 0;
  noteLoad(report, 'at the start', loadStart);
  const start = process.hrtime.bigint();
  const failures = await runCases(ctx.options.cases, CASES, ctx, log);
  const totalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const loadEnd = loadavg()[0] ?? 0;
  if (options.keep) report.note('bench', `temp folder kept: ${workDir}`);
  process.stdout.write(`\nstrata plumbing benchmark${options.quick ? ' (--quick: sizes / 8)' : ''}, ${totalSeconds.toFixed(0)} s\n\n`);
  process.stdout.write(renderTable(report));
  const context = {
    quick: options.quick,
    ...runContext(runner.rssMethod, { totalSeconds, loadStart, loadEnd, failures }),
  };
  process.stdout.write(`${renderJson(report, context)}\n`);
  if (failures > 0) process.exitCode = 1;
}

await main();
