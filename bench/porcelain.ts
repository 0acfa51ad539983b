/**
 * End-to-end benchmark of strata's everyday commands against git, restic and borg on the same data,
 * in the same run: `npm run bench:porcelain` (after `npx tsc -p tsconfig.json`).
 *
 *   node dist/bench/porcelain.js [--scale <f> | --quick] [--only <case>,...] [--tools <tool>,...] [--keep]
 *
 * Data: a deterministic data set (seed 20251) of ~1 GiB at `--scale 1`: 20,000 text-like source files
 * of 1-20 KiB twenty to a folder, 200 incompressible media files of 100 KiB-2 MiB, and four binaries of
 * 100-200 MiB (two incompressible, one of them exactly 200 MiB; two compressible-ish). The edits:
 * 1% of the source files changed, 8 MiB appended to one binary, 100 bytes inserted at the start of
 * another, a folder renamed. `--scale f` multiplies the counts of source and media files, the binaries'
 * sizes and the appended bytes by f; a source or media file keeps its size range. It needs about ten
 * times the data set's size in free space in the temp folder (every tool's repository and full restore).
 *
 * Cases (`--only`): first-snapshot, unchanged-snapshot, edited-snapshot, restore-full, restore-small,
 * restore-large. Each runs with strata, then git, restic and borg (those installed; `--tools` picks).
 * Output: the table of figures on stdout, the ratios strata / peer, the targets with PASS/MISS (at
 * `--scale 1` only, and only when the peer ran; otherwise n/a), the notes, and one JSON line.
 *
 * What is timed, and how it is kept fair (the page cache cannot be dropped here):
 * - Every tool reads the same data folder, which this script has just written: it is in the page cache
 *   for all of them alike, so the snapshots get no warm-up (a first snapshot cannot be repeated anyway).
 *   Every repository is in the page cache too when it is read back (restores), since it was just written.
 * - `sync` runs before every timed command, so the writeback of what the previous command wrote does
 *   not compete with the next one. Nothing is deleted until the end of the run: on ext4, creating
 *   thousands of files right after deleting thousands costs seconds (see bench/lib/case-write-tree.ts).
 * - Snapshots start at least 2.5 s after the last write to the data folder (strata does not trust file
 *   metadata within 2 s of a scan, git re-hashes files as new as its index): the steady state of a
 *   backup taken some time after the edits.
 * - The nothing-changed snapshot runs 3 times per tool and the fastest counts; one small file is
 *   restored once untimed (a warm-up: the tool's binary and the repository's index or pack metadata) and
 *   then 3 times, the fastest counting; the large file twice, the fastest counting. Every tool gets the
 *   same treatment. Full restores and the edited snapshot run once per tool.
 * - Timed: the tool's process alone, from spawn to exit (`init` is untimed). Wall time, CPU time and
 *   peak RSS come from GNU time (bench/lib/proc.ts). Each restore goes into a new folder and is checked
 *   (file count, bytes, and a sample compared byte for byte; single files in full) outside the timing.
 * - Tools' own defaults otherwise: restic (repository v2, compression auto) with its cache in the temp
 *   folder; borg `-e none` (lz4) with BORG_BASE_DIR in the temp folder; git without user or system
 *   configuration, `core.autocrlf false`, gc and maintenance off, loose objects. Repository size is
 *   every byte under the tool's repository folder (strata's includes its snapshot cache, git's its
 *   index; restic's and borg's caches live outside theirs and are not counted).
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from './lib/context.js';
import { parsePorcelainArgs } from './lib/porcelain-args.js';
import { CASE_RUNNERS, type PorcelainContext } from './lib/porcelain-cases.js';
import { generateDataSet } from './lib/porcelain-data.js';
import { addMetrics, evaluateTargets, renderRatios, renderResults, renderTargets } from './lib/porcelain-report.js';
import { createTools } from './lib/porcelain-tools.js';
import { ProcessRunner } from './lib/proc.js';
import { Report, renderJson } from './lib/report.js';
import { cleanupOnExit, noteLoad, parseOrExit, renderNotes, runCases, runContext } from './lib/session.js';

const SEED = 20251;

async function main(): Promise<void> {
  const options = parseOrExit(() => parsePorcelainArgs(process.argv.slice(2)));
  const workDir = mkdtempSync(join(tmpdir(), 'strata-bench-porcelain-'));
  cleanupOnExit(workDir, options.keep);
  const runner = new ProcessRunner(workDir);
  const report = new Report();
  log(`temp folder ${workDir}; peak RSS via ${runner.rssMethod}; scale ${options.scale}; cases: ${options.cases.join(', ')}`);
  const loadStart = loadavg()[0] ?? 0;
  noteLoad(report, 'at the start', loadStart);

  const genStart = process.hrtime.bigint();
  const data = generateDataSet(join(workDir, 'data'), options.scale, SEED);
  const lastWrite = Date.now();
  log(`data set: ${data.files} files, ${(data.bytes / 1e6).toFixed(1)} MB, generated in ${(Number(process.hrtime.bigint() - genStart) / 1e9).toFixed(1)} s`);

  const { tools, skipped } = await createTools({ runner, workDir, data }, options.tools);
  for (const text of skipped) report.note('bench', text);
  for (const tool of tools) report.note('tools', `${tool.name}: ${tool.commands}`);
  const ctx: PorcelainContext = {
    options,
    workDir,
    report,
    data,
    tools,
    results: [],
    broken: new Map(),
    state: { snapshotted: false, edited: false },
    lastWrite,
  };

  const start = process.hrtime.bigint();
  const failures = await runCases(ctx.options.cases, CASE_RUNNERS, ctx, log);
  const totalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const loadEnd = loadavg()[0] ?? 0;
  noteLoad(report, 'at the end', loadEnd);
  if (options.keep) report.note('bench', `temp folder kept: ${workDir}`);

  const targets = evaluateTargets(ctx);
  const ratios = renderRatios(ctx);
  const sizeNote = `${data.files} files, ${(data.bytes / 1e6).toFixed(0)} MB`;
  process.stdout.write(`\nstrata porcelain benchmark, --scale ${options.scale} (${sizeNote}), ${totalSeconds.toFixed(0)} s\n\n`);
  process.stdout.write(`${renderResults(ctx)}\n\n`);
  if (ratios !== '') process.stdout.write(`${ratios}\n\n`);
  process.stdout.write(`${renderTargets(targets)}\n\n`);
  process.stdout.write(renderNotes(report));
  addMetrics(report, ctx, targets);
  const context = {
    scale: options.scale,
    targetsApply: options.scale === 1,
    files: data.files,
    bytes: data.bytes,
    tools: tools.map((t) => t.name).join(','),
    ...runContext(runner.rssMethod, { totalSeconds, loadStart, loadEnd, failures }),
  };
  process.stdout.write(`${renderJson(report, context, 'porcelain')}\n`);
  if (failures > 0) process.exitCode = 1;
}

await main();
