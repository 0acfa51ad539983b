/**
 * JSON with the line of every key: a small recursive-descent parser (RFC 8259), because JSON.parse
 * gives no positions. A string value `"$delete"` becomes a delete marker.
 */
import { configParseError } from './parse-error.js';
import { DELETE_MARKER, type ConfigObject, type LayerNode, type PlainValue } from './types.js';

export function parseJsonLayer(file: string, text: string): ConfigObject {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const fail = (problem: string): never => {
    throw configParseError(file, line, problem);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      i++;
    }
  };
  const str = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n') fail('unterminated string (a line break inside a string)');
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail(`bad escape \\${e ?? ''} in a string`);
      } else {
        if (c.charCodeAt(0) < 0x20) fail('a control character inside a string');
        out += c;
        i++;
      }
    }
  };
  const plain = (node: LayerNode): PlainValue => {
    if (node.kind === 'value') return node.value;
    if (node.kind === 'delete') return DELETE_MARKER;
    const o: { [k: string]: PlainValue } = {};
    for (const [k, v] of node.children) o[k] = plain(v);
    return o;
  };
  const value = (): LayerNode => {
    ws();
    const origin = { file, line };
    const c = text[i];
    if (c === '{') {
      i++;
      const children = new Map<string, LayerNode>();
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', children: children as ConfigObject['children'], origin };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === undefined ? 'unexpected end of file: expected a key' : `expected a key in double quotes, found ${JSON.stringify(text[i])}`);
        const keyLine = line;
        const key = str();
        ws();
        if (text[i] !== ':') fail(`expected ":" after the key ${JSON.stringify(key)}`);
        i++;
        const child = value();
        if (child.kind !== 'object') child.origin = { file, line: keyLine };
        else child.origin = { file, line: keyLine };
        children.set(key, child);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', children: children as ConfigObject['children'], origin };
        }
        fail(text[i] === undefined ? 'unexpected end of file: expected "," or "}"' : `expected "," or "}", found ${JSON.stringify(text[i])}`);
      }
    }
    if (c === '[') {
      i++;
      const items: PlainValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'value', value: items, origin };
      }
      for (;;) {
        items.push(plain(value()));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'value', value: items, origin };
        }
        fail(text[i] === undefined ? 'unexpected end of file: expected "," or "]"' : `expected "," or "]", found ${JSON.stringify(text[i])}`);
      }
    }
    if (c === '"') {
      const s = str();
      return s === DELETE_MARKER ? { kind: 'delete', origin } : { kind: 'value', value: s, origin };
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      const word = m[0];
      return { kind: 'value', value: word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : Number(word), origin };
    }
    return fail(c === undefined ? 'unexpected end of file: expected a value' : `unexpected ${JSON.stringify(c)}: expected a value`);
  };
  const root = value();
  ws();
  if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the document`);
  if (root.kind !== 'object') {
    line = root.origin.line;
    fail('a configuration file must hold an object at its top');
  }
  return root as ConfigObject;
}
