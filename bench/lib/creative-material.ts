/**
 * Real images for the thumbnails case: PNGs from Debian's `wesnoth-1.16-data` (portraits and unit
 * sprites drawn by the Battle for Wesnoth artists, GPL-2+). Looked for, in order: unpacked under
 * /tmp/material/x (where this project's helpers unpack Debian test material), unpacked in the
 * benchmark's cache folder (`$XDG_CACHE_HOME/strata-bench/`, default `~/.cache/strata-bench/`), or
 * fetched there with `apt-get download` and `dpkg-deb -x` (after `apt-get update` when the first
 * download fails). When all of that fails the caller falls back to generated images and says so.
 * STRATA_BENCH_WESNOTH=<folder> names another root the package is unpacked into (nothing is fetched
 * then); STRATA_BENCH_WESNOTH=none skips the real images altogether (the fallback, on purpose).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { log } from './context.js';
import { basePicture, encodePng } from './creative-pictures.js';
import { Prng } from './data.js';

export const WESNOTH_PACKAGE = 'wesnoth-1.16-data';
/** The package's image folder, relative to the root it is unpacked into. */
const IMAGES_UNDER_ROOT = 'usr/share/games/wesnoth/1.16/data/core/images';
const MATERIAL_ROOT = '/tmp/material/x';
/** The folders picked from, half of the images from each. */
const FOLDERS = ['portraits', 'units'] as const;
/** Smallest width and height taken (the unit sprites' icons and masks are smaller). */
export const MIN_SIDE = 64;
const FETCH_TIMEOUT_MS = 15 * 60_000;

export interface RealImage {
  /** Absolute path of the file. */
  file: string;
  /** Its path under the image folder (`portraits/drakes/burner.png`), used in the project. */
  path: string;
}

export interface Material {
  images: RealImage[];
  /** Where they came from, for the notes. */
  origin: string;
}

/** The benchmark's cache folder (outside the repository). */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME && process.env.XDG_CACHE_HOME !== '' ? process.env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'strata-bench');
}

/** Width and height from a PNG's IHDR chunk (the first 24 bytes), or undefined when it is not a PNG. */
export function pngSize(file: string): { width: number; height: number } | undefined {
  const head = Buffer.alloc(24);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, 24, 0) < 24) return undefined;
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x89504e47 || head.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

/** Every `.png` under `dir`, as absolute paths sorted by path (code-unit order, so the same everywhere). */
function pngsUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.png')) out.push(path);
    }
  };
  walk(dir);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `count` items spread evenly over `items` (the first, then every items/count-th). */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)] as T);
}

/**
 * `count` images from the image folder: half from portraits/, half from units/ (the rest from the
 * other when one has too few), each list sorted by path and filtered to PNGs at least MIN_SIDE px on
 * both sides, then taken evenly spaced so every kind of picture is in (not only the first faction).
 */
export function pickImages(imagesDir: string, count: number): RealImage[] {
  const candidates = FOLDERS.map((folder) => {
    const dir = join(imagesDir, folder);
    if (!existsSync(dir)) return [];
    return pngsUnder(dir).filter((file) => {
      const size = pngSize(file);
      return size !== undefined && size.width >= MIN_SIDE && size.height >= MIN_SIDE;
    });
  });
  const [first = [], second = []] = candidates;
  const fromFirst = Math.min(first.length, Math.max(Math.ceil(count / 2), count - second.length));
  const chosen = [...spread(first, fromFirst), ...spread(second, Math.min(second.length, count - fromFirst))];
  return chosen.map((file) => ({ file, path: relative(imagesDir, file).split('\\').join('/') }));
}

function run(command: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: FETCH_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error) return { ok: false, output: r.error.message };
  return { ok: r.status === 0, output };
}

function lastLine(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').pop()?.slice(0, 300) ?? '';
}

/** The downloaded .deb in `dir`, newest name first, or undefined. */
function debIn(dir: string): string | undefined {
  const debs = readdirSync(dir).filter((n) => n.startsWith(`${WESNOTH_PACKAGE}_`) && n.endsWith('.deb'));
  return debs.sort().reverse()[0];
}

