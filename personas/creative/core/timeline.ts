/**
 * The timeline of one file: every version in which it changed, oldest first, with its size, the
 * change in size and how much it changed visually against the previous change. Pure: the ops layer
 * loads versions, files and figures; this puts them together.
 */

/** How much an image changed against the previous change. */
export interface ImageMagnitude {
  kind: 'image';
  changedPixels: number;
  changedPercent: number;
  ssim: number;
  /** Different dimensions: the comparison aligned the two (see `compared.alignment` in a visual diff). */
  resized: boolean;
}

/** How much a model changed against the previous change. */
export interface ModelMagnitude {
  kind: 'model';
  verticesDelta: number;
  facesDelta: number;
  trianglesDelta: number;
  /** How far the centroid moved, in model units. */
  centroidDistance: number | null;
  /** The bounding box's size change, x y z. */
  sizeDelta: [number, number, number] | null;
  /** With matching topology: the largest and mean vertex movement. */
  maxDisplacement: number | null;
  meanDisplacement: number | null;
}

export type ChangeMagnitude = ImageMagnitude | ModelMagnitude;

/** What the ops layer loaded for one version of the file's history. */
export interface TimelinePoint {
  version: string;
  time: number;
  name: string;
  description: string;
  tags: string[];
  milestone: boolean;
  /** The file in this version; undefined when the version deleted it. */
  file?: { id: string; size: number };
  /** Against the previous point that had the file (absent for the first, a deletion, or no figures). */
  magnitude?: ChangeMagnitude;
  /** The figures could not be made (a file that does not decode): why. */
  problem?: { code: string; message: string };
  /** The thumbnail's blob id, when one exists. */
  thumbnail?: string;
}

export type TimelineChange = 'added' | 'modified' | 'deleted' | 'restored';

export interface TimelineEntry extends TimelinePoint {
  change: TimelineChange;
  /** Bytes (0 when deleted). */
  size: number;
  /** Against the previous entry (the first entry: its whole size). */
  sizeDelta: number;
  /** The bytes differ from the previous version of the file but the pixels are the same (a re-save). */
  visuallyIdentical: boolean;
}

/** Orders points oldest first and works out each one's change, size delta and re-save flag. */
export function buildTimeline(points: readonly TimelinePoint[]): TimelineEntry[] {
  const sorted = [...points].sort((a, b) => a.time - b.time || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  const out: TimelineEntry[] = [];
  let previousSize = 0;
  let existed = false;
  let everExisted = false;
  for (const p of sorted) {
    const size = p.file?.size ?? 0;
    const change: TimelineChange = p.file === undefined ? 'deleted' : !existed ? (everExisted ? 'restored' : 'added') : 'modified';
    const m = p.magnitude;
    const visuallyIdentical = change === 'modified' && m?.kind === 'image' && m.changedPixels === 0 && !m.resized;
    out.push({ ...p, change, size, sizeDelta: size - previousSize, visuallyIdentical });
    previousSize = size;
    existed = p.file !== undefined;
    everExisted ||= existed;
  }
  return out;
}
