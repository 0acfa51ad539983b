import { StrataError, readContent, type Repository } from '../../plumbing/index.js';

export interface ReadStoredContentOptions {
  /** Refuse content larger than this many bytes (FILE_TOO_LARGE); default 2 GiB. */
  maxBytes?: number;
  /** The size the tree records, checked against what is read. */
  expectedSize?: number;
}

/**
 * The whole content of a stored file (a blob or a chunk list) in one buffer, every object verified as
 * it is read. For callers that need a file whole (decoders); stream with `catPath` otherwise.
 */
export async function readStoredContent(repo: Repository, id: string, options: ReadStoredContentOptions = {}): Promise<Buffer> {
  const max = options.maxBytes ?? 2 ** 31;
  if (options.expectedSize !== undefined && options.expectedSize > max) {
    throw new StrataError('FILE_TOO_LARGE', `content ${id.slice(0, 12)} has ${options.expectedSize} bytes, more than the ${max} allowed here`, { data: { id, size: options.expectedSize, max } });
  }
  const blocks: Buffer[] = [];
  let size = 0;
  for await (const block of readContent(repo.objects, id)) {
    size += block.length;
    if (size > max) throw new StrataError('FILE_TOO_LARGE', `content ${id.slice(0, 12)} has more than the ${max} bytes allowed here`, { data: { id, max } });
    blocks.push(block);
  }
  if (options.expectedSize !== undefined && size !== options.expectedSize) {
    throw new StrataError('OBJECT_CORRUPT', `content ${id} has ${size} bytes, but its tree records ${options.expectedSize}`, { data: { id } });
  }
  return blocks.length === 1 ? (blocks[0] as Buffer) : Buffer.concat(blocks, size);
}

/** The content of a stored file as a stream of blocks, each object verified as it is read (for readers that stop early). */
export function streamStoredContent(repo: Repository, id: string): AsyncIterable<Buffer> {
  return readContent(repo.objects, id);
}
