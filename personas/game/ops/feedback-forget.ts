/**
 * `feedback forget --player <id>`: a player asks for their feedback to be erased. Records are
 * append-only, so the items that remain (every stored item but that player's) are written as one new
 * record of `game/feedback`, and the records it replaces are deleted (their kept refs); `gc` then frees
 * the objects that held the player's items. Only the records read are deleted: an import that lands in
 * between keeps its record (readers take the newest copy of each item, and the next import rebuilds its
 * index from every record, since the count no longer matches).
 */
import { deleteRecord, type Repository } from '../../../porcelain/index.js';
import { pseudonymise } from '../feedback/pseudonym.js';
import { loadFeedbackSecret, readAllItemsWithRecords, writeFeedbackRecord, FEEDBACK_NAMESPACE } from './feedback-store.js';

export interface ForgetFeedbackOptions {
  repo: Repository;
  /** The player's identifier, as their feedback gave it. */
  player: string;
  /** Only count what would be forgotten. */
  dryRun?: boolean;
}

export interface ForgetFeedbackResult {
  /** The player's pseudonym. */
  player: string;
  /** Their items that were (or, with dryRun, would be) forgotten. */
  forgotten: number;
  /** Items that remain. */
  remaining: number;
  /** The record now holding the remaining items (absent for a dry run or when nothing was forgotten). */
  record?: string;
  /** Records deleted (replaced by it). */
  recordsDeleted: number;
  dryRun: boolean;
}

/** Forgets every stored feedback item of a player. */
export async function forgetFeedback(options: ForgetFeedbackOptions): Promise<ForgetFeedbackResult> {
  const { repo } = options;
  const secret = await loadFeedbackSecret({ repo, create: false });
  const player = secret.length === 0 ? '' : pseudonymise(secret, options.player);
  const { items, records } = await readAllItemsWithRecords(repo);
  const keep = items.filter((i) => i.player !== player || player === '');
  const forgotten = items.length - keep.length;
  const dryRun = options.dryRun === true;
  if (forgotten === 0 || dryRun) return { player, forgotten, remaining: keep.length, recordsDeleted: 0, dryRun };
  const head = records.at(-1);
  const record = await writeFeedbackRecord({
    repo,
    items: keep.map((i) => JSON.stringify(i)),
    ids: keep.map((i) => [i.id, i.version !== undefined]),
    index: { ids: new Map(), ...(head === undefined ? {} : { head: head.id }), records: 0 },
    secret,
    doc: { kind: 'forget', rows: 0, added: 0, relinked: 0, present: keep.length, malformed: [], unlinked: [], forgotten },
  });
  for (const r of records) await deleteRecord(repo, FEEDBACK_NAMESPACE, r.id);
  return { player, forgotten, remaining: keep.length, record: record.id, recordsDeleted: records.length, dryRun };
}
