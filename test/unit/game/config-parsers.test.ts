/**
 * The configuration parsers: every key with its line, the delete marker, Unreal's INI operators,
 * freeciv's multi-line strings and tables, and CONFIG_PARSE naming file and line for malformed input.
 */
import { describe, expect, it } from 'vitest';
import { applyIniDocument } from '../../../personas/game/config/merge.js';
import { parseIni } from '../../../personas/game/config/parse-ini.js';
import { parseJsonLayer } from '../../../personas/game/config/parse-json.js';
import { parseTomlLayer } from '../../../personas/game/config/parse-toml.js';
import { parseYamlLayer } from '../../../personas/game/config/parse-yaml.js';
import { emptyObject, flattenConfig, formatKeyPath, parseKeyPath, type ConfigObject, type LayerNode } from '../../../personas/game/config/types.js';

function parseError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('expected an error');
}

const lines = (o: ConfigObject): Record<string, [unknown, number]> => Object.fromEntries(flattenConfig(o).map((e) => [e.key, [e.value, e.line]]));

describe('JSON', () => {
  it('gives every key its line, and "$delete" a delete marker', () => {
    const o = parseJsonLayer('a.json', '{\n  "g": {\n    "fps": 60,\n    "res": "1280x720"\n  },\n  "list": [1, {"x": null}],\n  "gone": "$delete"\n}\n');
    expect(lines(o)).toEqual({ 'g.fps': [60, 3], 'g.res': ['1280x720', 4], list: [[1, { x: null }], 6] });
    expect((o.children as Map<string, LayerNode>).get('gone')).toEqual({ kind: 'delete', origin: { file: 'a.json', line: 7 } });
  });
  it('fails with the file and line of the problem', () => {
    expect(parseError(() => parseJsonLayer('cfg/pc.json', '{\n  "a": 1,\n  "b": 2\n  "c": 3\n}'))).toEqual({ code: 'CONFIG_PARSE', message: 'cfg/pc.json:4: expected "," or "}", found "\\""' });
    expect(parseError(() => parseJsonLayer('x.json', '{"a": [1, 2'))).toMatchObject({ message: 'x.json:1: unexpected end of file: expected "," or "]"' });
    expect(parseError(() => parseJsonLayer('x.json', '\n\n[1]')).message).toBe('x.json:3: a configuration file must hold an object at its top');
  });
});

describe('YAML', () => {
  it('gives every key its line; anchors resolve; $delete deletes', () => {
    const o = parseYamlLayer('c.yaml', '# c\nbase: &b\n  fps: 30\ngraphics:\n  <<: *b\n  shadows: low\naudio: $delete\n');
    const flat = lines(o);
    expect(flat['base.fps']).toEqual([30, 3]);
    expect(flat['graphics.shadows']).toEqual(['low', 6]);
    expect((o.children as Map<string, LayerNode>).get('audio')?.kind).toBe('delete');
  });
  it('fails with the line of the problem', () => {
    const e = parseError(() => parseYamlLayer('c.yaml', 'a: 1\nb:\n  - x\n  y: [\n'));
    expect(e.code).toBe('CONFIG_PARSE');
    expect(e.message).toMatch(/^c\.yaml:4: /);
    expect(parseError(() => parseYamlLayer('d.yaml', 'a: 1\na: 2\n')).message).toMatch(/^d\.yaml:2: .*[Uu]nique/);
  });
});

describe('TOML', () => {
  it('gives keys, dotted keys and table headers their lines', () => {
    const o = parseTomlLayer('s.toml', '# s\ntitle = "x"\n[graphics]\nresolution = "1280x720"\nfps = 30\nlist = [\n  1,\n  2,\n]\nafter = true\n[online]\nmatchmaking = "$delete"\nnet.port = 7777\n');
    expect(lines(o)).toEqual({ title: ['x', 2], 'graphics.resolution': ['1280x720', 4], 'graphics.fps': [30, 5], 'graphics.list': [[1, 2], 6], 'graphics.after': [true, 10], 'online.net.port': [7777, 13] });
    expect(((o.children.get('online') as ConfigObject).children as Map<string, LayerNode>).get('matchmaking')).toEqual({ kind: 'delete', origin: { file: 's.toml', line: 12 } });
  });
  it('fails with the line of the problem', () => {
    expect(parseError(() => parseTomlLayer('s.toml', 'a = 1\n\nb = = 2\n'))).toMatchObject({ code: 'CONFIG_PARSE', message: expect.stringMatching(/^s\.toml:3: /) });
  });
});

