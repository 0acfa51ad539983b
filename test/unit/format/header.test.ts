import { describe, expect, it } from 'vitest';
import { encodeHeader, parseHeader } from '../../../plumbing/format/header.js';
import { computeObjectId } from '../../../plumbing/format/object-id.js';
import { createHash } from 'node:crypto';

describe('object header and id', () => {
  it('encodes "<kind> <size>\\0"', () => {
    expect(encodeHeader('blob', 12).toString('latin1')).toBe('blob 12\0');
  });

  it('parses well-formed headers and rejects malformed ones', () => {
    expect(parseHeader(Buffer.from('tree 0\0'))).toEqual({ kind: 'tree', size: 0, length: 7 });
    expect(parseHeader(Buffer.from('chunks 123\0{...'))).toEqual({ kind: 'chunks', size: 123, length: 11 });
    for (const bad of ['blob 012\0', 'blob -1\0', 'blob 1', 'commit 1\0', 'blob\0', 'blob  1\0', ' 1\0', 'blob 99999999999999999\0']) {
      expect(parseHeader(Buffer.from(bad)), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('the id is SHA-256 over header and body', () => {
    const body = Buffer.from('hello\n');
    const expected = createHash('sha256').update('blob 6\0hello\n').digest('hex');
    expect(computeObjectId('blob', body)).toBe(expected);
    expect(computeObjectId('blob', Buffer.alloc(0))).toBe(createHash('sha256').update('blob 0\0').digest('hex'));
  });
});
