#!/usr/bin/env node
/**
 * The composition root: builds the CLI from every layer's commands. No logic lives here.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { plumbingCommands, renderError, strataVersion, type StrataCommand } from '../plumbing/cli/index.js';
import { StrataError } from '../plumbing/errors/index.js';
import { releaseHeldLocksSync } from '../plumbing/store/lock-file.js';
import { porcelainCommandsWith } from '../porcelain/cli/index.js';
import { creativeCommand } from '../personas/creative/cli/index.js';
import { gameCommand, gamePinMessages } from '../personas/game/cli/index.js';
import { helpCommand } from './help.js';

const commands: StrataCommand[] = [...porcelainCommandsWith({ pinMessages: { ...gamePinMessages } }), creativeCommand, gameCommand, ...plumbingCommands];
const args = hideBin(process.argv);
const json = args.includes('--json');
const debug = args.includes('--debug');
// The CLI is one minified bundle: with --debug, stack traces are mapped back to the sources.
if (debug) process.setSourceMapsEnabled(true);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    releaseHeldLocksSync();
    renderError(new StrataError('INTERRUPTED', `interrupted by ${signal}; the repository is consistent (unfinished work left only temporary files, which prune removes)`), { json, debug: false });
    process.exit(130);
  });
}

// A reader that stops early (`strata cat-file --batch | head`) closes the pipe: end quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

let cli = yargs(args)
  .scriptName('strata')
  .usage('strata <command> [options]\n\nA versioned, content-addressed backup store. `strata help plumbing` lists the low-level commands.')
  .option('repo', { type: 'string', global: true, describe: 'repository path (default: STRATA_REPO, then a .strata folder found upward)' })
  .option('json', { type: 'boolean', global: true, describe: 'machine-readable output' })
  .option('debug', { type: 'boolean', global: true, describe: 'print versions and stack traces on internal errors' })
  .strict()
  .demandCommand(1, 'give a command; `strata help` lists them')
  .recommendCommands()
  .help('help')
  .alias('h', 'help')
  .version(strataVersion())
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((msg, err) => {
    // Throwing stops yargs before the command runs; the catch below renders the one error line.
    throw err ?? new StrataError('USAGE', msg ?? 'invalid arguments', { hint: 'see `strata --help`' });
  });

for (const command of commands) cli = cli.command(command);
cli = cli.command(helpCommand(commands));

// yargs lays out the whole help text each time a command starts, to have it ready should the command
// fail; strata never prints help after a command has started (failures are one error line, rendered
// below), so that work (10-20 ms of every command's start-up, measured) is skipped.
type UsageInstance = { cacheHelpMessage?: () => void };
const usage = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => UsageInstance } }).getInternalMethods?.().getUsageInstance?.();
if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;

try {
  await cli.parseAsync();
} catch (err) {
  process.exitCode = renderError(err, { json, debug });
}
