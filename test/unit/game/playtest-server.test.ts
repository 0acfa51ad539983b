/** The playtest HTTP server in process: the protocol, errors, a client that disconnects mid-body, idle sessions, recovery from the journal, one server per repository. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupEngine, createTag, fixedClock, type Repository } from '../../../porcelain/index.js';
import { JOURNAL_FORMAT, exportPlaytest, journalDir, listPlaytests, startPlaytestServer, type PlaytestServer } from '../../../personas/game/index.js';

const base = mkdtempSync(join(tmpdir(), 'strata-playtest-server-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let repo: Repository;
let v1: string;

beforeAll(async () => {
  const project = join(base, 'p');
  mkdirSync(project);
  const engine = await BackupEngine.initializeRepository({ dir: project, clock: fixedClock(Date.UTC(2026, 5, 1, 12)) });
  repo = engine.repo;
  writeFileSync(join(project, 'a.txt'), 'a\n');
  v1 = (await engine.createSnapshot({ source: project })).id;
  await createTag({ repo, name: 'build-1', version: v1 });
});

async function post(server: PlaytestServer, path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function events(sessionId: string): Promise<Record<string, unknown>[]> {
  const out: string[] = [];
  await exportPlaytest({ repo, session: sessionId, format: 'jsonl', write: (t) => void out.push(t) });
  return out.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('playtest server', () => {
  it('opens a session, takes JSONL batches (problems answered by line), ends and stores it', async () => {
    const started: string[] = [];
    const server = await startPlaytestServer({ repo, port: 0, onSessionStarted: (s) => void started.push(s.session) });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const bad = await post(server, '/sessions', '{"version":"nope"}');
      expect(bad).toMatchObject({ status: 422, json: { error: { code: 'UNKNOWN_REVISION' } } });
      expect((await post(server, '/sessions', '[1]')).status).toBe(400);
      const open = await post(server, '/sessions', '{"version":"build-1","player":"p1"}');
      expect(open).toMatchObject({ status: 201, json: { version: v1 } });
      const id = open.json.session as string;
      expect(started).toEqual([id]);
      const r1 = await post(server, `/sessions/${id}/events`, '{"t":0,"type":"level_start","level":"a"}\nnot json\n{"t":5,"type":"position","x":1,"y":2}\n');
      expect(r1).toMatchObject({ status: 200, json: { accepted: 2, rejected: 1, events: 2, problems: [{ line: 2, message: expect.stringMatching(/^not JSON/) }] } });
      const r2 = await post(server, `/sessions/${id}/events`, '{"t":9,"type":"level_complete"}');
      expect(r2.json).toMatchObject({ accepted: 1, events: 3 });
      const list = (await (await fetch(`${server.url}/sessions`)).json()) as { sessions: unknown[] };
      expect(list.sessions).toEqual([{ session: id, version: v1, player: 'p1', events: 3 }]);
      const end = await post(server, `/sessions/${id}/end`, '');
      expect(end).toMatchObject({ status: 200, json: { client: id, events: 3 } });
      expect((await post(server, `/sessions/${id}/events`, '{"t":1,"type":"x"}\n')).status).toBe(404);
      expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
      const stored = (await listPlaytests({ repo })).sessions.find((s) => s.client === id)!;
      expect(stored).toMatchObject({ id: end.json.session, version: v1, player: 'p1', interrupted: false, source: { kind: 'http' } });
      expect((await events(stored.id)).map((e) => e.type)).toEqual(['level_start', 'position', 'level_complete']);
    } finally {
      await server.close();
    }
    expect(readdirSync(journalDir(repo.root))).toEqual([]);
  });

  it('keeps acknowledged events when a client disconnects mid-body, and stores an idle session as interrupted', async () => {
    const stored: { client: string; interrupted: boolean }[] = [];
    const server = await startPlaytestServer({ repo, port: 0, idleTimeoutMs: 300, onSessionStored: (s) => void stored.push({ client: s.client, interrupted: s.interrupted }) });
    try {
      const id = (await post(server, '/sessions', '{"version":"build-1"}')).json.session as string;
      expect((await post(server, `/sessions/${id}/events`, '{"t":1,"type":"acked","seq":1}\n')).json).toMatchObject({ accepted: 1 });
      // A chunked body cut off in the middle of its second line.
      await new Promise<void>((resolve) => {
        const sock = connect(server.port, '127.0.0.1', () => {
          const chunk = '{"t":2,"type":"sent","seq":2}\n{"t":3,"ty';
          sock.write(`POST /sessions/${id}/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
          setTimeout(() => {
            sock.destroy();
            resolve();
          }, 100);
        });
      });
      // The server is still serving, and the session is stored once idle.
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      for (let i = 0; i < 200 && stored.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(stored).toEqual([{ client: id, interrupted: true }]);
      const s = (await listPlaytests({ repo })).sessions.find((x) => x.client === id)!;
      const seqs = (await events(s.id)).map((e) => (e.data as { seq: number }).seq);
      expect(seqs).toContain(1);
      expect(seqs.filter((q) => q !== 1 && q !== 2)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('recovers journals left by a crashed server (a torn last line is reported), once', async () => {
    const dir = journalDir(repo.root);
    mkdirSync(dir, { recursive: true });
    const header = { journal: JOURNAL_FORMAT, session: 'deadbeefdeadbeef', version: v1, player: 'crash', opened: 1 };
    writeFileSync(join(dir, 'deadbeefdeadbeef.jsonl'), `${JSON.stringify(header)}\n{"t":1,"type":"a"}\n{"t":2,"type":"b"}\n{"t":3,"ty`);
    const recoveredEvents: boolean[] = [];
    const server = await startPlaytestServer({ repo, port: 0, onSessionStored: (s) => void recoveredEvents.push(s.recovered) });
    expect(server.recovered).toHaveLength(1);
    expect(server.recovered[0]).toMatchObject({ client: 'deadbeefdeadbeef', interrupted: true, player: 'crash', summary: { events: 2, problemCount: 1 } });
    expect(server.recovered[0]!.summary.problems[0]!.line).toBe(4);
    expect(recoveredEvents).toEqual([true]);
    // A second server on the same repository is refused while this one runs.
    await expect(startPlaytestServer({ repo, port: 0 })).rejects.toMatchObject({ code: 'LOCKED' });
    await server.close();
    // A journal whose session was stored already (a crash after storing, before removing) is removed, not stored twice.
    writeFileSync(join(dir, 'deadbeefdeadbeef.jsonl'), `${JSON.stringify(header)}\n{"t":1,"type":"a"}\n`);
    const again = await startPlaytestServer({ repo, port: 0 });
    expect(again.recovered).toEqual([]);
    await again.close();
    expect((await listPlaytests({ repo })).sessions.filter((s) => s.client === 'deadbeefdeadbeef')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stores open sessions as interrupted when closed, and names a port in use', async () => {
    const server = await startPlaytestServer({ repo, port: 0 });
    const id = (await post(server, '/sessions', '{"version":"build-1"}')).json.session as string;
    await post(server, `/sessions/${id}/events`, '{"t":1,"type":"a"}\n');
    const closed = await server.close();
    expect(closed.stored.map((s) => [s.client, s.interrupted, s.summary.events])).toEqual([[id, true, 1]]);
    const first = await startPlaytestServer({ repo, port: 0 });
    try {
      const project2 = join(base, 'q');
      mkdirSync(project2);
      const other = (await BackupEngine.initializeRepository({ dir: project2, clock: fixedClock(0) })).repo;
      await expect(startPlaytestServer({ repo: other, port: first.port })).rejects.toMatchObject({ code: 'PORT_IN_USE' });
      expect(readdirSync(journalDir(other.root))).toEqual([]);
    } finally {
      await first.close();
    }
  });
});
