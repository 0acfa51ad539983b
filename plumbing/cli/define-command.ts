import type { Argv, CommandModule } from 'yargs';
import type { z } from 'zod';
import { StrataError } from '../errors/index.js';
import { parseArgs, runCommand, type CliContext, type GlobalArgs } from './runtime.js';

export interface CommandSpec<S extends z.ZodType> {
  /** yargs command string, e.g. `cat-file [object]`. */
  command: string;
  describe: string;
  /** How `strata help` groups it: `porcelain`, `plumbing`, or `persona` (a persona's command group). */
  group: CommandGroup;
  builder: (yargs: Argv) => Argv;
  /** The arguments after yargs, validated. */
  schema: S;
  run: (args: z.infer<S>, ctx: CliContext) => Promise<void>;
}

export type CommandGroup = 'plumbing' | 'porcelain' | 'persona';

export interface StrataCommand extends CommandModule {
  group: CommandGroup;
  name: string;
  summary: string;
}

/** The positional names of a yargs command string, in order: `cat-file [object]` -> [{ name, variadic }]. */
function positionals(command: string): Array<{ name: string; variadic: boolean }> {
  return [...command.matchAll(/[<[]([^\]>.]+)(\.\.)?[\]>]/g)].map((m) => ({ name: m[1] as string, variadic: m[2] !== undefined }));
}

/**
 * yargs leaves words that follow `--` unbound (in `argv._`); bind them to the command's positionals in
 * order (so `ls-tree T -- -name` works), and refuse any that have no place.
 */
function bindAfterDoubleDash(command: string, argv: Record<string, unknown>): Record<string, unknown> {
  // `_` starts with the command's own words (`cat-file`, or `creative diff` for a subcommand).
  const words = ((argv._ as unknown[] | undefined) ?? []).map(String);
  const name = command.split(' ')[0] as string;
  const extra = words.slice(words.indexOf(name) + 1);
  if (extra.length === 0) return argv;
  const out = { ...argv };
  for (const p of positionals(command)) {
    if (extra.length === 0) break;
    const key = p.name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (p.variadic) {
      out[key] = [...((out[key] as string[] | undefined) ?? []), ...extra.splice(0)];
    } else if (out[key] === undefined) {
      out[key] = extra.shift();
    }
  }
  if (extra.length > 0) throw new StrataError('USAGE', `unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(' ')}`);
  return out;
}

/** A command module: the argument spec, a zod parse, one library call and rendering. */
export function defineCommand<S extends z.ZodType>(spec: CommandSpec<S>): StrataCommand {
  return {
    command: spec.command,
    describe: spec.describe,
    group: spec.group,
    name: spec.command.split(' ')[0] as string,
    summary: spec.describe,
    builder: spec.builder,
    handler: (argv) =>
      runCommand(argv as GlobalArgs, (ctx) => spec.run(parseArgs(spec.schema, bindAfterDoubleDash(spec.command, argv)), ctx)),
  };
}

export interface CommandGroupSpec {
  /** The group's word (`creative`, `workspace`). */
  name: string;
  /** The words before it in usage lines (`strata creative` for `workspace`); default `strata`. */
  parent?: string;
  describe: string;
  group: CommandGroup;
  /** Its subcommands, in the order help lists them (read when the group is built, so a list filled later counts). */
  subcommands: readonly StrataCommand[];
}

/** A command made of subcommands (`strata creative diff`, `strata game milestone create`). */
export function defineCommandGroup(spec: CommandGroupSpec): StrataCommand {
  const missing = (): string => `give a ${spec.name} command: ${spec.subcommands.map((c) => c.name).join(', ')}`;
  return {
    command: `${spec.name} [command]`,
    describe: spec.describe,
    group: spec.group,
    name: spec.name,
    summary: spec.describe,
    builder: (y: Argv) => {
      let out = y.usage(`${spec.parent ?? 'strata'} ${spec.name} <command> [options]`);
      for (const c of spec.subcommands) out = out.command(c);
      return out.demandCommand(1, missing());
    },
    handler: () => {
      throw new StrataError('USAGE', missing());
    },
  };
}
