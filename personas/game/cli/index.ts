/** `strata game <command>`: the game persona's commands, as one group. */
import { defineCommandGroup, type StrataCommand } from '../../../porcelain/cli/index.js';
import { milestoneCommand } from './milestone.js';
import { releaseNotesCommand } from './release-notes.js';
import { gamePlatformsCommand } from './platforms.js';
import { feedbackCommand } from './feedback.js';
import { gamePlaytestCommand } from './playtest.js';

export const gameSubcommands: StrataCommand[] = [milestoneCommand, releaseNotesCommand, gamePlatformsCommand, gamePlaytestCommand, feedbackCommand];

export const gameCommand = defineCommandGroup({ name: 'game', describe: 'For game teams: milestones and releases, release notes, per-platform configuration', group: 'persona', subcommands: gameSubcommands });
