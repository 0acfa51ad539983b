/** Command-line options of the plumbing benchmark. */

/** The cases, in the order they run; `--only` takes these names. */
export const CASE_NAMES = ['chunker', 'hash-random', 'hash-text', 'write-tree', 'cat-file', 'others'] as const;
export type CaseName = (typeof CASE_NAMES)[number];

export interface BenchOptions {
  /** Shrink every data size about 8x for a smoke run. */
  quick: boolean;
  /** The cases to run, in run order. */
  cases: CaseName[];
  /** Keep the temp folder (for inspection) instead of removing it at the end. */
  keep: boolean;
}

const USAGE = `usage: node dist/bench/plumbing.js [--quick] [--only <case>[,<case>...]] [--keep]
cases: ${CASE_NAMES.join(', ')}`;

function isCaseName(value: string): value is CaseName {
  return (CASE_NAMES as readonly string[]).includes(value);
}

function parseOnly(value: string | undefined): CaseName[] {
  if (value === undefined || value === '') throw new Error(`--only needs a case name\n${USAGE}`);
  return value.split(',').map((name) => {
    const trimmed = name.trim();
    if (!isCaseName(trimmed)) throw new Error(`unknown case "${trimmed}"\n${USAGE}`);
    return trimmed;
  });
}

/** Parses `argv` (without the node and script paths); throws with a usage text on a bad argument. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let quick = false;
  let keep = false;
  const only = new Set<CaseName>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--keep') keep = true;
    else if (arg === '--only') parseOnly(argv[++i]).forEach((name) => only.add(name));
    else if (arg.startsWith('--only=')) parseOnly(arg.slice('--only='.length)).forEach((name) => only.add(name));
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  const cases = only.size === 0 ? [...CASE_NAMES] : CASE_NAMES.filter((name) => only.has(name));
  return { quick, cases, keep };
}
