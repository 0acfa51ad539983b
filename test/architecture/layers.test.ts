import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SOURCE_DIRS = ['bin', 'plumbing', 'porcelain', 'personas', 'bench'];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) specs.push((m[1] ?? m[2]) as string);
  return specs;
}

/** A file's position: layer (plumbing=1, porcelain=2, personas=3, bin/bench=4) and plumbing sub-rank. */
function place(rel: string): { layer: string; rank: number; sub?: string; subRank?: number } {
  const parts = rel.split(sep);
  const top = parts[0] as string;
  if (top === 'plumbing') {
    const sub = parts.length > 2 ? (parts[1] as string) : 'index';
    const subRanks: Record<string, number> = { errors: 0, util: 0, format: 1, chunking: 2, store: 3, ops: 4, cli: 5, index: 6 };
    return { layer: 'plumbing', rank: 1, sub, subRank: subRanks[sub] ?? 99 };
  }
  if (top === 'porcelain') return { layer: 'porcelain', rank: 2 };
  if (top === 'personas') return { layer: `personas/${parts[1]}`, rank: 3 };
  return { layer: top, rank: 4 };
}

const files = SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)));

describe('architecture: dependencies point down only', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const file of files) {
    const rel = relative(ROOT, file);
    it(`${rel} imports only downward`, () => {
      const from = place(rel);
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
        const to = place(target);
        expect(to.rank, `${rel} -> ${target}: an upward import`).toBeLessThanOrEqual(from.rank);
        if (to.layer.startsWith('personas/') && from.layer.startsWith('personas/')) {
          expect(to.layer, `${rel} -> ${target}: personas must not import each other`).toBe(from.layer);
        }
        if (to.rank < from.rank && from.rank < 4) {
          // An upper layer reaches a lower one only through its index.ts; a command module may also use
          // the lower layer's command toolkit through its cli/index.ts.
          const cliToolkit = rel.split(sep).includes('cli') && target.split(sep).length === 3 && target.endsWith(`${sep}cli${sep}index.ts`);
          expect(cliToolkit ? 2 : target.split(sep).length, `${rel} -> ${target}: import the layer's index.ts`).toBe(2);
          expect(target.endsWith('index.ts'), `${rel} -> ${target}: import the layer's index.ts`).toBe(true);
        }
        if (from.layer === 'plumbing' && to.layer === 'plumbing' && from.subRank !== undefined && to.subRank !== undefined) {
          expect(to.subRank, `${rel} -> ${target}: ${from.sub} may not import ${to.sub}`).toBeLessThanOrEqual(from.subRank);
        }
      }
    });
  }

  it('library code never prints, exits or reads the wall clock directly', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const rel = relative(ROOT, file);
      if (/^(bin|bench)/.test(rel) || rel.includes(`${sep}cli${sep}`)) continue;
      const text = readFileSync(file, 'utf8');
      if (/console\.|process\.exit\(|process\.stdout|process\.stderr/.test(text)) offenders.push(`${rel}: prints or exits`);
      if (/Date\.now\(\)/.test(text) && !rel.endsWith(join('store', 'clock.ts')) && !rel.endsWith(join('store', 'lock-file.ts'))) {
        offenders.push(`${rel}: reads Date.now() (inject a Clock)`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
