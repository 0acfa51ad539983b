/**
 * Playtest sessions in the repository: one record (objects-spec section 7.6) per session in the
 * namespace `game/playtests`, holding `events.jsonl` (the normalised events, one JSON object per
 * line, in time order) and `session.json` (what the session is: its build's version id, player,
 * source, and the summary taken while its events were stored). The record's `meta` repeats the
 * version (`meta.version`), the player and the client's session id, so sessions are listed without
 * reading their events. The events stream into the store: memory stays bounded whatever their size.
 */
import { z } from 'zod';
import { StrataError, deleteRecord, isStrataError, listRecordFiles, listRecords, readRecordFile, resolveRecord, streamStoredContent, writeRecord, type RecordEntry, type RecordInfo, type Repository } from '../../../porcelain/index.js';
import { readStoredEvent, type EventProblem, type PlaytestEvent } from '../playtest/events.js';
import { ingestLines, SessionIngest, type SessionSummary } from '../playtest/ingest.js';
import { numberedLines, type NumberedLine } from '../playtest/lines.js';

export const PLAYTEST_NAMESPACE = 'game/playtests';
export const SESSION_FORMAT = 'strata-playtest-session/1';
const EVENTS_FILE = 'events.jsonl';
const SESSION_FILE = 'session.json';

export type PlaytestSourceKind = 'file' | 'stdin' | 'http' | 'supertuxkart-replay';

const BoundsSchema = z.object({ minX: z.number(), minY: z.number(), maxX: z.number(), maxY: z.number() });
export const SessionFileSchema = z.object({
  format: z.literal(SESSION_FORMAT),
  version: z.string().regex(/^[0-9a-f]{64}$/),
  player: z.string().optional(),
  source: z.object({ kind: z.enum(['file', 'stdin', 'http', 'supertuxkart-replay']), name: z.string().optional() }),
  client: z.string().optional(),
  interrupted: z.boolean().optional(),
  info: z.record(z.string(), z.unknown()).optional(),
  summary: z.object({
    events: z.number().int(),
    startT: z.number().nullable(),
    endT: z.number().nullable(),
    durationMs: z.number(),
    types: z.record(z.string(), z.number()),
    bounds: BoundsSchema.nullable(),
    outOfOrder: z.number().int(),
    late: z.number().int(),
    sorted: z.boolean(),
    problemCount: z.number().int(),
    problems: z.array(z.object({ line: z.number(), message: z.string() })),
  }),
});
export type SessionFile = z.infer<typeof SessionFileSchema>;

/** A stored session, as `list` and `show` give it. */
export interface PlaytestSession {
  /** The session's id: its record's version id. */
  id: string;
  /** When it was stored, ms. */
  time: number;
  /** The build it was played on (a version id). */
  version: string;
  player?: string;
  source: { kind: PlaytestSourceKind; name?: string };
  /** The game client's session id (sessions received by `serve`). */
  client?: string;
  /** Stored after the client or the server stopped before the session's end. */
  interrupted: boolean;
  info?: Record<string, unknown>;
  summary: SessionSummary;
  /** Bytes of stored events. */
  eventsBytes: number;
  /** Set by storeSession when the same events of the same build and player were stored before: this is that session, nothing was added. */
  alreadyStored?: true;
}

export interface StoreSessionOptions {
  repo: Repository;
  /** The build's version id (already resolved). */
  version: string;
  player?: string;
  source: { kind: PlaytestSourceKind; name?: string };
  client?: string;
  interrupted?: boolean;
  info?: Record<string, unknown>;
  /** The input, as numbered lines of JSONL. */
  lines: AsyncIterable<NumberedLine[]>;
  reorderWindow?: number;
  onProblem?: (p: EventProblem) => void;
}

/**
 * Streams a session's events into the store and writes its record; PLAYTEST_EMPTY when no line was an
 * event. Storing the same events for the same build and player again returns the stored session
 * (`alreadyStored`) and leaves nothing new (sessions from the server are told apart by their client id).
 */
