/**
 * The creative benchmark end to end on its smallest inputs (a few seconds): it runs the built script's
 * image diff with `--quick`, times strata (and ImageMagick when installed), prints its tables and a
 * JSON line, judges no target, leaves no temp folder behind, and rejects bad arguments with exit 2.
 * Its synthetic pictures are the same for the same seed and carry the changes it claims; the real
 * images are picked by size and path, the same every time. The quick refs case finds the planted
 * broken references and orphans; its generated project is the same for the same seed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const BENCH = fileURLToPath(new URL('../../dist/bench/creative.js', import.meta.url));
const PICTURES = new URL('../../dist/bench/lib/creative-pictures.js', import.meta.url).href;
const MATERIAL = new URL('../../dist/bench/lib/creative-material.js', import.meta.url).href;
const REFS_PROJECT = new URL('../../dist/bench/lib/creative-refs-project.js', import.meta.url).href;

function bench(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Whether `compare` on PATH is ImageMagick (what the benchmark itself requires of its peer). */
function imageMagickInstalled(): boolean {
  const r = spawnSync('compare', ['-version'], { encoding: 'utf8' });
  return r.status === 0 && /ImageMagick/.test(r.stdout.split('\n', 1)[0] ?? '');
}

interface BenchJson {
  bench: string;
  quick: boolean;
  targetsApply: boolean;
  diffSide: number;
  failures: number;
  imagemagick: string;
  metrics: Record<string, number | null>;
  targets: Record<string, unknown>;
  notes: Array<{ caseName: string; text: string }>;
}

