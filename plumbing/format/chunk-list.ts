import { z } from 'zod';
import { canonicalDecode, canonicalEncode } from './canonical-json.js';
import { FormatError } from './format-error.js';

/** One chunk of a large file: the id of its blob and its length in bytes. */
export const ChunkRefJson = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});
/** A `chunks` object body: the chunks in file order and the total size. */
export const ChunkListJson = z.strictObject({
  chunks: z.array(ChunkRefJson).min(2),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type ChunkRef = z.infer<typeof ChunkRefJson>;
export type ChunkList = z.infer<typeof ChunkListJson>;

function check(list: ChunkList): ChunkList {
  if (list.chunks.length < 2) throw new FormatError('a chunk list needs at least two chunks (one chunk is a blob)');
  const total = list.chunks.reduce((sum, c) => sum + c.size, 0);
  if (total !== list.size) throw new FormatError(`chunk sizes add up to ${total}, not to the stated size ${list.size}`);
  return list;
}

/** The canonical body of a chunk list; the total size is computed. */
export function encodeChunkList(chunks: ChunkRef[]): Buffer {
  const list = check({ chunks, size: chunks.reduce((sum, c) => sum + c.size, 0) });
  return canonicalEncode(list);
}

/** Parses and validates a `chunks` body. */
export function decodeChunkList(body: Uint8Array): ChunkList {
  const parsed = ChunkListJson.safeParse(canonicalDecode(body));
  if (!parsed.success) throw new FormatError(`chunk list: ${z.prettifyError(parsed.error).split('\n').join(' ')}`);
  return check(parsed.data);
}
