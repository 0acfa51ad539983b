/** `strata creative <command>`: the creative persona's commands, as one group. */
import type { Argv } from 'yargs';
import { StrataError } from '../../../porcelain/index.js';
import type { StrataCommand } from '../../../porcelain/cli/index.js';
import { creativeCompareCommand } from './compare.js';
import { creativeDiffCommand } from './diff.js';
import { creativeBackupsCommand, creativeElementsCommand, creativeExtractCommand, creativeRestoreElementCommand } from './elements.js';
import { creativeTimelineCommand } from './timeline.js';
import { creativeThumbCommand, creativeThumbnailsCommand } from './thumbnails.js';
import { creativeWorkspaceCommand } from './workspace.js';
import { creativeRefsCommand } from './refs.js';
import { creativeMvCommand } from './mv.js';
import { creativeRestoreAssetCommand } from './restore-asset.js';

export const creativeSubcommands: StrataCommand[] = [creativeDiffCommand, creativeCompareCommand, creativeTimelineCommand, creativeThumbnailsCommand, creativeThumbCommand, creativeElementsCommand, creativeExtractCommand, creativeRestoreElementCommand, creativeBackupsCommand, creativeWorkspaceCommand, creativeRefsCommand, creativeMvCommand, creativeRestoreAssetCommand];

export const creativeCommand: StrataCommand = {
  command: 'creative <command>',
  describe: 'For artists: visual diffs of images and 3D models, timelines, thumbnails, elements, asset references, workspaces',
  group: 'persona',
  name: 'creative',
  summary: 'For artists: visual diffs of images and 3D models, timelines, thumbnails, elements, asset references, workspaces',
  builder: (y: Argv) => {
    let out = y.usage('strata creative <command> [options]');
    for (const c of creativeSubcommands) out = out.command(c);
    return out.demandCommand(1, `give a creative command: ${creativeSubcommands.map((c) => c.name).join(', ')}`);
  },
  handler: () => {
    throw new StrataError('USAGE', `give a creative command: ${creativeSubcommands.map((c) => c.name).join(', ')}`);
  },
};
