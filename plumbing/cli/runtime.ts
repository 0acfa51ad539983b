import { z } from 'zod';
import { StrataError, exitCodeFor, EXIT } from '../errors/index.js';
import { openRepository, type Repository } from '../store/repository.js';
import { systemClock } from '../store/clock.js';
import { strataVersion } from './strata-version.js';

/** Options every command accepts. */
export interface GlobalArgs {
  repo?: string | undefined;
  json?: boolean | undefined;
  debug?: boolean | undefined;
}

/** What a command's handler gets: its output streams and a way to open the repository. */
export interface CliContext {
  json: boolean;
  debug: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Writes a line (or lines) of human output to stdout. */
  print(text: string): void;
  /** Writes one JSON document to stdout. */
  printJson(value: unknown): void;
  /** A warning on stderr (a JSON line with --json). */
  warn(message: string, data?: Record<string, unknown>): void;
  openRepo(): Promise<Repository>;
  /** The repository if one is found, undefined when there is none (other errors still throw). */
  openRepoIfAny(): Promise<Repository | undefined>;
  /** Set the exit code for a finished command that did not fully succeed (3, 12). */
  setExitCode(code: number): void;
}

export function createContext(argv: GlobalArgs): CliContext {
  const json = argv.json ?? false;
  const ctx: CliContext = {
    json,
    debug: argv.debug ?? false,
    stdout: process.stdout,
    stderr: process.stderr,
    print: (text) => {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    printJson: (value) => {
      process.stdout.write(`${JSON.stringify(value)}\n`);
    },
    warn: (message, data) => {
      if (json) process.stderr.write(`${JSON.stringify({ message_type: 'warning', message, ...(data ?? {}) })}\n`);
      else process.stderr.write(`warning: ${message}\n`);
    },
    openRepo: () => openRepository({ repo: argv.repo, clock: systemClock }),
    openRepoIfAny: async () => {
      try {
        return await openRepository({ repo: argv.repo, clock: systemClock });
      } catch (err) {
        if (err instanceof StrataError && err.code === 'NO_REPOSITORY') return undefined;
        throw err;
      }
    },
    setExitCode: (code) => {
      if (code > (process.exitCode as number | undefined ?? 0)) process.exitCode = code;
    },
  };
  return ctx;
}

/** Renders an error on stderr and sets the exit code; never prints a stack unless --debug. */
export function renderError(err: unknown, opts: { json: boolean; debug: boolean }): number {
  let strata: StrataError;
  if (err instanceof StrataError) strata = err;
  else {
    const message = err instanceof Error ? err.message : String(err);
    strata = new StrataError('INTERNAL', `internal error: ${message}`, {
      hint: 'this is a bug in strata; run again with --debug and report what it prints',
      cause: err,
    });
  }
  const exitCode = exitCodeFor(strata.code);
  const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();
  strata = new StrataError(strata.code, oneLine(strata.message), {
    ...(strata.hint === undefined ? {} : { hint: oneLine(strata.hint) }),
    ...(strata.data === undefined ? {} : { data: strata.data }),
    cause: strata.cause ?? strata,
  });
  if (opts.json) {
    process.stderr.write(`${JSON.stringify({ message_type: 'error', ...strata.toJSON(), exitCode })}\n`);
  } else {
    process.stderr.write(`error[${strata.code}]: ${strata.message}\n`);
    if (strata.hint) process.stderr.write(`hint: ${strata.hint}\n`);
  }
  if (opts.debug) {
    const cause = strata.cause ?? strata;
    process.stderr.write(`strata ${strataVersion()} node ${process.version} ${process.platform}-${process.arch}\n`);
    process.stderr.write(`${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
  }
  return exitCode;
}

/** Runs a command body with the shared context, rendering any error and setting the exit code. */
export async function runCommand(argv: GlobalArgs, body: (ctx: CliContext) => Promise<void>): Promise<void> {
  const ctx = createContext(argv);
  try {
    await body(ctx);
  } catch (err) {
    process.exitCode = renderError(err, { json: ctx.json, debug: ctx.debug });
  }
}

/** Parses command arguments with a zod schema; a failure is a usage error (exit 2). */
export function parseArgs<T extends z.ZodType>(schema: T, argv: unknown): z.infer<T> {
  const parsed = schema.safeParse(argv);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `--${issue.path.join('.')}: ` : '';
    throw new StrataError('USAGE', `${where}${issue?.message ?? 'invalid arguments'}`);
  }
  return parsed.data;
}

/** Parses a byte size: a number, optionally with K, M or G (powers of 1024) and an optional `iB`/`B`. */
export function parseSize(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*([kmg])?(?:i?b)?$/i.exec(String(value).trim());
  if (!m) throw new StrataError('USAGE', `--${name}: "${String(value)}" is not a size (use bytes, or a number with K, M or G)`);
  const mult = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Number(m[1]) * mult;
}

/** Parses `key=value` pairs. */
export function parseKeyValues(values: readonly string[] | undefined, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new StrataError('USAGE', `--${name}: "${item}" is not key=value`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Reads stdin as lines, lazily (for batch modes). */
export async function* stdinLines(): AsyncGenerator<string> {
  for await (const group of stdinLineGroups()) yield* group;
}

/**
 * Standard input's lines in groups: each group holds the complete lines that arrived together (one
 * read), so a caller can work on many at once and still answer an interactive writer line by line.
 */
export async function* stdinLineGroups(): AsyncGenerator<string[]> {
  let rest = '';
  process.stdin.setEncoding('utf8');
  for await (const piece of process.stdin as AsyncIterable<string>) {
    rest += piece;
    const last = rest.lastIndexOf('\n');
    if (last < 0) continue;
    const lines = rest.slice(0, last).split('\n');
    rest = rest.slice(last + 1);
    yield lines;
  }
  if (rest !== '') yield [rest];
}

export const EXIT_CODES = EXIT;