/** Downloads and unpacks the package into `root`; returns why it could not, or undefined. */
function fetchPackage(cache: string, root: string): string | undefined {
  mkdirSync(cache, { recursive: true });
  let deb = debIn(cache);
  if (deb === undefined) {
    log(`thumbnails: fetching ${WESNOTH_PACKAGE} into ${cache} (apt-get download, about 150 MB, once)`);
    let r = run('apt-get', ['download', WESNOTH_PACKAGE], cache);
    if (!r.ok) {
      log(`thumbnails: apt-get download failed (${lastLine(r.output)}); running apt-get update and trying again`);
      const update = run('apt-get', ['update'], cache);
      if (!update.ok) log(`thumbnails: apt-get update failed: ${lastLine(update.output)}`);
      r = run('apt-get', ['download', WESNOTH_PACKAGE], cache);
    }
    deb = debIn(cache);
    if (!r.ok || deb === undefined) return `apt-get download ${WESNOTH_PACKAGE} failed: ${lastLine(r.output) || 'no .deb written'}`;
  }
  const x = run('dpkg-deb', ['-x', join(cache, deb), root], cache);
  return x.ok ? undefined : `dpkg-deb -x ${deb} failed: ${lastLine(x.output)}`;
}

function hasImages(dir: string): boolean {
  return existsSync(join(dir, FOLDERS[0])) && statSync(join(dir, FOLDERS[0])).isDirectory();
}

/**
 * `count` Wesnoth images (fewer when the package has fewer), or the reason none could be found
 * (then the caller generates images instead).
 */
export function findWesnothImages(count: number): Material | { failure: string } {
  const chosen = process.env.STRATA_BENCH_WESNOTH;
  if (chosen === 'none') return { failure: 'STRATA_BENCH_WESNOTH=none' };
  if (chosen !== undefined && chosen !== '') {
    const dir = join(chosen, IMAGES_UNDER_ROOT);
    if (!hasImages(dir)) return { failure: `STRATA_BENCH_WESNOTH=${chosen} has no ${IMAGES_UNDER_ROOT}/${FOLDERS[0]}` };
    return { images: pickImages(dir, count), origin: `${WESNOTH_PACKAGE} unpacked at ${chosen} (STRATA_BENCH_WESNOTH)` };
  }
  const local = join(MATERIAL_ROOT, IMAGES_UNDER_ROOT);
  if (hasImages(local)) return { images: pickImages(local, count), origin: `${WESNOTH_PACKAGE} unpacked at ${MATERIAL_ROOT}` };
  const cache = cacheDir();
  const root = join(cache, `${WESNOTH_PACKAGE}-x`);
  const cached = join(root, IMAGES_UNDER_ROOT);
  if (hasImages(cached)) return { images: pickImages(cached, count), origin: `${WESNOTH_PACKAGE} unpacked in ${root}` };
  const failure = fetchPackage(cache, root);
  if (failure !== undefined) return { failure };
  if (!hasImages(cached)) return { failure: `${WESNOTH_PACKAGE} unpacked into ${root} but has no ${IMAGES_UNDER_ROOT}/${FOLDERS[0]}` };
  return { images: pickImages(cached, count), origin: `${WESNOTH_PACKAGE}'s .deb (apt-get download) in ${cache}, unpacked into ${root}` };
}

/**
 * The fallback when no Wesnoth images can be had: `count` generated PNGs in `dir`, shaped like the
 * package's mix (half 400-500 px portraits, half 72 x 72 to 72 x 150 sprites), from a seed.
 */
export async function generateImages(dir: string, count: number, seed: number): Promise<RealImage[]> {
  const prng = new Prng(seed);
  const out: RealImage[] = [];
  for (let i = 0; i < count; i++) {
    const portrait = i < Math.ceil(count / 2);
    const side = portrait ? prng.between(400, 500) : 72;
    const height = portrait ? side : prng.between(72, 150);
    const path = `${portrait ? 'portraits' : 'units'}/generated-${String(i).padStart(3, '0')}.png`;
    const file = join(dir, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, await encodePng(basePicture(side, height, seed + i)));
    out.push({ file, path });
  }
  return out;
}
