/** The built-in workspace adapters, and the adapter for an application name. */
import { StrataError } from '../../../porcelain/index.js';
import type { WorkspaceAdapter } from './adapter.js';
import { blenderAdapter } from './blender.js';
import { genericAdapter, type AdapterFile } from './generic.js';
import { gimpAdapter } from './gimp.js';
import { inkscapeAdapter } from './inkscape.js';
import { kritaAdapter } from './krita.js';
import { vscodeAdapter } from './vscode.js';

export const BUILTIN_ADAPTERS: readonly WorkspaceAdapter[] = [blenderAdapter, gimpAdapter, inkscapeAdapter, kritaAdapter, vscodeAdapter];

/** The names of the applications strata knows without an adapter file. */
export function knownApps(): string[] {
  return BUILTIN_ADAPTERS.map((a) => a.app);
}

/**
 * The adapter for an application: the one an adapter file describes (when given; its app must match a
 * named app), else a built-in one (names are case-insensitive; `code` means vscode), else UNKNOWN_APP
 * listing the known ones.
 */
export function adapterFor(app: string | undefined, file?: AdapterFile): WorkspaceAdapter {
  if (file !== undefined) {
    if (app !== undefined && app.toLowerCase() !== file.app) throw new StrataError('INVALID_ARGUMENT', `the adapter file describes "${file.app}", not "${app}"`, { data: { app } });
    return genericAdapter(file);
  }
  const name = (app ?? '').toLowerCase();
  const found = BUILTIN_ADAPTERS.find((a) => a.app === name || (name === 'code' && a.app === 'vscode'));
  if (found === undefined) {
    throw new StrataError('UNKNOWN_APP', `no workspace adapter for "${app}": known applications are ${knownApps().join(', ')}`, {
      hint: 'describe another application in a JSON file and pass it with --adapter <file.json>',
      data: { app, known: knownApps() },
    });
  }
  return found;
}
