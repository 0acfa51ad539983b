/**
 * YAML (1.2, via the `yaml` package) with the line of every key. Anchors and aliases resolve as usual;
 * a string value `$delete` (quoted or not) becomes a delete marker.
 */
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { configParseError } from './parse-error.js';
import { DELETE_MARKER, type ConfigObject, type LayerNode, type PlainValue } from './types.js';

function toPlainValue(value: unknown): PlainValue {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlainValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlainValue(v)]));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlainValue(v)]));
  return value as PlainValue;
}

export function parseYamlLayer(file: string, text: string): ConfigObject {
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    throw configParseError(file, 1, (err as Error).message);
  }
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = first.linePos?.[0]?.line ?? counter.linePos(first.pos[0]).line;
    throw configParseError(file, line, first.message.split('\n')[0] ?? 'malformed YAML');
  }
  const lineOf = (node: unknown, fallback: number): number => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range === undefined ? fallback : counter.linePos(range[0]).line;
  };
  const convert = (node: unknown, line: number): LayerNode => {
    const origin = { file, line };
    if (isMap(node)) {
      const children = new Map<string, LayerNode>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const keyLine = lineOf(item.key, line);
        const key = isScalar(item.key) ? String(item.key.value) : String(toPlainValue((item.key as YamlNode | null)?.toJS(doc) ?? null));
        children.set(key, convert(item.value, keyLine));
      }
      return { kind: 'object', children: children as ConfigObject['children'], origin };
    }
    const value = toPlainValue(node === null || node === undefined ? null : (node as YamlNode).toJS(doc));
    if (value === DELETE_MARKER) return { kind: 'delete', origin };
    return { kind: 'value', value, origin };
  };
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { kind: 'object', children: new Map(), origin: { file, line: 1 } };
  if (!isMap(contents)) throw configParseError(file, lineOf(contents, 1), 'a configuration file must hold a mapping at its top');
  return convert(contents, 1) as ConfigObject;
}
