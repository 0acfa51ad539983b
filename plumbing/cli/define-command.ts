import type { Argv, CommandModule } from 'yargs';
import type { z } from 'zod';
import { parseArgs, runCommand, type CliContext, type GlobalArgs } from './runtime.js';

export interface CommandSpec<S extends z.ZodType> {
  /** yargs command string, e.g. `cat-file [object]`. */
  command: string;
  describe: string;
  /** `plumbing` or `porcelain`: how `strata help` groups it. */
  group: 'plumbing' | 'porcelain';
  builder: (yargs: Argv) => Argv;
  /** The arguments after yargs, validated. */
  schema: S;
  run: (args: z.infer<S>, ctx: CliContext) => Promise<void>;
}

export interface StrataCommand extends CommandModule {
  group: 'plumbing' | 'porcelain';
  name: string;
  summary: string;
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
    handler: (argv) => runCommand(argv as GlobalArgs, (ctx) => spec.run(parseArgs(spec.schema, argv), ctx)),
  };
}
