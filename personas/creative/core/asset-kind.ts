import { isImagePath } from '../image/formats.js';
import { isModelPath } from '../model/model-formats.js';

/** What the creative persona can show of a file: pictures and figures for images and models, bytes for the rest. */
export type AssetKind = 'image' | 'model' | 'other';

/** The kind of a file, by its name (contents are checked when it is decoded). */
export function assetKindOf(path: string): AssetKind {
  if (isImagePath(path)) return 'image';
  if (isModelPath(path)) return 'model';
  return 'other';
}
