/**
 * Deep merge of configuration layers: objects merge key by key, anything else (scalars, arrays)
 * replaces what was there, and a delete marker removes the key. INI layers apply line by line with
 * Unreal's array operators. The target is changed in place; nothing of the layer is shared with it.
 */
import { applyIniEntry, type IniDocument, type IniEntry } from './parse-ini.js';
import { emptyObject, type ConfigNode, type ConfigObject, type LayerNode } from './types.js';

function clone(node: ConfigNode): ConfigNode {
  if (node.kind === 'value') return node;
  const children = new Map<string, ConfigNode>();
  for (const [k, v] of node.children as Map<string, LayerNode>) if (v.kind !== 'delete') children.set(k, clone(v));
  return { kind: 'object', children, origin: node.origin };
}

/** Merges a parsed JSON/YAML/TOML layer into the target. */
export function mergeLayer(target: ConfigObject, layer: ConfigObject): void {
  for (const [key, node] of layer.children as Map<string, LayerNode>) {
    if (node.kind === 'delete') {
      target.children.delete(key);
      continue;
    }
    const existing = target.children.get(key);
    if (node.kind === 'object' && existing?.kind === 'object') mergeLayer(existing, node);
    else target.children.set(key, clone(node));
  }
}

/** Applies an INI file: each `[section]` is an object of keys (keys before any section go to the top). */
export function applyIniDocument(target: ConfigObject, doc: IniDocument): void {
  for (const section of doc.sections) {
    let obj = target;
    if (section.name !== '') {
      const existing = target.children.get(section.name);
      if (existing?.kind === 'object') obj = existing;
      else {
        obj = emptyObject({ file: doc.file, line: section.line });
        target.children.set(section.name, obj);
      }
    }
    for (const e of section.entries) applyIniEntry(obj, e, { file: doc.file, line: e.line });
  }
}

/** Applies the resolved lines of one INI section to the target's top level. */
export function applyIniEntries(target: ConfigObject, file: string, entries: readonly IniEntry[], fileOf?: (e: IniEntry) => string): void {
  for (const e of entries) applyIniEntry(target, e, { file: fileOf?.(e) ?? file, line: e.line });
}