describe('npm run bench:creative', () => {
  it('times the quick image diff and prints tables and a JSON line', () => {
    const withMagick = imageMagickInstalled();
    const r = bench(['--quick', '--only', 'image-diff']);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);

    const lines = r.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1] as string) as BenchJson;
    expect(json).toMatchObject({ bench: 'creative', quick: true, targetsApply: false, diffSide: 1024, failures: 0 });
    // --quick judges no target: the table says why, the JSON holds none.
    expect(json.targets).toEqual({});
    expect(r.stdout).toContain('n/a (--quick: targets apply to a full run)');
    expect(r.stdout).not.toMatch(/\bPASS\b|\bMISS\b/);

    const m = json.metrics;
    expect(m['image-diff.strata_figures_s']).toBeGreaterThan(0);
    expect(m['image-diff.strata_pictures_s']).toBeGreaterThan(0);
    expect(m['peak_rss.strata_mb']).toBeGreaterThan(0);
    expect(Object.keys(m).some((k) => k.startsWith('thumbnails.') || k.startsWith('timeline.'))).toBe(false);
    // The known-answer note: strata's figures set against the changes the benchmark made.
    expect(json.notes).toContainEqual({ caseName: 'image-diff', text: expect.stringMatching(/^strata: [\d,]+ px changed .* regions?; known: /) });
    expect(r.stdout).toMatch(/diff, figures only \(--json\)\s+strata\s+[\d.]+\s.*best of 3\s+[\d,]+ px changed, \d+ regions/);
    if (withMagick) {
      expect(json.imagemagick).toMatch(/ImageMagick/);
      expect(m['image-diff.compare_s']).toBeGreaterThan(0);
      expect(m['ratio.diff_figures_over_compare']).toBeGreaterThan(0);
      expect(r.stdout).toMatch(/compare -metric AE -fuzz 10%.*imagemagick\s+[\d.]+.*AE [\d,]+ px/);
    } else {
      expect(json.imagemagick).toBe('absent');
      expect(m['ratio.diff_figures_over_compare']).toBeNull();
      expect(r.stdout).toContain('n/a (no ImageMagick)');
    }

    const temp = /temp folder (\S+);/.exec(r.stderr)?.[1];
    expect(temp).toBeDefined();
    expect(existsSync(temp as string)).toBe(false);
  }, 90_000);

  it('runs the quick refs case: the planted broken references and orphans are found, no target judged', () => {
    const r = bench(['--quick', '--only', 'refs']);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1] as string) as BenchJson & { refsFiles: number };
    expect(json).toMatchObject({ bench: 'creative', quick: true, refsFiles: 1000, failures: 0 });
    expect(json.targets).toEqual({});
    const m = json.metrics;
    for (const key of ['folder', 'first', 'stored', 'who-uses']) expect(m[`refs.strata_${key}_s`]).toBeGreaterThan(0);
    // Every run is checked against the generator's answers; the table says so.
    expect(r.stdout).toMatch(/refs --json \(working folder\)\s+strata\s+[\d.]+.*1,000 files, \d+ read; [\d,]+ refs, 6 broken and 5 orphans as planted/);
    expect(r.stdout).toMatch(/refs HEAD --json, first .*graph stored; .*6 broken and 5 orphans as planted/);
    expect(r.stdout).toMatch(/refs HEAD --json, again .*stored graph; /);
    expect(r.stdout).toMatch(/--who-uses textures\/shared\/grain.png --json\s+strata.*[\d,]+ users \(\d+ direct\), as expected/);
    expect(r.stdout).toContain('refs of 10,000 files, working folder, wall');
    expect(r.stdout).not.toMatch(/\bPASS\b|\bMISS\b/);
  }, 60_000);

  it('writes the same refs project from the same seed, with exactly the planted problems', async () => {
    const { writeRefsProject, SHARED_TEXTURE } = (await import(REFS_PROJECT)) as typeof import('../../bench/lib/creative-refs-project.js');
    const [a, b] = [tempDir('bench-refs-a'), tempDir('bench-refs-b')];
    const answers = writeRefsProject(a, 450, 3);
    expect(writeRefsProject(b, 450, 3)).toEqual(answers);
    expect(listFiles(a)).toHaveLength(450);
    expect(listFiles(a).every((p) => readFileSync(join(a, p)).equals(readFileSync(join(b, p))))).toBe(true);
    expect(answers).toMatchObject({ files: 450, zones: 4, external: 4 });
    expect(answers.broken).toHaveLength(6);
    expect(answers.orphans).toEqual(['audio/unused/take-3.wav', 'models/prototype/rock.obj', 'textures/unused/concept-1.png', 'textures/unused/concept-2.png', 'zones/zone-002/textures/prop-9-old.png']);
    for (const { to } of answers.broken) expect(existsSync(join(a, to))).toBe(false);
    for (const o of answers.orphans) expect(existsSync(join(a, o))).toBe(true);
    // The shared texture's users reach up to the project file through the scenes.
    expect(answers.sharedUsers).toEqual(expect.arrayContaining(['project.godot', 'scenes/main.tscn', 'zones/zone-000/models/prop-0.mtl', 'zones/zone-000/models/prop-0.obj', 'zones/zone-000/web/index.html']));
    expect(readFileSync(join(a, 'zones/zone-000/models/prop-0.mtl'), 'utf8')).toContain(`map_Kd -s 4 4 1 ../../../${SHARED_TEXTURE}`);
  });

  it.each([[['--only', 'nope']], [['--only']], [['--scale', '1']], [['--bogus']]])('rejects %j with exit 2 and the usage text', (args) => {
    const r = bench(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: node dist/bench/creative.js');
    expect(r.stdout).toBe('');
  });

  it('makes the same pictures from the same seed, with the changes it counts', async () => {
    const { basePicture, editedPicture, yiqDelta } = (await import(PICTURES)) as typeof import('../../bench/lib/creative-pictures.js');
    const a = basePicture(256, 192, 5);
    expect(basePicture(256, 192, 5).data.equals(a.data)).toBe(true);
    expect(basePicture(256, 192, 6).data.equals(a.data)).toBe(false);
    const { image, changes } = editedPicture(a, 9);
    expect(editedPicture(a, 9).image.data.equals(image.data)).toBe(true);
    expect(changes.differing).toBeGreaterThan(changes.aboveThreshold);
    expect(changes.aboveThreshold).toBeGreaterThan(changes.aboveThresholdInRects);
    expect(changes.aboveThresholdInRects).toBeGreaterThan(0);
    // The solid rectangle is exactly its colour; the faint re-grade is +5 everywhere and below the threshold.
    const [solid] = changes.rects;
    const at = (img: typeof a, x: number, y: number): number[] => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
    expect(at(image, solid!.x + 1, solid!.y + 1)).toEqual([230, 40, 60]);
    const { faint } = changes;
    const before = at(a, faint.x + 2, faint.y + 2);
    const after = at(image, faint.x + 2, faint.y + 2);
    expect(after).toEqual(before.map((v) => Math.min(255, v + 5)));
    expect(yiqDelta(before[0]!, before[1]!, before[2]!, after[0]!, after[1]!, after[2]!)).toBeLessThan(35215 * 0.01);
    // Outside every change the pixels are untouched.
    expect(at(image, 0, a.height - 1)).toEqual(at(a, 0, a.height - 1));
  });

  it('picks real images of at least 64 px, half from each folder, evenly spaced by path', async () => {
    const { pickImages } = (await import(MATERIAL)) as typeof import('../../bench/lib/creative-material.js');
    const root = tempDir('bench-material');
    const png = (w: number, h: number): Promise<Buffer> => sharp({ create: { width: w, height: h, channels: 3, background: '#336699' } }).png().toBuffer();
    const write = async (path: string, w: number, h: number): Promise<void> => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), await png(w, h));
    };
    for (let i = 0; i < 6; i++) await write(`portraits/p${i}.png`, 400, 400);
    await write('portraits/tiny.png', 40, 400);
    for (let i = 0; i < 8; i++) await write(`units/${i % 2 === 0 ? 'a' : 'b'}/u${i}.png`, 72, 72);
    await write('units/a/icon.png', 72, 30);
    writeFileSync(join(root, 'units/a/fake.png'), 'not a png');
    await write('other/x.png', 500, 500);

    const picked = pickImages(root, 6).map((p) => p.path);
    expect(picked).toEqual(['portraits/p0.png', 'portraits/p2.png', 'portraits/p4.png', 'units/a/u0.png', 'units/a/u4.png', 'units/b/u3.png']);
    expect(pickImages(root, 6).map((p) => p.path)).toEqual(picked);
    // When one folder has too few, the other makes up the count.
    expect(pickImages(root, 12).filter((p) => p.path.startsWith('units/'))).toHaveLength(6);
    expect(pickImages(root, 100)).toHaveLength(14);
  });
});
