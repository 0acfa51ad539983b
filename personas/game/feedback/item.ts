/**
 * A player feedback item as stored (objects-spec: records of `game/feedback`), its stable id, and the
 * fields an import maps from a file's columns. Pure.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The fields an item has, in the order `--map field=column` names them. */
export const FEEDBACK_FIELDS = ['text', 'rating', 'platform', 'build', 'player', 'time', 'tags', 'version'] as const;
export type FeedbackField = (typeof FEEDBACK_FIELDS)[number];

/** How an item was tied to a stored version. */
export const LINK_KINDS = ['version', 'build-map', 'build', 'time', 'none'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const FeedbackItemSchema = z.object({
  /** Stable id: 32 hex digits of SHA-256 over the item's content (see itemId). */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  text: z.string(),
  rating: z.number().finite().optional(),
  platform: z.string().optional(),
  build: z.string().optional(),
  /** The player's pseudonym (never the identifier given). */
  player: z.string().optional(),
  /** When the player wrote it, ms since the epoch. */
  time: z.number().int().optional(),
  tags: z.array(z.string()),
  /** The version reference the row gave (`version` column), as given. */
  versionRef: z.string().optional(),
  /** Further columns kept (not personal, not mapped). */
  fields: z.record(z.string(), z.string()).optional(),
  /** The version it is linked to (absent: unlinked), and how. */
  version: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  link: z.enum(LINK_KINDS),
  /** Where it came from: the file's name and the line (CSV, JSONL) or item number (JSON) it started at. */
  source: z.object({ file: z.string(), at: z.number().int() }),
});
export type FeedbackItem = z.infer<typeof FeedbackItemSchema>;

/** An item before it is linked and given its id (player already pseudonymised). */
export interface FeedbackDraft {
  text: string;
  rating?: number;
  platform?: string;
  build?: string;
  player?: string;
  time?: number;
  tags: string[];
  versionRef?: string;
  fields?: Record<string, string>;
}

/**
 * The stable id of an item: SHA-256 over a canonical form of its content after pseudonymisation (text,
 * rating, platform, build, player pseudonym, time, tags, version reference, further fields), so the
 * same row imported again, from any file and at any line, is the same item. Where it came from and
 * what it was linked to are not part of it: a changed build map does not make old rows new.
 */
export function itemId(d: FeedbackDraft): string {
  const fields = d.fields === undefined ? [] : Object.keys(d.fields).sort().map((k) => [k, (d.fields as Record<string, string>)[k]]);
  const canonical = JSON.stringify([1, d.text, d.rating ?? null, d.platform ?? null, d.build ?? null, d.player ?? null, d.time ?? null, d.tags, d.versionRef ?? null, fields]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 32);
}
