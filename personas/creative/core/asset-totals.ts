import type { AssetDiff } from './asset-diff.js';

/** The figures of a whole change, over every compared file. */
export interface AssetTotals {
  files: number;
  images: number;
  models: number;
  other: number;
  added: number;
  deleted: number;
  modified: number;
  renamed: number;
  /** Images whose bytes changed but whose pixels did not (re-saves). */
  visuallyIdentical: number;
  /** Changed pixels over every compared image pair. */
  changedPixels: number;
  /** Files that could not be decoded on at least one side. */
  problems: number;
  /** after - before, in bytes, over every file. */
  sizeDelta: number;
}

/** Pure: the totals of a list of compared files. */
export function summarizeAssets(assets: readonly AssetDiff[]): AssetTotals {
  const t: AssetTotals = { files: 0, images: 0, models: 0, other: 0, added: 0, deleted: 0, modified: 0, renamed: 0, visuallyIdentical: 0, changedPixels: 0, problems: 0, sizeDelta: 0 };
  for (const a of assets) {
    t.files++;
    if (a.kind === 'image') t.images++;
    else if (a.kind === 'model') t.models++;
    else t.other++;
    if (a.status === 'added' || a.status === 'deleted' || a.status === 'modified' || a.status === 'renamed') t[a.status]++;
    const diff = a.image?.diff;
    if (diff) {
      t.changedPixels += diff.changedPixels;
      if (diff.identical && a.contentChanged) t.visuallyIdentical++;
    }
    if (a.problems.length > 0) t.problems++;
    t.sizeDelta += a.sizeDelta;
  }
  return t;
}
