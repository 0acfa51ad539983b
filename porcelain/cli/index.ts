/** The porcelain layer's commands, in the order `strata help porcelain` lists them. */
import type { StrataCommand } from '../../plumbing/cli/index.js';
import { snapshotCommand } from './snapshot.js';
import { restoreCommand } from './restore.js';
import { catCommand } from './cat.js';
import { lsCommand } from './ls.js';
import { statusCommand } from './status.js';
import { logCommand } from './log.js';
import { showCommand } from './show.js';
import { diffCommand } from './diff.js';
import { findCommand } from './find.js';
import { tagCommand } from './tag.js';
import { branchCommand } from './branch.js';
import { statsCommand } from './stats.js';
import { forgetCommand } from './forget.js';
import { gcCommand } from './gc.js';
import { checkCommand } from './check.js';
import { unlockCommand } from './unlock.js';
import { createGitCommand, type PinMessages } from './git.js';

/** What the layers above lend the porcelain's commands (given by the composition root). */
export interface PorcelainCommandHooks {
  /** Tag messages for the pins of the layers above, by pin owner (`strata git export`). */
  pinMessages?: PinMessages;
}

/** The porcelain layer's commands, with the layers above's hooks. */
export function porcelainCommandsWith(hooks: PorcelainCommandHooks = {}): StrataCommand[] {
  return [snapshotCommand, restoreCommand, catCommand, lsCommand, statusCommand, logCommand, showCommand, diffCommand, findCommand, tagCommand, branchCommand, statsCommand, forgetCommand, gcCommand, checkCommand, unlockCommand, createGitCommand(hooks.pinMessages)];
}

export const porcelainCommands: StrataCommand[] = porcelainCommandsWith();
export type { PinMessages } from './git.js';

// The command toolkit, for the personas' command modules (they import porcelain only).
export { defineCommand, defineCommandGroup, formatBytes, ProgressLine, parseKeyValues, type StrataCommand, type CliContext, type CommandGroup, type CommandGroupSpec } from '../../plumbing/cli/index.js';
export { sourceFolder } from './source-folder.js';
export { signedBytes, pathText } from './diff.js';
export { formatTime, shortId } from './log.js';
