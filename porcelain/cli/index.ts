/** The porcelain layer's commands, in the order `strata help porcelain` lists them. */
import type { StrataCommand } from '../../plumbing/cli/index.js';
import { snapshotCommand } from './snapshot.js';

export const porcelainCommands: StrataCommand[] = [snapshotCommand];
