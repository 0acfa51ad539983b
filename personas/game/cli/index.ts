/** `strata game <command>`: the game persona's commands, as one group. */
import type { Argv } from 'yargs';
import { StrataError } from '../../../porcelain/index.js';
import type { StrataCommand } from '../../../porcelain/cli/index.js';
import { milestoneCommand } from './milestone.js';
import { releaseNotesCommand } from './release-notes.js';
import { gamePlatformsCommand } from './platforms.js';

export const gameSubcommands: StrataCommand[] = [milestoneCommand, releaseNotesCommand, gamePlatformsCommand];

export const gameCommand: StrataCommand = {
  command: 'game <command>',
  describe: 'For game teams: milestones and releases, release notes, per-platform configuration',
  group: 'persona',
  name: 'game',
  summary: 'For game teams: milestones and releases, release notes, per-platform configuration',
  builder: (y: Argv) => {
    let out = y.usage('strata game <command> [options]');
    for (const c of gameSubcommands) out = out.command(c);
    return out.demandCommand(1, `give a game command: ${gameSubcommands.map((c) => c.name).join(', ')}`);
  },
  handler: () => {
    throw new StrataError('USAGE', `give a game command: ${gameSubcommands.map((c) => c.name).join(', ')}`);
  },
};