describe('INI', () => {
  it('applies Unreal array operators in order: + unique, . duplicate, - exact, ! clear, plain set', () => {
    const doc = parseIni('E.ini', '[S]\n+A=1\n+A=1\n.A=1\n+A=2\n-A=1\nB=x\nB=y\n+C=k\n!C=ClearArray\n!B\n.D=z\n');
    const root = emptyObject({ file: 'E.ini', line: 1 });
    applyIniDocument(root, doc);
    expect(lines(root)).toEqual({ 'S.A': [['1', '2'], 6], 'S.D': [['z'], 12] });
    const doc2 = parseIni('E2.ini', '[S]\n+A=1\n.A=1\n-A=1\n');
    const root2 = emptyObject({ file: 'E2.ini', line: 1 });
    applyIniDocument(root2, doc2);
    expect(lines(root2)).toEqual({ 'S.A': [['1'], 4] });
  });
  it('reads freeciv: multi-line strings, { } tables on the next line, ; comments, quoted values', () => {
    const doc = parseIni('g.ruleset', '; c\n[about]\nname = _("Classic")\nsummary = _("\\\nline one \\\nline two\\\n")\nplain = "Palace"\n[e]\nreqs =\n    { "type", "name"\n      "UnitFlag", "Spy"\n    }\nafter = 1\n');
    const s = doc.sections.map((x) => [x.name, x.entries.map((e) => [e.key, e.value, e.line])]);
    expect(s).toEqual([
      ['about', [['name', '_("Classic")', 3], ['summary', '_("\\\nline one \\\nline two\\\n")', 4], ['plain', 'Palace', 8]]],
      ['e', [['reqs', '{ "type", "name"\n"UnitFlag", "Spy"\n}', 10], ['after', '1', 14]]],
    ]);
  });
  it('fails with the file and line of the problem', () => {
    expect(parseError(() => parseIni('a.ini', '[ok]\nx=1\n[broken\n'))).toEqual({ code: 'CONFIG_PARSE', message: 'a.ini:3: unterminated section header "[broken": expected "]"' });
    expect(parseError(() => parseIni('a.ini', '[s]\njust words\n')).message).toBe('a.ini:2: expected "key = value", "[section]" or a comment, found "just words"');
    expect(parseError(() => parseIni('a.ini', '[s]\nt =\n { "a"\n "b"\n')).message).toBe('a.ini:2: the "{" table of t is not closed by "}" before the end of the file');
    expect(parseError(() => parseIni('a.ini', '[s]\nt = "open\nmore\n')).message).toBe('a.ini:2: the string value of t is not closed by \'"\' before the end of the file');
    expect(parseError(() => parseIni('a.ini', '[s]\n=1\n')).message).toBe('a.ini:2: a key is missing before "="');
  });
});

describe('key paths', () => {
  it('quotes segments that are not bare and parses them back', () => {
    const path = ['Engine', '/Script/Engine.Engine', 'bSmoothFrameRate'];
    expect(formatKeyPath(path)).toBe('Engine."/Script/Engine.Engine".bSmoothFrameRate');
    expect(parseKeyPath('Engine."/Script/Engine.Engine".bSmoothFrameRate')).toEqual(path);
    expect(parseKeyPath('a.b')).toEqual(['a', 'b']);
    expect(parseKeyPath('a..b')).toBeUndefined();
    expect(parseKeyPath('a."b')).toBeUndefined();
    expect(parseKeyPath('')).toBeUndefined();
  });
});
