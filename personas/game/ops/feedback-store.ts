/**
 * Where player feedback lives (objects-spec section 7.6, records): namespace `game/feedback`, one record
 * per import (or `add`) holding `import.json` (what was imported, counts, problems), `items.jsonl` (the
 * items that were new, or newly linked, one JSON object a line) and `index.txt` (every item id of the
 * namespace so far with its linked flag, in the order they came, so an import reads one record to know
 * what is already there; content-defined chunking stores the unchanged front of it once). The
 * pseudonymisation secret lives in the repository folder, `keys/game-feedback`, outside the object
 * store, so it never travels inside objects.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { StrataError, isStrataError, listRecordFiles, listRecords, readRecordFile, resolveRecord, writeRecord, type RecordInfo, type Repository } from '../../../porcelain/index.js';
import { FEEDBACK_CONFIG_FILES, parseFeedbackConfig, settingsFrom, type FeedbackSettings } from '../feedback/config.js';
import { FeedbackItemSchema, type FeedbackItem } from '../feedback/item.js';
import { SECRET_BYTES, secretFingerprint } from '../feedback/pseudonym.js';

export const FEEDBACK_NAMESPACE = 'game/feedback';
/** The secret's path inside the repository folder. */
export const FEEDBACK_SECRET_PATH = 'keys/game-feedback';

const IMPORT_FILE = 'import.json';
const ITEMS_FILE = 'items.jsonl';
const INDEX_FILE = 'index.txt';

const ProblemSchema = z.object({ at: z.number().int(), problem: z.string() });
const UnlinkedSchema = z.object({ at: z.number().int(), id: z.string(), reason: z.string() });

export const ImportDocSchema = z.object({
  format: z.literal(1),
  /** `import` of a file, `add` of one item, or `forget`: every item but a player's, replacing the records before it. */
  kind: z.enum(['import', 'add', 'forget']),
  /** For `forget`: items left out. */
  forgotten: z.number().int().optional(),
  file: z.string().optional(),
  fileFormat: z.string().optional(),
  time: z.number().int(),
  rows: z.number().int(),
  added: z.number().int(),
  relinked: z.number().int(),
  present: z.number().int(),
  malformed: z.array(ProblemSchema),
  unlinked: z.array(UnlinkedSchema),
  /** Fingerprint of the secret the players were pseudonymised with. */
  keyCheck: z.string(),
  /** The head record the index was built on (null: the first record). */
  base: z.string().nullable(),
  /** Records in the namespace once this one is written, and ids in its index. */
  records: z.number().int(),
  indexed: z.number().int(),
});
export type ImportDoc = z.infer<typeof ImportDocSchema>;

function secretPath(repo: Repository): string {
  return join(repo.root, FEEDBACK_SECRET_PATH);
}

async function latestRecord(repo: Repository): Promise<RecordInfo | undefined> {
  try {
    return await resolveRecord(repo, FEEDBACK_NAMESPACE);
  } catch (err) {
    if (isStrataError(err) && err.code === 'RECORD_NOT_FOUND') return undefined;
    throw err;
  }
}

async function readFileOf(repo: Repository, record: string, path: string): Promise<Buffer | undefined> {
  const entry = (await listRecordFiles(repo, record)).find((f) => f.path === path);
  return entry ? readRecordFile(repo, entry) : undefined;
}

/** The import document of a record; OBJECT_CORRUPT when it is missing or malformed. */
export async function readImportDoc(repo: Repository, record: string): Promise<ImportDoc> {
  const data = await readFileOf(repo, record, IMPORT_FILE);
  const where = `feedback record ${record.slice(0, 12)}`;
  if (!data) throw new StrataError('OBJECT_CORRUPT', `${where} has no ${IMPORT_FILE}`, { data: { record } });
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new StrataError('OBJECT_CORRUPT', `${where}: ${IMPORT_FILE} is not JSON (${(err as Error).message})`, { data: { record } });
  }
  const parsed = ImportDocSchema.safeParse(doc);
  if (!parsed.success) throw new StrataError('OBJECT_CORRUPT', `${where}: ${IMPORT_FILE} is not an import document (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''})`, { data: { record } });
  return parsed.data;
}

