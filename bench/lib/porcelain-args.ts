/** Command-line options of the porcelain benchmark (`bench/porcelain.ts`). */

/** The cases, in the order they run; `--only` takes these names. */
export const PORCELAIN_CASES = [
  'first-snapshot',
  'unchanged-snapshot',
  'edited-snapshot',
  'restore-full',
  'restore-small',
  'restore-large',
] as const;
export type PorcelainCase = (typeof PORCELAIN_CASES)[number];

/** The tools compared; strata always runs, the others when installed. */
export const TOOL_NAMES = ['strata', 'git', 'restic', 'borg'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export interface PorcelainOptions {
  /** Multiplies file counts and large-file sizes (1: the full ~1 GiB data set). */
  scale: number;
  /** The cases to run, in run order. */
  cases: PorcelainCase[];
  /** The tools to run, strata first. */
  tools: ToolName[];
  /** Keep the temp folder (for inspection) instead of removing it at the end. */
  keep: boolean;
}

/** `--quick` is this scale. */
export const QUICK_SCALE = 1 / 8;
const MAX_SCALE = 4;

const USAGE = `usage: node dist/bench/porcelain.js [--scale <f> | --quick] [--only <case>[,<case>...]] [--tools <tool>[,<tool>...]] [--keep]
  --scale <f>  multiply file counts and large-file sizes by f (default 1: ~1 GiB; targets apply only at 1)
  --quick      the same as --scale ${QUICK_SCALE}
  --only       run these cases (the snapshots a case needs are taken first, untimed)
  --tools      compare with these tools only (strata always runs; default: every installed one)
  --keep       keep the temp folder
cases: ${PORCELAIN_CASES.join(', ')}
tools: ${TOOL_NAMES.join(', ')}`;

function parseList<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T[] {
  if (value === undefined || value === '' || value.startsWith('--')) throw new Error(`${option} needs a value\n${USAGE}`);
  return value.split(',').map((raw) => {
    const name = raw.trim();
    if (!(allowed as readonly string[]).includes(name)) throw new Error(`${option}: unknown name "${name}"\n${USAGE}`);
    return name as T;
  });
}

function parseScale(value: string | undefined): number {
  const scale = value === undefined ? Number.NaN : Number(value);
  if (!Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new Error(`--scale needs a number above 0 and at most ${MAX_SCALE}, got "${value ?? ''}"\n${USAGE}`);
  }
  return scale;
}

/** Splits `--name=value` into its two parts; other arguments come back as they are. */
function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/** Parses `argv` (without the node and script paths); throws with a usage text on a bad argument. */
export function parsePorcelainArgs(argv: readonly string[]): PorcelainOptions {
  let scale: number | undefined;
  let quick = false;
  let keep = false;
  const only = new Set<PorcelainCase>();
  const tools = new Set<ToolName>(['strata']);
  let toolsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = splitInline(argv[i] as string);
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    if (name === '--quick' && inline === undefined) quick = true;
    else if (name === '--keep' && inline === undefined) keep = true;
    else if (name === '--scale') scale = parseScale(value());
    else if (name === '--only') parseList('--only', value(), PORCELAIN_CASES).forEach((c) => only.add(c));
    else if (name === '--tools') {
      toolsGiven = true;
      parseList('--tools', value(), TOOL_NAMES).forEach((t) => tools.add(t));
    } else if (name === '--help' || name === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument "${argv[i] as string}"\n${USAGE}`);
  }
  if (quick && scale !== undefined) throw new Error(`--quick and --scale cannot be combined\n${USAGE}`);
  return {
    scale: scale ?? (quick ? QUICK_SCALE : 1),
    cases: only.size === 0 ? [...PORCELAIN_CASES] : PORCELAIN_CASES.filter((c) => only.has(c)),
    tools: toolsGiven ? TOOL_NAMES.filter((t) => tools.has(t)) : [...TOOL_NAMES],
    keep,
  };
}
