/** `strata game <command>`: the game persona's commands, as one group. */
import { defineCommandGroup, type PinMessages, type StrataCommand } from '../../../porcelain/cli/index.js';
import { milestoneCommand } from './milestone.js';
import { releaseNotesCommand } from './release-notes.js';
import { gamePlatformsCommand } from './platforms.js';
import { feedbackCommand } from './feedback.js';
import { gamePlaytestCommand } from './playtest.js';
import { MILESTONE_PIN_OWNER } from '../milestones/rules.js';

export const gameSubcommands: StrataCommand[] = [milestoneCommand, releaseNotesCommand, gamePlatformsCommand, gamePlaytestCommand, feedbackCommand];

/**
 * The messages of the git tags `strata git export` writes for milestones (their pins): type, name,
 * version number and notes. Given to the porcelain's commands by the composition root.
 */
export const gamePinMessages: PinMessages = {
  [MILESTONE_PIN_OWNER]: async (options) => (await import('../ops/milestone.js')).milestoneTagMessage(options),
};

export const gameCommand = defineCommandGroup({ name: 'game', describe: 'For game teams: milestones and releases, release notes, per-platform configuration, player feedback, playtest sessions', group: 'persona', subcommands: gameSubcommands });