/**
 * The repository's feedback secret. Created (256 random bits, file mode 0600, never replaced: two
 * racing creators agree on the first) only when `create` is set and no feedback is stored yet; when
 * feedback exists and the file is gone, or holds a different secret than the stored items were made
 * with, FEEDBACK_SECRET: a new secret would give every player a new pseudonym.
 */
export async function loadFeedbackSecret(options: { repo: Repository; create: boolean }): Promise<Buffer> {
  const { repo } = options;
  const path = secretPath(repo);
  const head = await latestRecord(repo);
  let secret = await readSecret(path);
  if (secret === undefined) {
    if (head !== undefined) {
      throw new StrataError('FEEDBACK_SECRET', `the feedback secret ${path} is missing, but stored feedback was pseudonymised with it`, {
        hint: `restore ${FEEDBACK_SECRET_PATH} from a backup of the repository folder; a new secret would give every player a new pseudonym`,
        data: { path },
      });
    }
    if (!options.create) return Buffer.alloc(0);
    secret = await createSecret(path);
  }
  if (head !== undefined) {
    const doc = await readImportDoc(repo, head.id);
    if (doc.keyCheck !== secretFingerprint(secret)) {
      throw new StrataError('FEEDBACK_SECRET', `the feedback secret ${path} is not the one the stored feedback was pseudonymised with`, {
        hint: `restore this repository's own ${FEEDBACK_SECRET_PATH}; it was replaced or copied from another repository`,
        data: { path },
      });
    }
  }
  return secret;
}

async function readSecret(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StrataError('IO_ERROR', `cannot read the feedback secret ${path}: ${(err as Error).message}`, { cause: err });
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new StrataError('FEEDBACK_SECRET', `the feedback secret ${path} is damaged (not 64 hex digits)`, { hint: `restore ${FEEDBACK_SECRET_PATH} from a backup of the repository folder`, data: { path } });
  return Buffer.from(hex, 'hex');
}

async function createSecret(path: string): Promise<Buffer> {
  const secret = randomBytes(SECRET_BYTES);
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(tmp, 0o600);
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another process made it first: use theirs.
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return (await readSecret(path)) as Buffer;
}

/** Item ids stored so far, with whether each is linked (the newest copy counts). */
export interface FeedbackIndex {
  ids: Map<string, boolean>;
  /** The head record it reflects (undefined: no feedback yet). */
  head?: string;
  records: number;
}

/** The index of stored ids: the head's `index.txt` when it covers every record, rebuilt from all items otherwise. */
export async function loadFeedbackIndex(repo: Repository): Promise<FeedbackIndex> {
  const records = await listRecords(repo, 'game/feedback');
  const head = await latestRecord(repo);
  if (head === undefined) return { ids: new Map(), records: 0 };
  const doc = await readImportDoc(repo, head.id);
  const ids = new Map<string, boolean>();
  if (doc.records === records.length && (doc.base ?? undefined) === head.parents[0]) {
    const data = await readFileOf(repo, head.id, INDEX_FILE);
    if (data) {
      for (const line of data.toString('utf8').split('\n')) {
        if (line.length >= 34) ids.set(line.slice(0, 32), line[33] === '1');
      }
      if (ids.size === doc.indexed) return { ids, head: head.id, records: records.length };
      ids.clear();
    }
  }
  // A concurrent import, or a deleted record: the index is not whole, so read every item.
  for (const item of await readAllItems(repo)) ids.set(item.id, item.version !== undefined);
  return { ids, head: head.id, records: records.length };
}

/**
 * The namespace's records, oldest first, in the order of their chain (head, its parent, …: times may be
 * equal), records off the chain (after a deleted record) first, by time.
 */
async function recordsOldestFirst(repo: Repository): Promise<RecordInfo[]> {
  const all = await listRecords(repo, FEEDBACK_NAMESPACE);
  const byId = new Map(all.map((r) => [r.id, r]));
  const chain: RecordInfo[] = [];
  for (let r = (await latestRecord(repo))?.id; r !== undefined && byId.has(r); ) {
    const rec = byId.get(r) as RecordInfo;
    byId.delete(r);
    chain.push(rec);
    r = rec.parents[0];
  }
  return [...[...byId.values()].reverse(), ...chain.reverse()];
}

/** Every stored item, the newest copy of each id. */
export async function readAllItems(repo: Repository): Promise<FeedbackItem[]> {
  return (await readAllItemsWithRecords(repo)).items;
}

