/** The plumbing layer's commands, in the order `strata help plumbing` lists them. */
import { catFileCommand } from './cat-file.js';
import { checkoutTreeCommand } from './checkout-tree.js';
import { chunkCommand } from './chunk.js';
import { commitVersionCommand } from './commit-version.js';
import { countObjectsCommand } from './count-objects.js';
import type { StrataCommand } from './define-command.js';
import { forEachRefCommand } from './for-each-ref.js';
import { fsckCommand } from './fsck.js';
import { hashObjectCommand } from './hash-object.js';
import { initCommand } from './init.js';
import { lsTreeCommand } from './ls-tree.js';
import { pruneCommand } from './prune.js';
import { revParseCommand } from './rev-parse.js';
import { symbolicRefCommand } from './symbolic-ref.js';
import { updateRefCommand } from './update-ref.js';
import { writeTreeCommand } from './write-tree.js';

export const plumbingCommands: StrataCommand[] = [
  initCommand,
  hashObjectCommand,
  catFileCommand,
  lsTreeCommand,
  writeTreeCommand,
  checkoutTreeCommand,
  commitVersionCommand,
  updateRefCommand,
  symbolicRefCommand,
  forEachRefCommand,
  revParseCommand,
  chunkCommand,
  fsckCommand,
  countObjectsCommand,
  pruneCommand,
];

export { defineCommand, defineCommandGroup, type StrataCommand, type CommandSpec, type CommandGroup, type CommandGroupSpec } from './define-command.js';
export { strataVersion } from './strata-version.js';
export { runCommand, renderError, parseArgs, parseSize, parseKeyValues, stdinLines, stdinLineGroups, type CliContext, type GlobalArgs } from './runtime.js';
export { ProgressLine, formatBytes } from './progress.js';
