/**
 * strata's own version, from its package.json, found by walking up from this module's file (the
 * library under dist/ and the bundled CLI sit at different depths below the package root). A few small
 * reads, once per process.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function strataVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  if (!import.meta.url.startsWith('file:')) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'strata' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // no package.json here (or not ours): look further up
    }
    const up = dirname(dir);
    if (up === dir) return cached;
    dir = up;
  }
}
