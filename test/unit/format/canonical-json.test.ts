import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalDecode, canonicalEncode, canonicalStringify } from '../../../plumbing/format/canonical-json.js';

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string({ unit: 'grapheme' }), fc.maxSafeInteger(), fc.integer(), fc.boolean()),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.string({ unit: 'grapheme' }), tie('node'), { maxKeys: 5 })),
})).node;

describe('canonical JSON', () => {
  it('sorts keys by UTF-16 code units and drops white space', () => {
    expect(canonicalStringify({ b: 1, a: [true, 'x'], A: { z: 0, é: 1 } })).toBe('{"A":{"z":0,"é":1},"a":[true,"x"],"b":1}');
  });

  it('escapes strings exactly like JSON.stringify (RFC 8785)', () => {
    expect(canonicalStringify('a"b\\c\n\u0001\u007f€')).toBe('"a\\"b\\\\c\\n\\u0001\u007f€"');
  });

  it('rejects what has no canonical form', () => {
    for (const bad of [1.5, Number.NaN, -0, 2 ** 53, null, undefined, () => 1, '\ud800']) {
      expect(() => canonicalStringify(bad), String(bad)).toThrow(CanonicalJsonError);
    }
  });

  it('rejects bytes that are JSON but not canonical', () => {
    for (const text of ['{ "a":1}', '{"b":1,"a":2}', '{"a":1.0}', '{"a":1e2}', '{"a":1,"a":1}', '"\\u0041"', '[1 ]', '\ufeff{}']) {
      expect(() => canonicalDecode(Buffer.from(text)), text).toThrow(CanonicalJsonError);
    }
    expect(() => canonicalDecode(Buffer.from([0x22, 0xff, 0x22]))).toThrow(/UTF-8/);
  });

  it('property: encode then decode is the identity, and the encoding is a fixed point', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = canonicalEncode(v);
        const back = canonicalDecode(bytes);
        expect(canonicalEncode(back).equals(bytes)).toBe(true);
        expect(back).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
  });

  it('property: key order of the input never changes the bytes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer(), { maxKeys: 8 }), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalEncode(reversed).equals(canonicalEncode(obj))).toBe(true);
      }),
    );
  });
});
