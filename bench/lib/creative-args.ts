/** Command-line options of the creative benchmark (`bench/creative.ts`). */

/** The cases, in the order they run; `--only` takes these names. */
export const CREATIVE_CASES = ['image-diff', 'thumbnails', 'timeline', 'refs', 'elements-psd'] as const;
export type CreativeCase = (typeof CREATIVE_CASES)[number];

export interface CreativeOptions {
  /** Smaller inputs for a fast sanity run (targets are then n/a). */
  quick: boolean;
  /** The cases to run, in run order. */
  cases: CreativeCase[];
  /** Keep the temp folder (for inspection) instead of removing it at the end. */
  keep: boolean;
}

/** The sizes a run works on: the full ones, or the `--quick` ones. */
export interface CreativeSizes {
  /** Side of the two square PNGs the image diff compares. */
  diffSide: number;
  /** Images the thumbnails case snapshots. */
  thumbnailImages: number;
  /** Side of the square image the timeline follows, and its number of versions. */
  timelineSide: number;
  timelineVersions: number;
  /** Files of the generated project the refs case reads. */
  refsFiles: number;
  /** Canvas of the layered PSD the elements-psd case lists and extracts from. */
  psdWidth: number;
  psdHeight: number;
}

export const FULL_SIZES: CreativeSizes = { diffSide: 4096, thumbnailImages: 200, timelineSide: 2048, timelineVersions: 20, refsFiles: 10_000, psdWidth: 5000, psdHeight: 3500 };
export const QUICK_SIZES: CreativeSizes = { diffSide: 1024, thumbnailImages: 20, timelineSide: 512, timelineVersions: 5, refsFiles: 1000, psdWidth: 1000, psdHeight: 700 };

export function sizesOf(options: CreativeOptions): CreativeSizes {
  return options.quick ? QUICK_SIZES : FULL_SIZES;
}

const USAGE = `usage: node dist/bench/creative.js [--quick] [--only <case>[,<case>...]] [--keep]
  --quick  small inputs (${QUICK_SIZES.diffSide} px diff, ${QUICK_SIZES.thumbnailImages} thumbnails, ${QUICK_SIZES.timelineVersions} timeline versions at ${QUICK_SIZES.timelineSide} px,
           ${QUICK_SIZES.refsFiles} files for refs, a ${QUICK_SIZES.psdWidth} x ${QUICK_SIZES.psdHeight} PSD); targets do not apply
  --only   run these cases
  --keep   keep the temp folder
cases: ${CREATIVE_CASES.join(', ')}`;

/** Splits `--name=value` into its two parts; other arguments come back as they are. */
function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function parseCases(value: string | undefined): CreativeCase[] {
  if (value === undefined || value === '' || value.startsWith('--')) throw new Error(`--only needs a value\n${USAGE}`);
  return value.split(',').map((raw) => {
    const name = raw.trim();
    if (!(CREATIVE_CASES as readonly string[]).includes(name)) throw new Error(`--only: unknown case "${name}"\n${USAGE}`);
    return name as CreativeCase;
  });
}

/** Parses `argv` (without the node and script paths); throws with a usage text on a bad argument. */
export function parseCreativeArgs(argv: readonly string[]): CreativeOptions {
  let quick = false;
  let keep = false;
  const only = new Set<CreativeCase>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = splitInline(argv[i] as string);
    if (name === '--quick' && inline === undefined) quick = true;
    else if (name === '--keep' && inline === undefined) keep = true;
    else if (name === '--only') parseCases(inline !== undefined ? inline : argv[++i]).forEach((c) => only.add(c));
    else if (name === '--help' || name === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument "${argv[i] as string}"\n${USAGE}`);
  }
  return { quick, cases: only.size === 0 ? [...CREATIVE_CASES] : CREATIVE_CASES.filter((c) => only.has(c)), keep };
}
