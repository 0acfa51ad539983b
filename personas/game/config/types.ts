/**
 * The effective-configuration model: a tree of objects and values, every node remembering the file
 * and line that set it. Pure data; parsers produce it, the evaluator merges it, commands flatten it.
 */

/** Where a key or value was set: a path relative to the project root (`/`-separated) and a 1-based line. */
export interface Origin {
  file: string;
  line: number;
}

/** A JSON-like value: string, number, boolean, null, or arrays/objects of them. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/** An object of the configuration: its keys in insertion order. */
export interface ConfigObject {
  kind: 'object';
  children: Map<string, ConfigNode>;
  origin: Origin;
}

/** A leaf: a scalar or an array (arrays are replaced whole by a later layer, unless INI operators edit them). */
export interface ConfigLeaf {
  kind: 'value';
  value: PlainValue;
  origin: Origin;
}

/** The documented delete marker of a structured layer (`"$delete"`), as parsed. */
export interface ConfigDelete {
  kind: 'delete';
  origin: Origin;
}

export type ConfigNode = ConfigObject | ConfigLeaf;
export type LayerNode = ConfigObject | ConfigLeaf | ConfigDelete;

/** The string value that deletes a key in a JSON, YAML or TOML layer. */
export const DELETE_MARKER = '$delete';

export function emptyObject(origin: Origin): ConfigObject {
  return { kind: 'object', children: new Map(), origin };
}

/** One effective key, flattened: its path, display key, value and origin. */
export interface EffectiveEntry {
  /** The key's display form (`section.key`, with segments that need it quoted: `"printer:MK3".bed_shape`). */
  key: string;
  path: string[];
  value: PlainValue;
  file: string;
  line: number;
}

const BARE = /^[A-Za-z0-9_\-$@]+$/;

/** The display form of a key path: segments joined with `.`, a segment quoted (JSON string) unless bare. */
export function formatKeyPath(path: readonly string[]): string {
  return path.map((s) => (BARE.test(s) ? s : JSON.stringify(s))).join('.');
}

/** Parses a display key (`a.b`, `"x.y".z`, `a."/Script/Engine.Engine".bFoo`) into its segments. */
export function parseKeyPath(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return undefined;
      try {
        out.push(JSON.parse(text.slice(i, j + 1)) as string);
      } catch {
        return undefined;
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && text[j] !== '.') j++;
      const seg = text.slice(i, j);
      if (seg === '') return undefined;
      out.push(seg);
      i = j;
    }
    if (i < text.length) {
      if (text[i] !== '.') return undefined;
      i++;
      if (i === text.length) return undefined;
    }
  }
  return out.length === 0 ? undefined : out;
}

/** Every leaf of a tree in order, flattened (objects with no keys appear as `{}` leaves). */
export function flattenConfig(root: ConfigObject): EffectiveEntry[] {
  const out: EffectiveEntry[] = [];
  const walk = (node: ConfigObject, prefix: string[]): void => {
    for (const [name, child] of node.children as Map<string, LayerNode>) {
      if (child.kind === 'delete') continue;
      const path = [...prefix, name];
      if (child.kind === 'object' && child.children.size > 0) walk(child, path);
      else out.push({ key: formatKeyPath(path), path, value: child.kind === 'object' ? {} : child.value, file: child.origin.file, line: child.origin.line });
    }
  };
  walk(root, []);
  return out;
}

/** The node at a path, if any. */
export function nodeAt(root: ConfigObject, path: readonly string[]): ConfigNode | undefined {
  let node: ConfigNode = root;
  for (const seg of path) {
    if (node.kind !== 'object') return undefined;
    const next: ConfigNode | undefined = node.children.get(seg);
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

/** The tree as plain JSON (what a JSON Schema checks). `leaf` may convert leaf values (INI typing). */
export function toPlain(node: ConfigNode, leaf: (l: ConfigLeaf) => PlainValue = (l) => l.value): PlainValue {
  if (node.kind === 'value') return leaf(node);
  const out: { [key: string]: PlainValue } = {};
  for (const [k, v] of node.children) out[k] = toPlain(v, leaf);
  return out;
}

/** A stable text of a value, for comparing values. */
export function valueKey(value: PlainValue | undefined): string {
  return value === undefined ? '\u0000absent' : JSON.stringify(value);
}

/** A value for one line of human output: strings as they are, everything else as JSON. */
export function displayValue(value: PlainValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
