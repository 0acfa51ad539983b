/** `strata creative <command>`: the creative persona's commands, as one group. */
import { defineCommandGroup, type StrataCommand } from '../../../porcelain/cli/index.js';
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

export const creativeCommand = defineCommandGroup({ name: 'creative', describe: 'For artists: visual diffs of images and 3D models, timelines, thumbnails, elements, asset references, workspaces', group: 'persona', subcommands: creativeSubcommands });
