import { z } from 'zod';
import { canonicalDecode, canonicalEncode } from './canonical-json.js';
import { FormatError } from './format-error.js';

const id = z.string().regex(/^[0-9a-f]{64}$/);

/** A `version` object body: one stored state of a folder, with its history and labels. */
export const VersionJson = z.strictObject({
  tree: id,
  parents: z.array(id),
  time: z.number().int().min(-8.64e15).max(8.64e15),
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string().min(1)),
  milestone: z.boolean(),
  meta: z.record(z.string(), z.string()),
});
export type VersionBody = z.infer<typeof VersionJson>;

/** What a caller supplies; missing labels default to empty. */
export interface VersionInput {
  tree: string;
  parents?: string[];
  time: number;
  name?: string;
  description?: string;
  tags?: string[];
  milestone?: boolean;
  meta?: Record<string, string>;
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** Fills defaults, sorts and de-duplicates tags, and validates. Parent order is kept (first parent first). */
export function normalizeVersion(input: VersionInput): VersionBody {
  const body = {
    tree: input.tree,
    parents: input.parents ?? [],
    time: input.time,
    name: input.name ?? '',
    description: input.description ?? '',
    tags: sortedUnique(input.tags ?? []),
    milestone: input.milestone ?? false,
    meta: input.meta ?? {},
  };
  const parsed = VersionJson.safeParse(body);
  if (!parsed.success) throw new FormatError(`version: ${z.prettifyError(parsed.error).split('\n').join(' ')}`);
  if (new Set(body.parents).size !== body.parents.length) throw new FormatError('version: a parent is listed twice');
  return parsed.data;
}

export function encodeVersion(input: VersionInput): Buffer {
  return canonicalEncode(normalizeVersion(input));
}

/** Parses and validates a `version` body (tags must be sorted and unique, parents unique). */
export function decodeVersion(body: Uint8Array): VersionBody {
  const parsed = VersionJson.safeParse(canonicalDecode(body));
  if (!parsed.success) throw new FormatError(`version: ${z.prettifyError(parsed.error).split('\n').join(' ')}`);
  const tags = sortedUnique(parsed.data.tags);
  if (tags.join('\0') !== parsed.data.tags.join('\0')) throw new FormatError('version: tags are not sorted and unique');
  if (new Set(parsed.data.parents).size !== parsed.data.parents.length) {
    throw new FormatError('version: a parent is listed twice');
  }
  return parsed.data;
}
