/**
 * Real archives for the chunking benchmark, from Debian packages, kept in the benchmark's cache folder
 * (`$XDG_CACHE_HOME/strata-bench/`, default `~/.cache/strata-bench/`): three consecutive
 * `linux-source-6.1` tarballs (the package's `.tar.xz`, decompressed to the plain `.tar` a user backing
 * up tarballs would store), `warzone2100-data`'s `base.wz` (a stored zip of 3,890 members) and
 * `krita-data`'s Krita documents (zips of deflated layers). Fetched once with `apt-get download`
 * (after `apt-get update` when the first try fails); each getter returns the reason instead when that
 * is impossible (no apt, no network), and the case is skipped with it. Krita's documents are taken
 * from /tmp/material/x first, where this project's sessions unpack test material.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './context.js';
import { cacheDir } from './creative-material.js';

export const LINUX_PACKAGE = 'linux-source-6.1';
/** Three consecutive security updates of Debian 12's 6.1 kernel source. */
export const LINUX_VERSIONS = ['6.1.187-1', '6.1.190-1', '6.1.192-1'] as const;
const WARZONE_PACKAGE = 'warzone2100-data';
const KRITA_PACKAGE = 'krita-data';
const TIMEOUT_MS = 20 * 60_000;

export type Got = { path: string } | { reason: string };

function sh(script: string, cwd: string): { ok: boolean; output: string } {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], { cwd, encoding: 'utf8', timeout: TIMEOUT_MS });
  return { ok: r.status === 0, output: `${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim() };
}

function lastLine(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').pop() ?? '';
}

/** The package's .deb in the cache, downloaded when missing. */
function deb(pkg: string, version?: string): Got {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const prefix = `${pkg}_${version ? `${version.replace(':', '%3a')}_` : ''}`;
  const find = (): string | undefined => readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
  const have = find();
  if (have) return { path: join(dir, have) };
  if (spawnSync('apt-get', ['--version']).status !== 0) return { reason: `apt-get is not available to fetch ${pkg}` };
  const spec = version ? `${pkg}=${version}` : pkg;
  log(`chunking: fetching ${spec} into ${dir} (apt-get download, about 140 MB, once)`);
  let r = sh(`apt-get download '${spec}'`, dir);
  if (!r.ok) {
    sh('apt-get update -qq', dir);
    r = sh(`apt-get download '${spec}'`, dir);
  }
  const got = find();
  return r.ok && got ? { path: join(dir, got) } : { reason: `apt-get download ${spec} failed: ${lastLine(r.output)}` };
}

/** A Linux source tarball, decompressed (`linux-<version>.tar` in the cache). */
export function linuxTarball(version: string): Got {
  const out = join(cacheDir(), `linux-${version}.tar`);
  if (existsSync(out)) return { path: out };
  const d = deb(LINUX_PACKAGE, version);
  if (!('path' in d)) return d;
  log(`chunking: decompressing the kernel tarball of ${version} (about 1.4 GB)`);
  const r = sh(`dpkg-deb --fsys-tarfile '${d.path}' | tar -xO --wildcards '*.tar.xz' | xz -dc > '${out}.partial'`, cacheDir());
  if (!r.ok) {
    rmSync(`${out}.partial`, { force: true });
    return { reason: `cannot unpack ${d.path}: ${lastLine(r.output)}` };
  }
  renameSync(`${out}.partial`, out);
  return { path: out };
}

/** Unpacks a package into `<cache>/<folder>` once; returns the root. */
function unpacked(pkg: string, folder: string, probe: string): Got {
  const root = join(cacheDir(), folder);
  if (existsSync(join(root, probe))) return { path: root };
  const d = deb(pkg);
  if (!('path' in d)) return d;
  const r = sh(`rm -rf '${root}.partial' && mkdir -p '${root}.partial' && dpkg-deb -x '${d.path}' '${root}.partial' && rm -rf '${root}' && mv '${root}.partial' '${root}'`, cacheDir());
  return r.ok && existsSync(join(root, probe)) ? { path: root } : { reason: `cannot unpack ${d.path}: ${lastLine(r.output)}` };
}

/** warzone2100-data's base.wz. */
export function warzoneBase(): Got {
  const probe = 'usr/share/games/warzone2100/base.wz';
  const r = unpacked(WARZONE_PACKAGE, 'wz', probe);
  return 'path' in r ? { path: join(r.path, probe) } : r;
}

/** krita-data's Krita documents (`.kra`) of at least `minBytes`, largest first. */
export function kritaDocuments(minBytes: number): { paths: string[] } | { reason: string } {
  const under = 'usr/share/krita/templates';
  const shared = join('/tmp/material/x', under);
  let dir = shared;
  if (!existsSync(shared)) {
    const r = unpacked(KRITA_PACKAGE, 'krita', under);
    if (!('path' in r)) return r;
    dir = join(r.path, under);
  }
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.kra') && statSync(p).size >= minBytes) found.push(p);
    }
  };
  walk(dir);
  found.sort((a, b) => statSync(b).size - statSync(a).size || a.localeCompare(b));
  return found.length > 0 ? { paths: found } : { reason: `no Krita documents of ${minBytes} bytes or more under ${dir}` };
}
