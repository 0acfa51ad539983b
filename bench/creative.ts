/**
 * Benchmark of the creative persona's commands (`strata creative …`) against ImageMagick on the same
 * files, in the same run: `npm run bench:creative` (after `npm run build`).
 *
 *   node dist/bench/creative.js [--quick] [--only <case>,...] [--keep]
 *
 * Cases (`--only`), each on its own temp project (`strata init`, files written, `strata snapshot`,
 * all untimed):
 * - image-diff: two 4096 x 4096 RGB PNGs made from a seed (colour gradients with a fine grain; the
 *   second with a solid, an inverted and a channel-swapped rectangle, a faint +5 re-grade that no
 *   perceptual threshold should count, an anti-aliased disk and an anti-aliased line), committed as
 *   two versions of one file. Timed: `strata creative diff <v1> <v2> --json` (figures only, best of
 *   3) and the same with `-o <new folder>` (figures and the four pictures, best of 2); then ImageMagick
 *   `compare -metric AE -fuzz 10% a.png b.png diff.png` on the same two files (best of 3). Checked
 *   outside the timing: changed pixels > 0, regions found, the four pictures written; the figures are
 *   set against what the benchmark knows it changed (pixels above pixelmatch's YIQ threshold, which
 *   shapes a region overlaps) in a note.
 * - thumbnails: 200 real PNGs from Debian's wesnoth-1.16-data (portraits and unit sprites, at least
 *   64 px on a side, sorted by path and taken evenly spaced, half from each folder; see
 *   bench/lib/creative-material.ts for where they are found or fetched, and STRATA_BENCH_WESNOTH to
 *   name another copy or `none`). When they cannot be had, 200 generated PNGs stand in, the notes
 *   say so loudly and the thumbnail targets read n/a. Timed:
 *   `strata creative thumbnails --json` once on the fresh repository (every thumbnail made and stored),
 *   then again (best of 3: every thumbnail found, none made); then ImageMagick in one call,
 *   `mogrify -path out -thumbnail 256x256> <the same 200 files>` (`>`: shrink only, as strata's
 *   thumbnails; one process for all, which is fairer to it than 200 `convert` calls).
 * - timeline: a 2048 x 2048 PNG in 20 versions, each a small recoloured rectangle, one a re-save of
 *   the same pixels. Timed: `strata creative timeline <path> --json` the first time (thumbnails made),
 *   again (best of 3, thumbnails reused) and with `--format html -o page.html` (best of 2). Checked:
 *   20 entries, thumbnails made then reused, the re-save marked visually identical. No peer.
 * - refs: a generated, deterministic Godot + web project of 10,000 files (bench/lib/creative-refs-
 *   project.ts): 99 zones of 100 files, each a scene using OBJ+MTL props with their textures, glTF
 *   characters with their .bin and images, .tres materials with textures and WAV sounds, plus an HTML
 *   page with its CSS, SVG icons embedding PNGs and a web font; `project.godot` and a main scene tie
 *   the zones together, design pages fill the count; one texture (`textures/shared/grain.png`) is used
 *   by every MTL, glTF and style sheet. Planted: 6 broken references (MTL, scene, HTML, glTF, CSS,
 *   SVG) and 5 orphans. Timed: `strata creative refs --json` on the working folder (best of 3),
 *   `strata creative refs HEAD --json` the first time (graph computed and stored; once) and again
 *   (stored graph reused; best of 3), and `strata creative refs --who-uses textures/shared/grain.png
 *   --json` (best of 3). Checked, each run: the file and reference counts, exactly the planted broken
 *   references and orphans, no cycle, and every file using the shared texture (transitively), all
 *   known from what the generator wrote. No peer.
 * - elements-psd: a 5000 x 3500 PSD written with ag-psd (untimed; three opaque RGB noise layers and a
 *   small flat logo, about 210 MB; bench/lib/creative-psd.ts) and snapshotted. Timed:
 *   `strata creative elements <version>:art/poster.psd --json` (best of 3) and `strata creative extract
 *   <version>:art/poster.psd Paint -o out.png` (best of 2), with peak RSS. Checked: the four layers by
 *   name and size; the extracted PNG holds the layer's pixels exactly. The memory target judges the
 *   highest peak RSS of the `elements` runs; the notes set it (and extract's) beside the file size.
 *   No peer.
 * `--quick` shrinks every input (1024 px diff, 20 thumbnails, 5 timeline versions at 512 px, 1,000
 * files for refs, a 1000 x 700 PSD) for a fast sanity run; targets then read n/a.
 *
 * What is timed, and how: the built CLI (`node dist/bin/strata.js … --repo <project>/.strata`) as a
 * child process, from spawn to exit, as a user would run it, start-up included (about 0.1-0.2 s).
 * Wall time, CPU time and peak RSS come from GNU time (bench/lib/proc.ts). `sync` runs before every
 * timed command. Every input was just written, so strata's repository and ImageMagick's files are
 * both in the page cache. Output: the table of figures on stdout, the ratios strata / ImageMagick,
 * the targets with PASS/MISS (a full run only; otherwise n/a), the notes, and one JSON line.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from './lib/context.js';
import { parseCreativeArgs, sizesOf } from './lib/creative-args.js';
import { CASE_RUNNERS, MOGRIFY_GEOMETRY, type CreativeContext } from './lib/creative-cases.js';
import { addMetrics, evaluateTargets, renderRatios, renderResults, strataPeakRss } from './lib/creative-report.js';
import { findImageMagick } from './lib/creative-tools.js';
import { renderTargets } from './lib/porcelain-report.js';
import { ProcessRunner } from './lib/proc.js';
import { Report, renderJson } from './lib/report.js';
import { cleanupOnExit, noteLoad, parseOrExit, renderNotes, runCases, runContext } from './lib/session.js';

async function main(): Promise<void> {
  const options = parseOrExit(() => parseCreativeArgs(process.argv.slice(2)));
  const sizes = sizesOf(options);
  const workDir = mkdtempSync(join(tmpdir(), 'strata-bench-creative-'));
  cleanupOnExit(workDir, options.keep);
  const runner = new ProcessRunner(workDir);
  const report = new Report();
  log(`temp folder ${workDir}; peak RSS via ${runner.rssMethod}; ${options.quick ? 'quick' : 'full'} run; cases: ${options.cases.join(', ')}`);
  const loadStart = loadavg()[0] ?? 0;
  noteLoad(report, 'at the start', loadStart);

  const found = findImageMagick();
  const magick = 'missing' in found ? undefined : found;
  if (magick) {
    report.note('tools', `${magick.version}: ${magick.compare} -metric AE -fuzz 10% a.png b.png diff.png; ${magick.mogrify} -path out -thumbnail ${MOGRIFY_GEOMETRY} <files>; its own defaults and policy limits`);
  } else {
    report.note('tools', `${(found as { missing: string }).missing}: its figures and the ratios are n/a`);
  }
  const ctx: CreativeContext = { options, sizes, workDir, runner, report, magick, results: [], projects: [] };

  const start = process.hrtime.bigint();
  const failures = await runCases(ctx.options.cases, CASE_RUNNERS, ctx, log);
  const totalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const loadEnd = loadavg()[0] ?? 0;
  noteLoad(report, 'at the end', loadEnd);
  if (options.keep) report.note('bench', `temp folder kept: ${workDir}`);

  const targets = evaluateTargets(ctx);
  const ratios = renderRatios(ctx);
  const peak = strataPeakRss(ctx);
  process.stdout.write(`\nstrata creative benchmark, ${options.quick ? '--quick' : 'full'} run, ${totalSeconds.toFixed(0)} s\n\n`);
  process.stdout.write(`${renderResults(ctx)}\n\n`);
  if (peak !== null) process.stdout.write(`strata peak RSS over every command of the run: ${(peak / 1e6).toFixed(0)} MB\n\n`);
  if (ratios !== '') process.stdout.write(`${ratios}\n\n`);
  process.stdout.write(`${renderTargets(targets)}\n\n`);
  process.stdout.write(renderNotes(report));
  addMetrics(report, ctx, targets);
  const context = {
    quick: options.quick,
    targetsApply: !options.quick,
    diffSide: sizes.diffSide,
    thumbnailImages: sizes.thumbnailImages,
    realImages: ctx.realImages ?? false,
    timelineVersions: sizes.timelineVersions,
    refsFiles: sizes.refsFiles,
    psdSize: `${sizes.psdWidth}x${sizes.psdHeight}`,
    imagemagick: magick?.version ?? 'absent',
    ...runContext(runner.rssMethod, { totalSeconds, loadStart, loadEnd, failures }),
  };
  process.stdout.write(`${renderJson(report, context, 'creative')}\n`);
  if (failures > 0) process.exitCode = 1;
}

await main();
