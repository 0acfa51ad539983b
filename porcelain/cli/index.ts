/** The porcelain layer's commands, in the order `strata help porcelain` lists them. */
import type { StrataCommand } from '../../plumbing/cli/index.js';
import { snapshotCommand } from './snapshot.js';
import { statsCommand } from './stats.js';
import { forgetCommand } from './forget.js';
import { gcCommand } from './gc.js';
import { checkCommand } from './check.js';
import { unlockCommand } from './unlock.js';

export const porcelainCommands: StrataCommand[] = [snapshotCommand, statsCommand, forgetCommand, gcCommand, checkCommand, unlockCommand];
