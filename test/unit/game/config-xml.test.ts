/**
 * XML layers: the reader (attributes, text, CDATA, entities, comments, lines), the mapping to the
 * layer model, the `where` filter over SuperTuxKart's real per-OS rule file (Debian supertuxkart-data),
 * and CONFIG_PARSE with file and line for malformed XML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseCache, evaluatePlatform, type ConfigReader } from '../../../personas/game/config/evaluate.js';
import { parseXml, parseXmlLayer, xmlToLayer } from '../../../personas/game/config/parse-xml.js';
import { parseProjectFile } from '../../../personas/game/config/project.js';
import { flattenConfig, nodeAt, type ConfigObject } from '../../../personas/game/config/types.js';

const FIXTURE = join(import.meta.dirname, '../../fixtures/game/config/supertuxkart/graphical_restrictions.xml');
const STK = readFileSync(FIXTURE, 'utf8');
const FILE = 'data/graphical_restrictions.xml';

function parseError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('expected an error');
}

const lines = (o: ConfigObject): Record<string, [unknown, number]> => Object.fromEntries(flattenConfig(o).map((e) => [e.key, [e.value, e.line]]));
type Card = Record<string, string>;
const cards = (o: ConfigObject): Card[] => {
  const n = nodeAt(o, ['graphical-restrictions', 'card']);
  if (n?.kind !== 'value') throw new Error('no card list');
  return n.value as unknown as Card[];
};

describe('the XML reader', () => {
  it('maps attributes to @keys, children by tag, text to #text, with every line', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE settings [ <!ELEMENT settings ANY> ]>',
      '<!-- a comment',
      '     over two lines -->',
      '<settings version="2"',
      '          profile=\'pc &amp; mac\'>',
      '  <graphics fps="60">',
      '    <resolution>1280&#x78;720</resolution>',
      '    <note><![CDATA[a <raw> & text]]></note>',
      '    <empty/>',
      '  </graphics>',
      '  <p>mixed <b>bold</b> &lt;text&gt;</p>',
      '</settings>',
    ].join('\n');
    const o = parseXmlLayer('s.xml', xml);
    expect(lines(o)).toEqual({
      'settings.@version': ['2', 5],
      'settings.@profile': ['pc & mac', 6],
      'settings.graphics.@fps': ['60', 7],
      'settings.graphics.resolution': ['1280x720', 8],
      'settings.graphics.note': ['a <raw> & text', 9],
      'settings.graphics.empty': ['', 10],
      'settings.p.b': ['bold', 12],
      'settings.p."#text"': ['mixed  <text>', 12],
    });
  });

  it('makes repeated tags an array in order, with the line of the first', () => {
    const o = parseXmlLayer('r.xml', '<r>\n  <i n="1"/>\n  <j>x</j>\n  <i n="2"><k>y</k></i>\n</r>\n');
    expect(lines(o)).toEqual({ 'r.i': [[{ '@n': '1' }, { '@n': '2', k: 'y' }], 2], 'r.j': ['x', 3] });
  });

  it('fails with CONFIG_PARSE naming the file and the line', () => {
    expect(parseError(() => parseXml('cfg/a.xml', '<a>\n  <b>\n  </c>\n</a>\n'))).toEqual({ code: 'CONFIG_PARSE', message: 'cfg/a.xml:3: </c> does not match <b> opened on line 2' });
    expect(parseError(() => parseXml('a.xml', '<a>\n<b x="1" x="2"/>\n</a>')).message).toBe('a.xml:2: <b> has the attribute x twice');
    expect(parseError(() => parseXml('a.xml', '<a>\n\n<b x=1/>\n</a>')).message).toBe('a.xml:3: the value of x in <b> must be in quotes');
    expect(parseError(() => parseXml('a.xml', '<a>\n  <b>\n')).message).toBe('a.xml:3: unexpected end of file: <b> opened on line 2 is not closed');
    expect(parseError(() => parseXml('a.xml', '<a>\n fish & chips\n</a>')).message).toMatch(/^a\.xml:2: "&" must start an entity/);
    expect(parseError(() => parseXml('a.xml', '<a>&nbsp;</a>')).message).toBe('a.xml:1: unknown entity &nbsp;');
    expect(parseError(() => parseXml('a.xml', '<a>\n&lt;\n\n&bogus;</a>')).message).toBe('a.xml:4: unknown entity &bogus;');
    expect(parseError(() => parseXml('a.xml', '<a/>\n<b/>')).message).toMatch(/^a\.xml:2: a second top-level element <b>/);
    expect(parseError(() => parseXml('a.xml', '<a>\n<!-- never closed\n</a>')).message).toBe('a.xml:2: unterminated comment');
    expect(parseError(() => parseXml('a.xml', '  \n')).message).toBe('a.xml:1: no root element: the file holds no XML element');
  });

  it('gives a malformed copy of the real file CONFIG_PARSE at the broken line', () => {
    const broken = STK.split('\n');
    broken[19] = '  <card contains="Mesa"           os="linux"    version="<10.3"    disable="BufferStorage">';
    const e = parseError(() => parseXml(FILE, broken.join('\n')));
    expect(e.code).toBe('CONFIG_PARSE');
    expect(e.message).toBe(`${FILE}:48: </graphical-restrictions> does not match <card> opened on line 20`);
  });
});

describe("SuperTuxKart's graphical_restrictions.xml, one view per OS", () => {
  const doc = parseXml(FILE, STK);
  const view = (os: string): Card[] => cards(xmlToLayer(doc, { attribute: 'os', equals: os, includeMissing: true }));

  it('reads all 43 rules, the first one on line 3', () => {
    const all = cards(xmlToLayer(doc));
    expect(all).toHaveLength(43);
    expect(all[0]).toEqual({ '@is': 'Intel(R) HD Graphics', '@os': 'windows', '@version': '<10.0', '@disable': 'ForceLegacyDevice' });
    expect(doc.root.children[10]?.attributes.map((a) => [a.name, a.value, a.line])).toEqual([
      ['contains', 'Ivybridge', 13],
      ['os', 'linux', 13],
      ['version', '<17.4', 13],
      ['disable', 'Correct10bitNormalization', 13],
    ]);
  });

  it('keeps each OS its own rules plus the 7 rules without an os', () => {
    // Counted with grep: 17 linux, 9 windows, 6 android, 2 osx, 2 ios, 7 with no os attribute.
    const linux = view('linux');
    const windows = view('windows');
    const android = view('android');
    expect([linux.length, windows.length, android.length]).toEqual([17 + 7, 9 + 7, 6 + 7]);
    const noOs = cards(xmlToLayer(doc, { attribute: 'os', equals: [], includeMissing: true }));
    expect(noOs.map((c) => c['@disable'])).toEqual(['ShaderAtomicCounters', ...Array(6).fill('NpotTextures')]);
    for (const v of [linux, windows, android]) for (const c of noOs) expect(v).toContainEqual(c);
    expect(android.filter((c) => c['@os'] === 'android').map((c) => c['@disable'])).toEqual(['TextureFormatBGRA8888', 'ColorBufferFloat', 'TextureCompressionS3TC', 'VertexIdWorking', 'ForceLegacyDevice', 'NpotTextures']);
    for (const v of [linux, windows]) expect(v.some((c) => c['@os'] === 'android' || c['@disable'] === 'TextureFormatBGRA8888')).toBe(false);
    expect(new Set(linux.map((c) => c['@os'] ?? '-'))).toEqual(new Set(['linux', '-']));
    expect(cards(xmlToLayer(doc, { attribute: 'os', equals: 'linux' }))).toHaveLength(17);
    expect(cards(xmlToLayer(doc, { attribute: 'os', equals: ['osx', 'ios'] }))).toHaveLength(4);
  });

  it('evaluates per platform through the project file, with origins', async () => {
    const platforms = ['linux', 'windows', 'android'];
    const project = parseProjectFile(
      'strata-platforms.json',
      JSON.stringify({
        layers: platforms.map((os) => ({ name: os, file: FILE, where: { attribute: 'os', equals: os, includeMissing: true } })),
        platforms: Object.fromEntries(platforms.map((os) => [os, { layers: [os] }])),
      }),
    );
    const reader: ConfigReader = {
      idOf: async (p) => (p === FILE ? 'stk' : undefined),
      read: async (p) => (p === FILE ? { id: 'stk', text: STK } : undefined),
    };
    const cache = new ParseCache();
    const out: Record<string, { count: number; line: number }> = {};
    for (const platform of platforms) {
      const config = await evaluatePlatform({ project, platform, reader, cache });
      expect(config.files).toEqual([{ file: FILE, layer: platform, optional: false, format: 'xml', present: true, id: 'stk' }]);
      const [entry, ...rest] = flattenConfig(config.root);
      expect(rest).toEqual([]);
      out[platform] = { count: (entry?.value as unknown[]).length, line: entry?.line ?? 0 };
      expect(entry?.file).toBe(FILE);
    }
    // The array's origin: its first kept rule (line 3 is windows' first, line 11 linux', line 19 the first without an os).
    expect(out).toEqual({ linux: { count: 24, line: 11 }, windows: { count: 16, line: 3 }, android: { count: 13, line: 19 } });
    expect(cache.size).toBe(1);
  });

  it('refuses "where" on a layer that is not XML', () => {
    expect(() =>
      parseProjectFile('strata-platforms.json', JSON.stringify({ layers: [{ name: 'a', file: 'a.json', where: { attribute: 'os', equals: 'linux' } }], platforms: { pc: { layers: ['a'] } } })),
    ).toThrow(/"where" applies to XML files only/);
    expect(() =>
      parseProjectFile('strata-platforms.json', JSON.stringify({ layers: [{ name: 'a', file: 'a.xml', where: { attribute: 'os' } }], platforms: { pc: { layers: ['a'] } } })),
    ).toThrow(/layers\.0\.where\.equals/);
  });
});
