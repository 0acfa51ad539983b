/**
 * The creative benchmark's cases: each builds its temp project (untimed), times strata's commands on
 * it, then the peer's on the same files, and checks every output outside the timing. strata failing,
 * or printing figures that cannot be right, fails the case; a peer failing is noted and its figures
 * are n/a. See bench/creative.ts for what is timed and how.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CreativeCase, CreativeOptions, CreativeSizes } from './creative-args.js';
import { findWesnothImages, generateImages, type RealImage } from './creative-material.js';
import { basePicture, copyImage, editedPicture, encodePng, timelineEdit, type KnownChanges, type Rect } from './creative-pictures.js';
import { PSD_LOGO, PSD_NOISE_LAYERS, logoRect, makePsd, noiseLayer } from './creative-psd.js';
import { SHARED_TEXTURE, writeRefsProject, type RefsAnswers } from './creative-refs-project.js';
import { StrataProject, type ImageMagick } from './creative-tools.js';
import { log } from './context.js';
import { Prng } from './data.js';
import { fastest, type ProcessRunner, type RunResult } from './proc.js';
import type { Report } from './report.js';

export const SEED = 20254;
/** Timed runs of the repeatable commands; the fastest counts. */
export const DIFF_ROUNDS = 3;
export const PICTURE_ROUNDS = 2;
export const REUSE_ROUNDS = 3;
export const HTML_ROUNDS = 2;
/** ImageMagick's thumbnail geometry: fit in 256 x 256, never enlarge (`>`), as strata's thumbnails. */
export const MOGRIFY_GEOMETRY = '256x256>';
/** The four pictures `creative diff -o` writes for an image. */
const IMAGE_PICTURES = ['highlight', 'side-by-side', 'onion', 'swipe'] as const;

export type ToolName = 'strata' | 'imagemagick';

/** One timed command (its best run when repeated). */
export interface CreativeResult {
  caseName: CreativeCase;
  /** Stable key within the case (the JSON line's metric names start with it). */
  key: string;
  label: string;
  tool: ToolName;
  /** Null when it could not run (see `error`). */
  run: RunResult | null;
  runs: number;
  /** The highest peak RSS over all its runs (the table shows the fastest run's), bytes. */
  peakRssMaxBytes?: number | null;
  /** What the command reported, for the table. */
  detail?: string;
  error?: string;
}

export interface CreativeContext {
  options: CreativeOptions;
  sizes: CreativeSizes;
  workDir: string;
  runner: ProcessRunner;
  report: Report;
  /** The peer, or undefined when it is not installed (its figures are then n/a). */
  magick: ImageMagick | undefined;
  results: CreativeResult[];
  /** Every strata project of the run (for strata's peak RSS over all its commands). */
  projects: StrataProject[];
  /** Set by the thumbnails case: whether it used real images (generated ones: its targets are n/a). */
  realImages?: boolean;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Flushes what earlier steps wrote, so its writeback does not compete with the next timed command. */
function sync(): void {
  spawnSync('sync', [], { stdio: 'ignore' });
}

const seconds = (s: number): string => `${s.toFixed(s < 10 ? 3 : 2)} s`;
const count = (n: number): string => n.toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

interface Timed {
  run: RunResult;
  detail?: string;
}

/**
 * Runs `once` `rounds` times (sync before each) and records the fastest run with the detail of the
 * last. strata failing throws (the case fails); a peer failing is recorded and noted.
 */
async function measure(ctx: CreativeContext, caseName: CreativeCase, key: string, label: string, tool: ToolName, rounds: number, once: (round: number) => Promise<Timed>): Promise<void> {
  const runs: RunResult[] = [];
  let detail: string | undefined;
  try {
    for (let round = 0; round < rounds; round++) {
      sync();
      const r = await once(round);
      runs.push(r.run);
      detail = r.detail;
    }
  } catch (err) {
    const text = message(err);
    ctx.results.push({ caseName, key, label, tool, run: null, runs: 0, error: text });
    log(`${caseName}: ${label}: ${tool} FAILED: ${text}`);
    if (tool === 'strata') throw err;
    ctx.report.note(caseName, `${tool} FAILED (${label}): ${text}`);
    return;
  }
  const best = fastest(runs);
  const rss = runs.map((r) => r.peakRssBytes).filter((v): v is number => v !== null);
  const peakRssMaxBytes = rss.length === 0 ? null : Math.max(...rss);
  ctx.results.push({ caseName, key, label, tool, run: best, runs: rounds, peakRssMaxBytes, ...(detail === undefined ? {} : { detail }) });
  log(`${caseName}: ${label}: ${tool} ${seconds(best.seconds)}${rounds > 1 ? ` (best of ${rounds})` : ''}${detail ? `; ${detail}` : ''}`);
}

async function newProject(ctx: CreativeContext, name: string): Promise<StrataProject> {
  const root = join(ctx.workDir, name);
  mkdirSync(root, { recursive: true });
  const project = new StrataProject(ctx.runner, root);
  await project.init();
  ctx.projects.push(project);
  return project;
}

function writeInto(root: string, path: string, data: Buffer): void {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, data);
}