export async function storeSession(options: StoreSessionOptions): Promise<PlaytestSession> {
  const { repo } = options;
  const ingest = new SessionIngest({ ...(options.reorderWindow === undefined ? {} : { reorderWindow: options.reorderWindow }), ...(options.onProblem === undefined ? {} : { onProblem: options.onProblem }) });
  const file = (): SessionFile => ({
    format: SESSION_FORMAT,
    version: options.version,
    ...(options.player === undefined ? {} : { player: options.player }),
    source: options.source,
    ...(options.client === undefined ? {} : { client: options.client }),
    ...(options.interrupted ? { interrupted: true } : {}),
    ...(options.info === undefined ? {} : { info: options.info }),
    summary: ingest.summary,
  });
  // session.json is written after events.jsonl has been read to its end (files are stored in order).
  async function* sessionJson(): AsyncGenerator<Buffer> {
    if (ingest.summary.events === 0) {
      const first = ingest.summary.problems[0];
      throw new StrataError('PLAYTEST_EMPTY', `no events in the session: ${ingest.summary.problemCount} line(s) could not be read${first ? ` (line ${first.line}: ${first.message})` : ''}; nothing was stored`, { data: { problems: ingest.summary.problems } });
    }
    yield Buffer.from(`${JSON.stringify(file(), null, 2)}\n`, 'utf8');
  }
  const meta: Record<string, string> = { version: options.version };
  if (options.player !== undefined) meta.player = options.player;
  if (options.client !== undefined) meta.client = options.client;
  const record = await writeRecord({
    repo,
    namespace: PLAYTEST_NAMESPACE,
    files: [
      { path: EVENTS_FILE, data: ingestLines(options.lines, ingest) },
      { path: SESSION_FILE, data: sessionJson() },
    ],
    name: `playtest of ${options.version.slice(0, 12)}`,
    meta,
  });
  const entries = await listRecordFiles(repo, record.id);
  if (options.client === undefined) {
    // The same events of the same build and player stored again (a script run twice) add nothing:
    // of identical sessions the first stored stays (then the smallest id, so two racing writers agree).
    const eventsId = entries.find((e) => e.path === EVENTS_FILE)?.id;
    let keep: RecordInfo = record;
    for (const r of await listRecords(repo, PLAYTEST_NAMESPACE)) {
      if (r.id === record.id || r.meta?.['version'] !== options.version || r.meta?.['player'] !== options.player || r.meta?.['client'] !== undefined) continue;
      const older = r.time < keep.time || (r.time === keep.time && r.id < keep.id);
      if (older && (await listRecordFiles(repo, r.id)).find((e) => e.path === EVENTS_FILE)?.id === eventsId) keep = r;
    }
    if (keep !== record) {
      await deleteRecord(repo, PLAYTEST_NAMESPACE, record.id);
      return { ...(await loadSession(repo, keep)).session, alreadyStored: true };
    }
  }
  return toSession(record, file(), entries);
}

function toSession(record: RecordInfo, f: SessionFile, entries: RecordEntry[]): PlaytestSession {
  return {
    id: record.id,
    time: record.time,
    version: f.version,
    ...(f.player === undefined ? {} : { player: f.player }),
    source: f.source,
    ...(f.client === undefined ? {} : { client: f.client }),
    interrupted: f.interrupted ?? false,
    ...(f.info === undefined ? {} : { info: f.info }),
    summary: f.summary,
    eventsBytes: entries.find((e) => e.path === EVENTS_FILE)?.size ?? 0,
  };
}

async function loadSession(repo: Repository, record: RecordInfo): Promise<{ session: PlaytestSession; events: RecordEntry }> {
  const entries = await listRecordFiles(repo, record.id);
  const sessionEntry = entries.find((e) => e.path === SESSION_FILE);
  const events = entries.find((e) => e.path === EVENTS_FILE);
  if (sessionEntry === undefined || events === undefined) throw new StrataError('OBJECT_CORRUPT', `playtest record ${record.id} lacks ${sessionEntry === undefined ? SESSION_FILE : EVENTS_FILE}`);
  let parsed: SessionFile;
  try {
    parsed = SessionFileSchema.parse(JSON.parse((await readRecordFile(repo, sessionEntry)).toString('utf8')));
  } catch (err) {
    if (isStrataError(err)) throw err;
    throw new StrataError('OBJECT_CORRUPT', `playtest record ${record.id}: ${SESSION_FILE} is not a session description (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  return { session: toSession(record, parsed, entries), events };
}

/** Every stored session with its events file, newest first; only the given build's when `version` (an id) is set. */
export async function loadSessionEntries(repo: Repository, version?: string): Promise<{ session: PlaytestSession; events: RecordEntry }[]> {
  const records = (await listRecords(repo, PLAYTEST_NAMESPACE)).filter((r) => version === undefined || r.meta?.['version'] === version);
  const out: { session: PlaytestSession; events: RecordEntry }[] = [];
  for (const r of records) out.push(await loadSession(repo, r));
  return out;
}

/** Every stored session, newest first; only the given build's when `version` (an id) is set. */
export async function loadSessions(repo: Repository, version?: string): Promise<PlaytestSession[]> {
  return (await loadSessionEntries(repo, version)).map((e) => e.session);
}

/** The session an id or unique prefix names; UNKNOWN_SESSION otherwise. */
export async function findSession(repo: Repository, which: string): Promise<{ session: PlaytestSession; events: RecordEntry }> {
  if (!/^[0-9a-f]{4,64}$/i.test(which)) throw new StrataError('UNKNOWN_SESSION', `"${which}" is not a session id (4 to 64 hex digits)`, { hint: 'list sessions with `strata game playtest list`' });
  let record: RecordInfo;
  try {
    record = await resolveRecord(repo, PLAYTEST_NAMESPACE, which);
  } catch (err) {
    if (isStrataError(err) && err.code === 'RECORD_NOT_FOUND') throw new StrataError('UNKNOWN_SESSION', `no playtest session "${which}"`, { hint: 'list sessions with `strata game playtest list`', data: { session: which } });
    throw err;
  }
  return loadSession(repo, record);
}

/** A stored session's events, in blocks, in stored order. */
export async function* sessionEvents(repo: Repository, events: RecordEntry): AsyncGenerator<PlaytestEvent[]> {
  for await (const block of numberedLines(streamStoredContent(repo, events.id))) {
    const out: PlaytestEvent[] = [];
    for (const l of block) if (l.text !== '') out.push(readStoredEvent(l.text));
    yield out;
  }
}

/** Whether a session from this client id is already stored (a journal recovered twice stores once). */
export async function findClientSession(repo: Repository, client: string): Promise<string | undefined> {
  return (await listRecords(repo, PLAYTEST_NAMESPACE)).find((r) => r.meta?.['client'] === client)?.id;
}
