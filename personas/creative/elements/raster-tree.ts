/**
 * Naming and placement rules shared by the layered formats (PSD, KRA, ORA): an element is named by the
 * path of names from the top (`Group/Layer`), siblings listed top first, a duplicate name among siblings
 * getting `#2`, `#3`…; an element put back into a document where it is missing goes next to the same
 * neighbours it had.
 */

/** `names` with a duplicate getting `#2`, `#3`… in order (the first keeps its name). */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  const used = new Set(names);
  return names.map((n) => {
    const count = (seen.get(n) ?? 0) + 1;
    seen.set(n, count);
    if (count === 1) return n;
    let k = count;
    while (used.has(`${n}#${k}`)) k++;
    used.add(`${n}#${k}`);
    return `${n}#${k}`;
  });
}

/** The path name of an element: its parent's name, a slash and its own. */
export function childPath(parent: string | undefined, own: string): string {
  return parent === undefined ? own : `${parent}/${own}`;
}

/** The parent path of a path name (undefined at the top). */
export function parentPath(name: string): string | undefined {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? undefined : name.slice(0, slash);
}

/**
 * Where (top-first index among `currentSiblings`) an element that sat at `oldIndex` among `oldSiblings`
 * (top first, path names) goes: just above the nearest old neighbour below it that is still there, else
 * just below the nearest old neighbour above it, else at the same index (clamped).
 */
export function insertionIndex(oldSiblings: readonly string[], oldIndex: number, currentSiblings: readonly string[]): number {
  for (let i = oldIndex + 1; i < oldSiblings.length; i++) {
    const at = currentSiblings.indexOf(oldSiblings[i] as string);
    if (at >= 0) return at;
  }
  for (let i = oldIndex - 1; i >= 0; i--) {
    const at = currentSiblings.indexOf(oldSiblings[i] as string);
    if (at >= 0) return at + 1;
  }
  return Math.min(oldIndex, currentSiblings.length);
}