function elapsed(start: bigint): string {
  return `${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// image-diff

interface ImageDiffJson {
  changedPixels: number;
  changedPercent: number;
  totalPixels: number;
  ssim: number;
  identical: boolean;
  regions: Array<Rect & { changedPixels?: number }>;
  moreRegions?: number;
}

interface AssetJson {
  path: string;
  kind: string;
  status: string;
  image?: { diff?: ImageDiffJson };
  pictures?: Partial<Record<string, string>>;
  problems: Array<{ side: string; code: string; message: string }>;
}

interface DiffJson {
  assets: AssetJson[];
}

const DIFF_PATH = 'art/texture.png';

const overlaps = (a: Rect, b: Rect): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The image's figures from `creative diff --json`; throws when they cannot be right. */
function checkDiff(json: DiffJson, expectPictures: boolean): { asset: AssetJson; diff: ImageDiffJson } {
  const asset = json.assets.find((a) => a.path === DIFF_PATH);
  if (!asset) throw new Error(`creative diff listed no ${DIFF_PATH} (listed: ${json.assets.map((a) => a.path).join(', ') || 'nothing'})`);
  if (asset.problems.length > 0) throw new Error(`creative diff could not compare ${DIFF_PATH}: ${asset.problems.map((p) => `${p.side}: ${p.message}`).join('; ')}`);
  const diff = asset.image?.diff;
  if (!diff) throw new Error(`creative diff gave no image figures for ${DIFF_PATH}`);
  if (!(diff.changedPixels > 0)) throw new Error(`creative diff found ${diff.changedPixels} changed pixels in ${DIFF_PATH}, which has known changes`);
  if (diff.regions.length === 0) throw new Error(`creative diff found no changed regions in ${DIFF_PATH}`);
  if (expectPictures) {
    for (const kind of IMAGE_PICTURES) {
      const file = asset.pictures?.[kind];
      if (file === undefined) throw new Error(`creative diff -o wrote no ${kind} picture`);
      if (!existsSync(file) || statSync(file).size === 0) throw new Error(`creative diff -o listed ${file}, which is missing or empty`);
    }
  }
  return { asset, diff };
}

/** How strata's figures compare with what the benchmark knows it changed (a note, not a failure). */
function knownAnswerNote(diff: ImageDiffJson, known: KnownChanges): string {
  const regions = diff.regions.length + (diff.moreRegions ?? 0);
  const changed = [...known.rects, ...known.shapes];
  const found = changed.filter((r) => diff.regions.some((g) => overlaps(r, g))).length;
  const faintHit = diff.regions.some((g) => overlaps(known.faint, g) && !changed.some((r) => overlaps(r, g)));
  const inRange = diff.changedPixels <= known.aboveThreshold && diff.changedPixels >= 0.8 * known.aboveThresholdInRects;
  return [
    `strata: ${count(diff.changedPixels)} px changed (${diff.changedPercent.toFixed(3)}%), SSIM ${diff.ssim.toFixed(4)}, ${regions} region${regions === 1 ? '' : 's'};`,
    `known: ${count(known.differing)} px differ at all, ${count(known.aboveThreshold)} above the YIQ threshold 0.1 before anti-aliasing detection (${count(known.aboveThresholdInRects)} of them in the 3 hard-edged rectangles);`,
    `${found} of ${changed.length} changed shapes overlapped by a reported region${diff.moreRegions ? ' (of those listed)' : ''};`,
    `the faint +5 re-grade ${faintHit ? 'WAS reported as a region (unexpected)' : 'was ignored, as it should be'};`,
    inRange ? 'the count is within the expected range' : 'WARNING: the count is outside the expected range (0.8 x the rectangles .. the above-threshold pixels)',
  ].join(' ');
}

/** Parses ImageMagick's AE figure (stderr, e.g. `123456` or `1.23456e+06`). */
function magickAe(stderr: string): number | undefined {
  const m = /^\s*([0-9.]+(?:e[+-]?\d+)?)/i.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

export async function runImageDiff(ctx: CreativeContext): Promise<void> {
  const side = ctx.sizes.diffSide;
  const start = process.hrtime.bigint();
  const base = basePicture(side, side, SEED);
  const edited = editedPicture(base, SEED + 1);
  const [pngA, pngB] = [await encodePng(base), await encodePng(edited.image)];
  log(`image-diff: two ${side} x ${side} PNGs (${mb(pngA.length)}, ${mb(pngB.length)}) made in ${elapsed(start)}`);

  const project = await newProject(ctx, 'diff-project');
  writeInto(project.root, DIFF_PATH, pngA);
  const v1 = await project.snapshot('before');
  writeInto(project.root, DIFF_PATH, pngB);
  const v2 = await project.snapshot('after');
  const peerDir = join(ctx.workDir, 'diff-magick');
  writeInto(peerDir, 'a.png', pngA);
  writeInto(peerDir, 'b.png', pngB);
  ctx.report.note('image-diff', `${side} x ${side} RGB PNGs, ${mb(pngA.length)} and ${mb(pngB.length)}, in two versions of ${DIFF_PATH}; edits: 3 rectangles (solid, inverted, channel-swapped), a faint +5 re-grade, an anti-aliased disk and line`);

  let figures: ImageDiffJson | undefined;
  await measure(ctx, 'image-diff', 'figures', 'diff, figures only (--json)', 'strata', DIFF_ROUNDS, async () => {
    const { run, value } = await project.json<DiffJson>(['creative', 'diff', v1, v2]);
    figures = checkDiff(value, false).diff;
    return { run, detail: `${count(figures.changedPixels)} px changed, ${figures.regions.length + (figures.moreRegions ?? 0)} regions` };
  });
  if (figures) ctx.report.note('image-diff', knownAnswerNote(figures, edited.changes));

  await measure(ctx, 'image-diff', 'pictures', 'diff with the 4 pictures (-o)', 'strata', PICTURE_ROUNDS, async (round) => {
    const out = join(ctx.workDir, `diff-pictures-${round}`);
    const { run, value } = await project.json<DiffJson>(['creative', 'diff', v1, v2, '-o', out]);
    const { asset } = checkDiff(value, true);
    const bytes = IMAGE_PICTURES.reduce((sum, kind) => sum + statSync(asset.pictures?.[kind] as string).size, 0);
    return { run, detail: `4 PNGs, ${mb(bytes)}` };
  });

  if (!ctx.magick) return;
  const magick = ctx.magick;
  await measure(ctx, 'image-diff', 'compare', 'compare -metric AE -fuzz 10% (writes diff.png)', 'imagemagick', DIFF_ROUNDS, async () => {
    const run = await ctx.runner.run(magick.compare, ['-metric', 'AE', '-fuzz', '10%', 'a.png', 'b.png', 'diff.png'], { cwd: peerDir, check: false });
    // compare exits 0 for similar images, 1 for dissimilar ones, 2 on an error.
    if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`compare exited with ${run.exitCode}: ${run.stderr.trim().slice(0, 500)}`);
    if (!existsSync(join(peerDir, 'diff.png'))) throw new Error('compare wrote no diff.png');
    const ae = magickAe(run.stderr);
    return { run, detail: ae === undefined ? 'AE not printed' : `AE ${count(ae)} px` };
  });
}

// ---------------------------------------------------------------------------------------------
// thumbnails

interface ThumbnailsJson {
  assets: number;
  sources: number;
  made: number;
  reused: number;
  failed: Array<{ path: string; code: string; message: string }>;
}

/** The images to thumbnail: Wesnoth's when they can be had, generated ones otherwise (said in the notes). */
async function thumbnailMaterial(ctx: CreativeContext): Promise<RealImage[]> {
  const wanted = ctx.sizes.thumbnailImages;
  const found = findWesnothImages(wanted);
  if ('images' in found && found.images.length > 0) {
    ctx.realImages = true;
    if (found.images.length < wanted) ctx.report.note('thumbnails', `only ${found.images.length} suitable Wesnoth images found (wanted ${wanted})`);
    ctx.report.note('thumbnails', `real images: ${found.origin}; portraits/ and units/ PNGs of at least 64 x 64 px, sorted by path, taken evenly spaced, half from each`);
    return found.images;
  }
  const why = 'failure' in found ? found.failure : 'the package has no suitable images';
  ctx.realImages = false;
  ctx.report.note('thumbnails', `NOT REAL IMAGES: the Wesnoth images could not be had (${why}); ${wanted} GENERATED PNGs were used instead, so the thumbnail targets read n/a`);
  return generateImages(join(ctx.workDir, 'generated-images'), wanted, SEED + 7);
}

/** Checks a `creative thumbnails --json` result; returns its detail text. */
function checkThumbnails(r: ThumbnailsJson, run: RunResult, files: number, first: boolean): string {
  if (run.exitCode !== 0 && !(run.exitCode === 3 && r.failed.length > 0)) throw new Error(`creative thumbnails exited with ${run.exitCode}: ${run.stderr.trim().slice(0, 500)}`);
  if (r.assets !== files) throw new Error(`creative thumbnails saw ${r.assets} images, the version has ${files}`);
  const readable = r.sources - r.failed.length;
  if (first && r.made !== readable) throw new Error(`creative thumbnails made ${r.made} on the first run, expected ${readable} (${r.sources} distinct, ${r.failed.length} failed)`);
  if (!first && (r.made !== 0 || r.reused !== readable)) throw new Error(`creative thumbnails made ${r.made} and reused ${r.reused} on the second run, expected 0 and ${readable}`);
  const failed = r.failed.length > 0 ? `, ${r.failed.length} failed` : '';
  return first ? `made ${r.made} (${r.sources} distinct of ${r.assets} files${failed})` : `made ${r.made}, reused ${r.reused}${failed}`;
}

export async function runThumbnails(ctx: CreativeContext): Promise<void> {
  const images = await thumbnailMaterial(ctx);
  const project = await newProject(ctx, 'thumbs-project');
  const flat = join(ctx.workDir, 'thumbs-magick', 'in');
  mkdirSync(flat, { recursive: true });
  const flatFiles: string[] = [];
  let bytes = 0;
  images.forEach((image, i) => {
    const target = join(project.root, image.path);
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(image.file, target);
    bytes += statSync(target).size;
    // The same bytes for ImageMagick, under unique names (mogrify -path writes by base name).
    const flatFile = join(flat, `${String(i).padStart(3, '0')}-${image.path.split('/').pop() as string}`);
    try {
      linkSync(target, flatFile);
    } catch {
      copyFileSync(target, flatFile);
    }
    flatFiles.push(flatFile);
  });
  await project.snapshot('images');
  ctx.report.note('thumbnails', `${images.length} PNGs, ${mb(bytes)} in all, snapshotted into one version; strata stores each thumbnail (at most 256 px on a side) in the repository`);

  let result: ThumbnailsJson | undefined;
  await measure(ctx, 'thumbnails', 'first', 'thumbnails, first run (made)', 'strata', 1, async () => {
    const { run, value } = await project.json<ThumbnailsJson>(['creative', 'thumbnails'], { check: false });
    result = value;
    return { run, detail: checkThumbnails(value, run, images.length, true) };
  });
  if (result && result.failed.length > 0) {
    ctx.report.note('thumbnails', `strata could not thumbnail ${result.failed.length} files: ${result.failed.slice(0, 5).map((f) => `${f.path} (${f.code}: ${f.message})`).join('; ')}`);
  }
  await measure(ctx, 'thumbnails', 'second', `thumbnails, second run (reused)`, 'strata', REUSE_ROUNDS, async () => {
    const { run, value } = await project.json<ThumbnailsJson>(['creative', 'thumbnails'], { check: false });
    return { run, detail: checkThumbnails(value, run, images.length, false) };
  });

  if (!ctx.magick) return;
  const magick = ctx.magick;
  const out = join(ctx.workDir, 'thumbs-magick', 'out');
  mkdirSync(out, { recursive: true });
  await measure(ctx, 'thumbnails', 'mogrify', `mogrify -path out -thumbnail ${MOGRIFY_GEOMETRY} (one call)`, 'imagemagick', 1, async () => {
    const run = await ctx.runner.run(magick.mogrify, ['-path', out, '-thumbnail', MOGRIFY_GEOMETRY, ...flatFiles]);
    const written = readdirSync(out).length;
    if (written !== flatFiles.length) throw new Error(`mogrify wrote ${written} thumbnails for ${flatFiles.length} files`);
    return { run, detail: `wrote ${written}` };
  });
}

// ---------------------------------------------------------------------------------------------
// timeline

const TIMELINE_PATH = 'art/hero.png';

interface TimelineJson {
  entries: Array<{ change: string; visuallyIdentical: boolean; magnitude?: { kind: string; changedPixels?: number } }>;
  thumbnailsMade: number;
  thumbnailsReused: number;
  thumbnailFailures: unknown[];
}

function checkTimeline(r: TimelineJson, versions: number, resaves: number, first: boolean): string {
  if (r.entries.length !== versions) throw new Error(`creative timeline listed ${r.entries.length} changes of ${TIMELINE_PATH}, expected ${versions}`);
  if (r.thumbnailFailures.length > 0) throw new Error(`creative timeline could not thumbnail ${r.thumbnailFailures.length} versions`);
  const made = first ? versions : 0;
  if (r.thumbnailsMade !== made || r.thumbnailsMade + r.thumbnailsReused !== versions) {
    throw new Error(`creative timeline made ${r.thumbnailsMade} and reused ${r.thumbnailsReused} thumbnails, expected ${made} and ${versions - made}`);
  }
  const identical = r.entries.filter((e) => e.visuallyIdentical).length;
  if (identical !== resaves) throw new Error(`creative timeline marked ${identical} versions visually identical, expected ${resaves} (the re-save)`);
  const measured = r.entries.filter((e) => e.magnitude?.kind === 'image').length;
  return `${r.entries.length} versions, ${measured} diffs, ${r.thumbnailsMade} thumbnails made, ${r.thumbnailsReused} reused, ${identical} re-save spotted`;
}

export async function runTimeline(ctx: CreativeContext): Promise<void> {
  const { timelineSide: side, timelineVersions: versions } = ctx.sizes;
  const start = process.hrtime.bigint();
  const project = await newProject(ctx, 'timeline-project');
  const prng = new Prng(SEED + 3);
  let image = basePicture(side, side, SEED + 2);
  // Halfway through, one version re-saves the same pixels at another compression level.
  const resaveAt = Math.floor(versions / 2);
  let bytes = 0;
  for (let v = 1; v <= versions; v++) {
    if (v > 1 && v !== resaveAt) {
      image = copyImage(image);
      timelineEdit(image, prng);
    }
    const png = await encodePng(image, v === resaveAt ? 9 : 6);
    bytes += png.length;
    writeInto(project.root, TIMELINE_PATH, png);
    await project.snapshot(v === resaveAt ? `v${v}: re-saved` : `v${v}`);
  }
  log(`timeline: ${versions} versions of a ${side} x ${side} PNG made and snapshotted in ${elapsed(start)}`);
  ctx.report.note('timeline', `${TIMELINE_PATH}: ${side} x ${side} RGB PNG, ${versions} versions (${mb(bytes)} in all), each a small recoloured rectangle, version ${resaveAt} a re-save with the same pixels`);
  const resaves = versions >= 3 ? 1 : 0;

  await measure(ctx, 'timeline', 'first', 'timeline --json, first (thumbnails made)', 'strata', 1, async () => {
    const { run, value } = await project.json<TimelineJson>(['creative', 'timeline', TIMELINE_PATH]);
    return { run, detail: checkTimeline(value, versions, resaves, true) };
  });
  await measure(ctx, 'timeline', 'second', 'timeline --json, again (thumbnails reused)', 'strata', REUSE_ROUNDS, async () => {
    const { run, value } = await project.json<TimelineJson>(['creative', 'timeline', TIMELINE_PATH]);
    return { run, detail: checkTimeline(value, versions, resaves, false) };
  });
  await measure(ctx, 'timeline', 'html', 'timeline --format html -o page.html', 'strata', HTML_ROUNDS, async (round) => {
    const out = join(ctx.workDir, `timeline-${round}.html`);
    const { run, value } = await project.json<{ bytes: number; entries: number }>(['creative', 'timeline', TIMELINE_PATH, '--format', 'html', '-o', out]);
    if (value.entries !== versions) throw new Error(`the html timeline has ${value.entries} entries, expected ${versions}`);
    if (!existsSync(out) || statSync(out).size !== value.bytes || value.bytes === 0) throw new Error(`the html timeline ${out} is missing or not ${value.bytes} bytes`);
    return { run, detail: `page ${mb(value.bytes)}` };
  });
}

// ---------------------------------------------------------------------------------------------
// refs

interface RefEdgeJson {
  from: string;
  to?: string;
  target: string;
}

interface RefsJson {
  origin: string;
  files: number;
  read: number;
  readNow: number;
  reused: number;
  references: number;
  broken: RefEdgeJson[];
  external: RefEdgeJson[];
  orphans: string[];
  cycles: string[][];
  skipped: Array<{ path: string; code: string; message: string }>;
  whoUses?: { asset: string; exists: boolean; users: Array<{ path: string; depth: number }> };
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const edgeText = (e: { from: string; to?: string }): string => `${e.from} -> ${e.to ?? '(external)'}`;

/** Checks a `creative refs --json` result against the generator's answers; returns its detail text. */
function checkRefs(r: RefsJson, answers: RefsAnswers, origin: string): string {
  if (r.origin !== origin) throw new Error(`creative refs read the graph as "${r.origin}", expected "${origin}"`);
  if (r.skipped.length > 0) throw new Error(`creative refs skipped ${r.skipped.length} files: ${r.skipped.slice(0, 3).map((s) => s.message).join('; ')}`);
  if (r.files !== answers.files) throw new Error(`creative refs saw ${r.files} files, the project has ${answers.files}`);
  if (r.references !== answers.references) throw new Error(`creative refs found ${r.references} references, the project has ${answers.references}`);
  if (r.external.length !== answers.external) throw new Error(`creative refs found ${r.external.length} external references, the project has ${answers.external}`);
  const broken = r.broken.map(edgeText).sort();
  const planted = answers.broken.map(edgeText).sort();
  if (!sameList(broken, planted)) throw new Error(`creative refs found the broken references ${broken.join(', ') || 'none'}; planted: ${planted.join(', ')}`);
  const orphans = [...r.orphans].sort();
  if (!sameList(orphans, answers.orphans)) throw new Error(`creative refs found the orphans ${orphans.join(', ') || 'none'}; planted: ${answers.orphans.join(', ')}`);
  if (r.cycles.length > 0) throw new Error(`creative refs found ${r.cycles.length} cycles in a project that has none: ${r.cycles[0]?.join(', ')}`);
  if (origin === 'computed' && (r.readNow !== r.read || r.reused !== 0)) throw new Error(`creative refs read ${r.readNow} and reused ${r.reused} files computing a first graph, expected ${r.read} and 0`);
  if (origin === 'stored' && r.readNow !== 0) throw new Error(`creative refs read ${r.readNow} files with a stored graph`);
  const how = origin === 'computed' ? `, ${r.readNow} read, graph stored` : origin === 'stored' ? ', stored graph' : `, ${r.read} read`;
  return `${count(r.files)} files${how}; ${count(r.references)} refs, ${r.broken.length} broken and ${r.orphans.length} orphans as planted`;
}

export async function runRefs(ctx: CreativeContext): Promise<void> {
  const files = ctx.sizes.refsFiles;
  const start = process.hrtime.bigint();
  const project = await newProject(ctx, 'refs-project');
  const answers = writeRefsProject(project.root, files, SEED + 11);
  log(`refs: ${count(answers.files)} files (${mb(answers.bytes)}) written in ${elapsed(start)}`);
  await project.snapshot('project');
  ctx.report.note(
    'refs',
    `a generated Godot + web project: ${count(answers.files)} files (${mb(answers.bytes)}), ${answers.zones} zones of 100 (a scene with its OBJ+MTL props, glTF+.bin characters, .tres materials, textures, WAVs; an HTML page with CSS, SVG icons and PNGs), ` +
      `${count(answers.references)} references (${answers.external} external); planted: ${answers.broken.length} broken references (MTL, scene, HTML, glTF, CSS, SVG) and ${answers.orphans.length} orphans`,
  );

  await measure(ctx, 'refs', 'folder', 'refs --json (working folder)', 'strata', REUSE_ROUNDS, async () => {
    const { run, value } = await project.json<RefsJson>(['creative', 'refs']);
    return { run, detail: checkRefs(value, answers, 'scanned') };
  });
  await measure(ctx, 'refs', 'first', 'refs HEAD --json, first (graph computed, stored)', 'strata', 1, async () => {
    const { run, value } = await project.json<RefsJson>(['creative', 'refs', 'HEAD']);
    return { run, detail: checkRefs(value, answers, 'computed') };
  });
  await measure(ctx, 'refs', 'stored', 'refs HEAD --json, again (stored graph)', 'strata', REUSE_ROUNDS, async () => {
    const { run, value } = await project.json<RefsJson>(['creative', 'refs', 'HEAD']);
    return { run, detail: checkRefs(value, answers, 'stored') };
  });
  await measure(ctx, 'refs', 'who-uses', `refs --who-uses ${SHARED_TEXTURE} --json`, 'strata', REUSE_ROUNDS, async () => {
    const { run, value } = await project.json<RefsJson>(['creative', 'refs', '--who-uses', SHARED_TEXTURE]);
    const users = value.whoUses?.users ?? [];
    const paths = users.map((u) => u.path).sort();
    if (!sameList(paths, answers.sharedUsers)) {
      const missing = answers.sharedUsers.filter((p) => !paths.includes(p));
      const extra = paths.filter((p) => !answers.sharedUsers.includes(p));
      throw new Error(`creative refs --who-uses listed ${paths.length} users of ${SHARED_TEXTURE}, expected ${answers.sharedUsers.length} (missing: ${missing.slice(0, 3).join(', ') || 'none'}; unexpected: ${extra.slice(0, 3).join(', ') || 'none'})`);
    }
    const direct = users.filter((u) => u.depth === 1).length;
    if (direct !== answers.sharedDirectUsers) throw new Error(`creative refs --who-uses listed ${direct} direct users of ${SHARED_TEXTURE}, expected ${answers.sharedDirectUsers}`);
    return { run, detail: `${count(users.length)} users (${count(direct)} direct), as expected` };
  });
}

// ---------------------------------------------------------------------------------------------
// elements-psd

const PSD_PATH = 'art/poster.psd';
/** The layer `creative extract` writes as PNG. */
const EXTRACTED_LAYER = 'Paint';

interface ElementsJson {
  elements: Array<{ name: string; kind: string; details: { width?: number; height?: number; left?: number; top?: number } }>;
}

interface ExtractJson {
  element: { name: string };
  written: Array<{ path: string; bytes: number }>;
}

/** Checks `creative elements --json` against the layers written (top first); returns a detail text. */
function checkElements(r: ElementsJson, width: number, height: number): string {
  const names = r.elements.map((e) => e.name);
  const expected = [PSD_LOGO, ...[...PSD_NOISE_LAYERS].reverse()];
  if (!sameList(names, expected)) throw new Error(`creative elements listed ${names.join(', ') || 'nothing'}, expected ${expected.join(', ')}`);
  const logo = logoRect(width, height);
  for (const e of r.elements) {
    const [w, h] = e.name === PSD_LOGO ? [logo.width, logo.height] : [width, height];
    if (e.kind !== 'layer' || e.details.width !== w || e.details.height !== h) {
      throw new Error(`creative elements gave ${e.name} as a ${e.kind} of ${e.details.width} x ${e.details.height}, expected a layer of ${w} x ${h}`);
    }
  }
  return `${r.elements.length} layers (${width} x ${height})`;
}

export async function runElementsPsd(ctx: CreativeContext): Promise<void> {
  const { psdWidth: width, psdHeight: height } = ctx.sizes;
  const seed = SEED + 21;
  const start = process.hrtime.bigint();
  const project = await newProject(ctx, 'psd-project');
  let bytes: number;
  {
    const psd = makePsd(width, height, seed);
    bytes = psd.data.length;
    writeInto(project.root, PSD_PATH, psd.data);
  }
  log(`elements-psd: a ${width} x ${height} PSD of ${mb(bytes)} written in ${elapsed(start)}`);
  const version = await project.snapshot('poster');
  const spec = `${version}:${PSD_PATH}`;

  await measure(ctx, 'elements-psd', 'elements', 'elements <version>:<psd> --json', 'strata', REUSE_ROUNDS, async () => {
    const { run, value } = await project.json<ElementsJson>(['creative', 'elements', spec]);
    return { run, detail: checkElements(value, width, height) };
  });
  let written: string | undefined;
  await measure(ctx, 'elements-psd', 'extract', `extract <version>:<psd> ${EXTRACTED_LAYER} -o out.png`, 'strata', PICTURE_ROUNDS, async (round) => {
    const out = join(ctx.workDir, `psd-extract-${round}.png`);
    const { run, value } = await project.json<ExtractJson>(['creative', 'extract', spec, EXTRACTED_LAYER, '-o', out]);
    const file = value.written[0];
    if (value.element.name !== EXTRACTED_LAYER || file?.path !== out || !existsSync(out) || statSync(out).size !== file.bytes) {
      throw new Error(`creative extract did not write ${EXTRACTED_LAYER} as ${out} (it listed ${JSON.stringify(value.written)})`);
    }
    written = out;
    return { run, detail: `PNG ${mb(file.bytes)}` };
  });

  // The extracted layer holds exactly the pixels written (checked outside the timing).
  if (written !== undefined) {
    const { data, info } = await sharp(written).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height) throw new Error(`creative extract wrote a ${info.width} x ${info.height} PNG, the layer is ${width} x ${height}`);
    const expected = noiseLayer(width, height, seed + PSD_NOISE_LAYERS.indexOf(EXTRACTED_LAYER));
    const order = Buffer.compare(data, Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength));
    if (order !== 0) throw new Error(`the PNG creative extract wrote differs from the ${EXTRACTED_LAYER} layer's pixels`);
  }
  const rssOf = (key: string): number | null => ctx.results.find((r) => r.caseName === 'elements-psd' && r.key === key)?.peakRssMaxBytes ?? null;
  const [listRss, extractRss] = [rssOf('elements'), rssOf('extract')];
  // Below the file's size, the file cannot have been held in memory whole; above it says nothing (Node itself takes ~100 MB).
  const held = (rss: number): string => (rss < bytes ? ', below the file size: the file was not held in memory whole' : '');
  ctx.report.note(
    'elements-psd',
    `${PSD_PATH}: ${width} x ${height}, layers ${[...PSD_NOISE_LAYERS].join(', ')} (opaque RGB noise) and a flat ${PSD_LOGO}, written by ag-psd (RLE): ${mb(bytes)}; ` +
      (listRss === null ? 'peak RSS not measured' : `elements peak RSS ${mb(listRss)} (highest of its runs)${held(listRss)}`) +
      (extractRss === null ? '' : `; extract peak RSS ${mb(extractRss)} (no target)${held(extractRss)}`) +
      (written !== undefined ? `; the extracted ${EXTRACTED_LAYER} PNG matches the layer pixel for pixel` : ''),
  );
}

export const CASE_RUNNERS: Record<CreativeCase, (ctx: CreativeContext) => Promise<void>> = {
  'image-diff': runImageDiff,
  thumbnails: runThumbnails,
  timeline: runTimeline,
  refs: runRefs,
  'elements-psd': runElementsPsd,
};