/** Every stored item (newest copy of each id), and the records read. */
export async function readAllItemsWithRecords(repo: Repository): Promise<{ items: FeedbackItem[]; records: RecordInfo[] }> {
  const records = await recordsOldestFirst(repo);
  const byId = new Map<string, FeedbackItem>();
  for (const record of records) {
    const data = await readFileOf(repo, record.id, ITEMS_FILE);
    if (!data) throw new StrataError('OBJECT_CORRUPT', `feedback record ${record.id.slice(0, 12)} has no ${ITEMS_FILE}`, { data: { record: record.id } });
    let line = 0;
    for (const text of data.toString('utf8').split('\n')) {
      line++;
      if (text === '') continue;
      let item: FeedbackItem;
      try {
        item = FeedbackItemSchema.parse(JSON.parse(text));
      } catch (err) {
        throw new StrataError('OBJECT_CORRUPT', `feedback record ${record.id.slice(0, 12)}: ${ITEMS_FILE} line ${line} is not an item (${(err as Error).message.split('\n')[0] ?? ''})`, { data: { record: record.id, line } });
      }
      byId.set(item.id, item);
    }
  }
  return { items: [...byId.values()], records };
}

export interface WriteFeedbackOptions {
  repo: Repository;
  doc: Omit<ImportDoc, 'format' | 'base' | 'records' | 'indexed' | 'keyCheck' | 'time'>;
  /** The items, each as its JSON text (one line, no newline): a large import keeps strings, not objects. */
  items: string[];
  /** Each item's id and whether it is linked, in the same order. */
  ids: Array<[string, boolean]>;
  index: FeedbackIndex;
  secret: Buffer;
}

/** Stores an import's new items as one record; the index it writes is the old one plus them. */
export async function writeFeedbackRecord(options: WriteFeedbackOptions): Promise<RecordInfo> {
  const { repo, items, index } = options;
  const ids = new Map(index.ids);
  for (const [id, linked] of options.ids) ids.set(id, linked);
  const doc: ImportDoc = {
    format: 1,
    ...options.doc,
    time: repo.clock.now(),
    keyCheck: secretFingerprint(options.secret),
    base: index.head ?? null,
    records: index.records + 1,
    indexed: ids.size,
  };
  // The old index's lines first, unchanged, so that its chunks are shared with the last record's.
  const lines: string[] = [];
  for (const [id, linked] of index.ids) lines.push(`${id} ${linked ? 1 : 0}\n`);
  for (const [id, linked] of options.ids) lines.push(`${id} ${linked ? 1 : 0}\n`);
  return writeRecord({
    repo,
    namespace: FEEDBACK_NAMESPACE,
    files: [
      { path: IMPORT_FILE, data: Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8') },
      { path: ITEMS_FILE, data: Buffer.from(items.length === 0 ? '' : `${items.join('\n')}\n`, 'utf8') },
      { path: INDEX_FILE, data: Buffer.from(lines.join(''), 'utf8') },
    ],
    name: options.doc.kind === 'add' ? 'feedback item' : options.doc.kind === 'forget' ? 'feedback without a forgotten player' : `feedback ${options.doc.file ?? ''}`.trim(),
    description: `${items.length} feedback items`,
    meta: { items: String(items.length) },
  });
}

/**
 * The project's feedback settings: the file given, else `strata-feedback.json` (or .yaml, .yml) in the
 * project folder (the one holding the `.strata` repository), else in the repository folder, else the
 * shipped defaults.
 */
export async function loadFeedbackSettings(options: { repo: Repository; config?: string }): Promise<FeedbackSettings> {
  const { repo } = options;
  if (options.config !== undefined) {
    let text: string;
    try {
      text = await readFile(options.config, 'utf8');
    } catch (err) {
      throw new StrataError('FILE_NOT_FOUND', `cannot read the feedback settings ${options.config}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { data: { path: options.config } });
    }
    return parseFeedbackConfig(text, options.config);
  }
  const folders = basename(repo.root) === '.strata' ? [dirname(repo.root), repo.root] : [repo.root];
  for (const folder of folders) {
    for (const name of FEEDBACK_CONFIG_FILES) {
      const path = join(folder, name);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue;
      }
      return parseFeedbackConfig(text, path);
    }
  }
  return settingsFrom(undefined);
}
