/**
 * `strata game playtest serve`: an HTTP endpoint (node:http, loopback by default) that game clients
 * stream events to. Protocol (JSON answers; errors as `{"error":{"code","message"}}`):
 * - `POST /sessions` with `{"version": "<ref>", "player": "…"}`: opens a session (201,
 *   `{"session": "<id>", "version": "<version id>"}`); an unknown version is 422;
 * - `POST /sessions/<id>/events` with JSONL (any length, chunked or not): every complete line that is
 *   an event is appended to the session's journal; the answer, sent once they are fsync'd, is
 *   `{"accepted": n, "rejected": k, "problems": [{line, message}…], "events": total}` (lines numbered
 *   within the request);
 * - `POST /sessions/<id>/end`: stores the session and answers `{"session": "<record id>", …}`;
 * - `GET /sessions` lists the open sessions; `GET /health` answers `{"ok": true}`.
 * Recovery: on start, every journal left by an earlier server (killed, or a session never ended) is
 * stored as an interrupted session, then removed; a session idle for `idleTimeoutMs` is stored as
 * interrupted too. `close()` stops accepting, lets requests in flight finish and stores open sessions.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Semaphore, StrataError, isStrataError, type Repository } from '../../../porcelain/index.js';
import { resolveVersionRef } from '../core/version-ref.js';
import { SessionIngest } from '../playtest/ingest.js';
import { numberedLines } from '../playtest/lines.js';
import { claimJournal, journalDir, journalLines, JournalFile, JOURNAL_FORMAT, listJournals, removeJournal, type JournalHeader } from './playtest-journal.js';
import { findClientSession, storeSession, type PlaytestSession } from './playtest-store.js';

export interface PlaytestServerOptions {
  repo: Repository;
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** Store a session as interrupted after this long without a request (default 10 minutes). */
  idleTimeoutMs?: number;
  /** Monotonic milliseconds for idle timing (default performance.now). */
  now?: () => number;
  onSessionStarted?: (s: { session: string; version: string; player?: string }) => void;
  onSessionStored?: (s: { client: string; session: PlaytestSession; interrupted: boolean; recovered: boolean }) => void;
  onWarning?: (message: string) => void;
}

export interface PlaytestServer {
  host: string;
  port: number;
  url: string;
  /** Sessions recovered from the journal at start. */
  recovered: PlaytestSession[];
  /** Open sessions right now. */
  openSessions(): number;
  close(): Promise<{ stored: PlaytestSession[] }>;
}

