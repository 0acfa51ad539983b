/**
 * The contract every element format (PSD, KRA, ORA, SVG, glTF/GLB, OBJ) fills: list a file's
 * elements, extract one as a file of its own, and put one back from another version of the file while
 * leaving every other element as it is.
 */
import { StrataError } from '../../../porcelain/index.js';
import type { RelatedFileReader } from '../model/model.js';

export type ElementKind = 'layer' | 'group' | 'element' | 'node' | 'mesh' | 'material' | 'texture' | 'object';

export interface ElementInfo {
  /**
   * How a user names it, unique within the file: layers and groups by their path of names
   * (`Background/Sky`, a duplicate name gets `#2`), SVG elements by `#id`, glTF by
   * `node:<name>`, `mesh:<name>`, `material:<name>`, `texture:<name>`, OBJ by `object:<name>` or
   * `group:<name>`.
   */
  name: string;
  kind: ElementKind;
  /** The name of the element it sits in, if any. */
  parent?: string;
  /** What the file calls it, when that differs from `name` (an Inkscape layer's label). */
  label?: string;
  /** What an artist wants to see: size, bounds, visibility, opacity, blend mode, material, counts… */
  details: Record<string, string | number | boolean | null>;
}

/** A file as an element handler sees it. */
export interface ElementFile {
  /** Its path or name (the extension picks the handler; messages name it). */
  name: string;
  data: Buffer;
  /** The files it references (an OBJ's MTL, a glTF's buffers and images), relative to it. */
  readRelated?: RelatedFileReader;
}

/** A file an extract or restore writes: the main one first, then companions (an OBJ's MTL, textures). */
export interface OutputFile {
  /** A file name relative to the main output's folder (the main one: its own name). */
  name: string;
  data: Buffer;
}

export interface RestoreResult {
  /** The new content of the current file. */
  data: Buffer;
  /** Companion files the restored element needs next to the file (an MTL, a texture), if any. */
  companions: OutputFile[];
  /** Elements whose content was replaced or added (the restored one and, for groups, its members). */
  restored: string[];
}

export interface ElementHandler {
  /** File extensions handled, lowercase without the dot. */
  extensions: readonly string[];
  list(file: ElementFile): Promise<ElementInfo[]>;
  /** The element as a file of its own; `outName` is the main output's file name (its extension may be changed to the right one). */
  extract(file: ElementFile, element: string, outName: string): Promise<OutputFile[]>;
  /** `current` with `element` as it is in `old` (added when `current` lacks it); every other element unchanged. */
  restore(current: ElementFile, old: ElementFile, element: string): Promise<RestoreResult>;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** The names closest to `wanted` (case-insensitive substring matches first, then by edit distance). */
export function closeMatches(wanted: string, names: readonly string[], max = 5): string[] {
  const w = wanted.toLowerCase();
  return [...names]
    .map((n) => ({ n, score: n.toLowerCase().includes(w) || w.includes(n.toLowerCase()) ? -1 : distance(w, n.toLowerCase()) }))
    .filter((x) => x.score < 0 || x.score <= Math.max(2, Math.floor(w.length / 2)))
    .sort((a, b) => a.score - b.score || (a.n < b.n ? -1 : 1))
    .slice(0, max)
    .map((x) => x.n);
}

/** The element named `wanted` (exactly, or by its label when that is unique); ELEMENT_NOT_FOUND with close matches otherwise. */
export function findElement(file: string, elements: readonly ElementInfo[], wanted: string): ElementInfo {
  const exact = elements.find((e) => e.name === wanted);
  if (exact) return exact;
  const byLabel = elements.filter((e) => e.label === wanted);
  if (byLabel.length === 1) return byLabel[0] as ElementInfo;
  const close = closeMatches(wanted, elements.map((e) => e.name));
  throw new StrataError('ELEMENT_NOT_FOUND', `${file} has no element "${wanted}"${close.length > 0 ? `; close matches: ${close.map((c) => `"${c}"`).join(', ')}` : ''}`, {
    hint: `list them with \`strata creative elements ${file}\``,
    data: { file, element: wanted, closeMatches: close },
  });
}
