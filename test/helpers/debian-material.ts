/**
 * Real test material from Debian packages (files nobody here made), for the heavier tests: the folder a
 * package is unpacked into, found under /tmp/material/x (where sessions unpack material), or in the
 * test cache (`$XDG_CACHE_HOME/strata-test/<package>`, default `~/.cache/strata-test/`), or fetched
 * there with `apt-get download` and `dpkg-deb -x`. Undefined, with the reason, when none of that works
 * (no network, no apt, STRATA_TEST_FETCH=0): the caller skips and says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Material {
  /** The root the package is unpacked into (its files are under `usr/…`). */
  root?: string;
  /** Why there is none. */
  reason?: string;
}

const SHARED_ROOT = '/tmp/material/x';

function cacheRoot(pkg: string): string {
  const base = process.env.XDG_CACHE_HOME ? process.env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'strata-test', pkg);
}

/** The unpacked package, where `probe` (a path under the root) exists. */
export function debianMaterial(pkg: string, probe: string): Material {
  if (existsSync(join(SHARED_ROOT, probe))) return { root: SHARED_ROOT };
  const dir = cacheRoot(pkg);
  const root = join(dir, 'root');
  if (existsSync(join(dir, 'complete')) && existsSync(join(root, probe))) return { root };
  if (process.env.STRATA_TEST_FETCH === '0') return { reason: `${pkg} is not unpacked and STRATA_TEST_FETCH=0` };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  let got = run('apt-get', ['download', pkg]);
  if (got.status !== 0) {
    run('apt-get', ['update', '-qq']);
    got = run('apt-get', ['download', pkg]);
  }
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  if (got.status !== 0 || !deb) return { reason: `apt-get download ${pkg} failed: ${(got.stderr || got.error?.message || '').trim().split('\n').pop()}` };
  const x = run('dpkg-deb', ['-x', deb, root]);
  if (x.status !== 0 || !existsSync(join(root, probe))) return { reason: `dpkg-deb -x ${deb} failed: ${(x.stderr || '').trim()}` };
  rmSync(join(dir, deb), { force: true });
  writeFileSync(join(dir, 'complete'), `${pkg}\n`);
  return { root };
}