interface OpenSession {
  header: JournalHeader;
  journal: JournalFile;
  events: number;
  lastSeen: number;
  /** Requests in flight. */
  busy: number;
  ending: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_JSON_BODY = 64 * 1024;
const PROBLEMS_ANSWERED = 20;

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) throw new HttpError(413, 'INVALID_ARGUMENT', 'the body is larger than 64 KiB');
    parts.push(chunk);
  }
  const text = Buffer.concat(parts).toString('utf8').trim();
  if (text === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new HttpError(400, 'INVALID_ARGUMENT', `the body is not a JSON object (${(err as Error).message})`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startPlaytestServer(options: PlaytestServerOptions): Promise<PlaytestServer> {
  const { repo } = options;
  const host = options.host ?? '127.0.0.1';
  const idleMs = options.idleTimeoutMs ?? 10 * 60_000;
  const now = options.now ?? (() => performance.now());
  const dir = journalDir(repo.root);
  const release = await claimJournal(dir);
  const sessions = new Map<string, OpenSession>();
  const warn = (m: string): void => options.onWarning?.(m);

  // Sessions are stored two at a time: each holds a reorder window and chunk buffers, and many
  // clients ending at once must not multiply the server's memory.
  const storing = new Semaphore(2);

  /** Stores a journal's session (unless a record of it exists already), then removes the journal. */
  const storeJournal = (path: string, header: JournalHeader, interrupted: boolean, recovered: boolean): Promise<PlaytestSession | undefined> => storing.run(() => storeJournalNow(path, header, interrupted, recovered));

  const storeJournalNow = async (path: string, header: JournalHeader, interrupted: boolean, recovered: boolean): Promise<PlaytestSession | undefined> => {
    const existing = await findClientSession(repo, header.session);
    if (existing !== undefined) {
      await removeJournal(path);
      return undefined;
    }
    try {
      const session = await storeSession({
        repo,
        version: header.version,
        ...(header.player === undefined ? {} : { player: header.player }),
        source: { kind: 'http' },
        client: header.session,
        interrupted,
        lines: journalLines(path),
      });
      await removeJournal(path);
      options.onSessionStored?.({ client: header.session, session, interrupted, recovered });
      return session;
    } catch (err) {
      if (isStrataError(err) && err.code === 'PLAYTEST_EMPTY') {
        await removeJournal(path);
        warn(`session ${header.session} had no events: nothing stored`);
        return undefined;
      }
      throw err;
    }
  };

  const recovered: PlaytestSession[] = [];
  try {
    for (const j of await listJournals(dir)) {
      if (j.header === null) {
        warn(`${j.path}: ${j.problem ?? 'unreadable'}; left in place`);
        continue;
      }
      const s = await storeJournal(j.path, j.header, true, true);
      if (s !== undefined) recovered.push(s);
    }
  } catch (err) {
    await release();
    throw err;
  }

  const endSession = async (id: string, interrupted: boolean): Promise<PlaytestSession | undefined> => {
    const s = sessions.get(id);
    if (s === undefined) return undefined;
    s.ending = true;
    sessions.delete(id);
    await s.journal.close();
    return storeJournal(s.journal.path, s.header, interrupted, false);
  };

  const openSession = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readJsonBody(req);
    if (typeof body.version !== 'string' || body.version === '') throw new HttpError(400, 'INVALID_ARGUMENT', '"version" (a version id, tag, branch or milestone) is required');
    if (body.player !== undefined && typeof body.player !== 'string') throw new HttpError(400, 'INVALID_ARGUMENT', '"player" must be a string');
    let version: string;
    try {
      version = (await resolveVersionRef({ repo, ref: body.version })).id;
    } catch (err) {
      if (isStrataError(err) && (err.code === 'UNKNOWN_REVISION' || err.code === 'AMBIGUOUS_ID' || err.code === 'INVALID_ID')) throw new HttpError(422, err.code, err.message);
      throw err;
    }
    const id = randomBytes(8).toString('hex');
    const header: JournalHeader = { journal: JOURNAL_FORMAT, session: id, version, ...(typeof body.player === 'string' ? { player: body.player } : {}), opened: repo.clock.now() };
    const journal = await JournalFile.create(dir, header);
    sessions.set(id, { header, journal, events: 0, lastSeen: now(), busy: 0, ending: false });
    options.onSessionStarted?.({ session: id, version, ...(header.player === undefined ? {} : { player: header.player }) });
    send(res, 201, { session: id, version });
  };

  const takeEvents = async (s: OpenSession, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ingest = new SessionIngest({ reorderWindow: 1 });
    let accepted = 0;
    let rejected = 0;
    const problems: { line: number; message: string }[] = [];
    const writes: Promise<void>[] = [];
    let aborted = false;
    // A client that disconnects mid-body: the complete lines that arrived are kept (not acknowledged).
    const body = async function* (): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of req as AsyncIterable<Uint8Array>) yield chunk;
      } catch {
        aborted = true;
      }
    };
    for await (const block of numberedLines(body())) {
      const out: string[] = [];
      for (const line of block) {
        const text = line.text.trim();
        if (text === '') continue;
        const before = ingest.summary.problemCount;
        ingest.addLine(line, out);
        if (ingest.summary.problemCount > before) {
          rejected++;
          const p = ingest.summary.problems[ingest.summary.problems.length - 1];
          if (p !== undefined && problems.length < PROBLEMS_ANSWERED) problems.push(p);
        }
      }
      ingest.flush(out);
      if (out.length > 0) {
        accepted += out.length;
        writes.push(s.journal.append(`${out.join('\n')}\n`));
      }
    }
    await Promise.all(writes);
    s.events += accepted;
    s.lastSeen = now();
    if (aborted || res.destroyed) return;
    send(res, 200, { accepted, rejected, problems, events: s.events });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { ok: true, open: sessions.size });
    if (parts[0] !== 'sessions') throw new HttpError(404, 'NOT_FOUND', `no such endpoint: ${req.method} ${url.pathname}`);
    if (parts.length === 1) {
      if (req.method === 'GET') return send(res, 200, { sessions: [...sessions.values()].map((s) => ({ session: s.header.session, version: s.header.version, player: s.header.player, events: s.events })) });
      if (req.method === 'POST') return openSession(req, res);
      throw new HttpError(405, 'USAGE', 'use GET or POST /sessions');
    }
    const s = sessions.get(parts[1] as string);
    if (s === undefined || s.ending) throw new HttpError(404, 'UNKNOWN_SESSION', `no open session "${parts[1]}" (ended, stored after being idle, or never opened)`);
    if (req.method !== 'POST' || parts.length !== 3 || (parts[2] !== 'events' && parts[2] !== 'end')) throw new HttpError(404, 'NOT_FOUND', `no such endpoint: ${req.method} ${url.pathname}`);
    s.lastSeen = now();
    if (parts[2] === 'events') {
      s.busy++;
      try {
        return await takeEvents(s, req, res);
      } finally {
        s.busy--;
      }
    }
    for (let i = 0; s.busy > 0 && i < 600; i++) await new Promise((r) => setTimeout(r, 50));
    const stored = await endSession(s.header.session, false);
    send(res, 200, stored === undefined ? { session: null, client: s.header.session, events: 0 } : { session: stored.id, client: s.header.session, events: stored.summary.events, durationMs: stored.summary.durationMs, problems: stored.summary.problemCount });
  };

  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const p = handle(req, res)
      .catch((err: unknown) => {
        if (err instanceof HttpError) return send(res, err.status, { error: { code: err.code, message: err.message } });
        const code = isStrataError(err) ? err.code : 'INTERNAL';
        warn(`${req.method} ${req.url}: ${(err as Error).message}`);
        send(res, 500, { error: { code, message: (err as Error).message } });
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new StrataError('PORT_IN_USE', `${host}:${options.port ?? 0} is in use`, { hint: 'choose another --port' }) : new StrataError('IO_ERROR', `cannot listen on ${host}:${options.port ?? 0}: ${err.message}`, { cause: err }));
    });
    server.listen(options.port ?? 0, host, () => resolve());
  }).catch(async (err: unknown) => {
    await release();
    throw err;
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);

  const idleTimer = setInterval(() => {
    const at = now();
    for (const [id, s] of sessions) {
      if (s.busy === 0 && !s.ending && at - s.lastSeen > idleMs) {
        endSession(id, true).catch((err: unknown) => warn(`storing idle session ${id}: ${(err as Error).message}`));
      }
    }
  }, Math.max(50, Math.min(5000, idleMs / 4)));
  idleTimer.unref();

  let closing: Promise<{ stored: PlaytestSession[] }> | undefined;
  const close = (): Promise<{ stored: PlaytestSession[] }> => {
    closing ??= (async () => {
      clearInterval(idleTimer);
      const stopped = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await Promise.all([...inFlight]);
      server.closeAllConnections();
      await stopped;
      const stored: PlaytestSession[] = [];
      for (const id of [...sessions.keys()]) {
        const s = await endSession(id, true);
        if (s !== undefined) stored.push(s);
      }
      await release();
      return { stored };
    })();
    return closing;
  };

  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { host, port, url: `http://${shownHost}:${port}`, recovered, openSessions: () => sessions.size, close };
}
