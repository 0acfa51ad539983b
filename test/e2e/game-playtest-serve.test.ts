/**
 * `strata game playtest serve` end to end: the built CLI as a server process, game clients from the
 * load generator (bench/lib/game-playtest-load.ts). A short load run with every acknowledged event
 * stored; a server killed with SIGKILL mid-stream whose acknowledged events are all recovered on the
 * next start; a graceful SIGTERM that stores open sessions; a curl-style single request.
 */
import { type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStored, runLoad, type ClientOutcome } from '../../bench/lib/game-playtest-load.js';
import { ok, removeTempDirs, strata, strataAsync, tempDir } from './helpers.js';

afterAll(removeTempDirs);

let dir: string;

interface Server {
  child: ChildProcessWithoutNullStreams;
  url: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts the server on a free port; resolves once it listens (its first JSON line). */
function startServer(extra: string[] = []): Promise<Server> {
  const child = strataAsync(['game', 'playtest', 'serve', '--port', '0', '--json', ...extra], { cwd: dir });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (line.message_type === 'listening') resolve({ child, url: line.url as string, lines, exited });
      }
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

/** The event lines of the stored sessions of these clients, by the client's session id. */
function storedEvents(clients: readonly ClientOutcome[]): Map<string, string[]> {
  const wanted = new Set(clients.map((c) => c.session));
  const list = JSON.parse(ok(['game', 'playtest', 'list', '--json'], { cwd: dir })) as { sessions: { id: string; client?: string }[] };
  const out = new Map<string, string[]>();
  for (const s of list.sessions) {
    if (s.client === undefined || !wanted.has(s.client)) continue;
    out.set(s.client, strata(['game', 'playtest', 'export', s.id], { cwd: dir }).stdout.split('\n'));
  }
  return out;
}

beforeAll(() => {
  dir = tempDir('playtest-serve');
  ok(['init'], { cwd: dir });
  writeFileSync(join(dir, 'game.txt'), 'build\n');
  ok(['snapshot', '-m', 'build'], { cwd: dir });
  ok(['tag', 'build-1'], { cwd: dir });
});

describe('strata game playtest serve', () => {
  it('takes a short load from concurrent clients with none lost, and stops gracefully on SIGTERM', async () => {
    const server = await startServer();
    const load = await runLoad({ url: server.url, version: 'build-1', clients: 4, rate: 800, durationMs: 2500, batchMs: 100 });
    expect(load.failures).toBe(0);
    expect(load.acked).toBe(load.sent);
    expect(load.sent).toBeGreaterThan(1500);
    expect(load.clients.every((c) => c.stored !== undefined)).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.lines.filter((l) => l.message_type === 'session_stored')).toHaveLength(4);
    expect(server.lines[server.lines.length - 1]).toEqual({ message_type: 'stopped', stored: 0 });
    const check = checkStored(load.clients, storedEvents(load.clients));
    expect(check).toMatchObject({ lost: 0, duplicates: 0, stored: load.sent });
  });

  it('recovers every acknowledged event after a SIGKILL mid-stream', async () => {
    const server = await startServer();
    let kill!: () => void;
    const killed = new Promise<void>((r) => (kill = r));
    const running = runLoad({ url: server.url, version: 'build-1', clients: 3, rate: 600, durationMs: 4000, batchMs: 50, end: false, stop: killed });
    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill('SIGKILL');
    await server.exited;
    kill();
    const load = await running;
    const acked = load.acked;
    expect(acked).toBeGreaterThan(300);
    // The next start recovers the three journals and stores them as interrupted sessions.
    const again = await startServer();
    const recovered = again.lines.filter((l) => l.message_type === 'session_stored');
    expect(recovered.map((l) => [l.interrupted, l.recovered])).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect((again.lines.find((l) => l.message_type === 'listening') as { recovered: number }).recovered).toBe(3);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    const check = checkStored(load.clients, storedEvents(load.clients));
    expect(check.lost).toBe(0);
    expect(check.duplicates).toBe(0);
    expect(check.stored).toBeGreaterThanOrEqual(acked);
  });

  it('answers a curl-style client: open, one batch with a bad line, end; SIGTERM stores a session left open', async () => {
    const server = await startServer();
    const open = (await (await fetch(`${server.url}/sessions`, { method: 'POST', body: '{"version":"build-1","player":"curl"}' })).json()) as { session: string };
    const batch = await fetch(`${server.url}/sessions/${open.session}/events`, { method: 'POST', body: '{"t":0,"type":"level_start","level":"1"}\n{"t":"x"}\n{"t":10,"type":"death"}\n' });
    expect(await batch.json()).toEqual({ accepted: 2, rejected: 1, problems: [{ line: 2, message: 'no "type" (a non-empty string)' }], events: 2 });
    const end = (await (await fetch(`${server.url}/sessions/${open.session}/end`, { method: 'POST' })).json()) as { session: string; events: number };
    expect(end.events).toBe(2);
    const left = (await (await fetch(`${server.url}/sessions`, { method: 'POST', body: '{"version":"build-1"}' })).json()) as { session: string };
    await fetch(`${server.url}/sessions/${left.session}/events`, { method: 'POST', body: '{"t":0,"type":"a"}\n' });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.lines.find((l) => l.message_type === 'stopped')).toEqual({ message_type: 'stopped', stored: 1 });
    const show = JSON.parse(ok(['game', 'playtest', 'show', end.session, '--json'], { cwd: dir })) as { player: string; source: { kind: string } };
    expect(show).toMatchObject({ player: 'curl', source: { kind: 'http' } });
  });

  it('survives a client that disconnects mid-body: the acknowledged events are stored, the server goes on', async () => {
    const server = await startServer();
    const { port } = new URL(server.url);
    const open = (await (await fetch(`${server.url}/sessions`, { method: 'POST', body: '{"version":"build-1","player":"flaky"}' })).json()) as { session: string };
    const ack = (await (await fetch(`${server.url}/sessions/${open.session}/events`, { method: 'POST', body: '{"t":1,"type":"a","seq":1}\n{"t":2,"type":"a","seq":2}\n' })).json()) as { accepted: number };
    expect(ack.accepted).toBe(2);
    // A chunked request whose connection drops in the middle of a line: never answered.
    const answered = await new Promise<boolean>((resolve) => {
      const sock = connect(Number(port), '127.0.0.1', () => {
        const chunk = '{"t":3,"type":"a","seq":3}\n{"t":4,"ty';
        sock.write(`POST /sessions/${open.session}/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        setTimeout(() => sock.destroy(), 200);
      });
      let got = false;
      sock.on('data', () => (got = true));
      sock.on('close', () => resolve(got));
    });
    expect(answered).toBe(false);
    // The session is still open and takes more; ending it stores what was acknowledged.
    const more = (await (await fetch(`${server.url}/sessions/${open.session}/events`, { method: 'POST', body: '{"t":5,"type":"a","seq":5}\n' })).json()) as { accepted: number };
    expect(more.accepted).toBe(1);
    const end = (await (await fetch(`${server.url}/sessions/${open.session}/end`, { method: 'POST' })).json()) as { session: string };
    const seqs = strata(['game', 'playtest', 'export', end.session], { cwd: dir })
      .stdout.trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { data: { seq: number } }).data.seq);
    expect(seqs.filter((q) => q !== 3)).toEqual([1, 2, 5]);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses a port in use and a second server on the repository', async () => {
    const server = await startServer();
    const port = new URL(server.url).port;
    const r = strata(['game', 'playtest', 'serve', '--port', port], { cwd: dir });
    expect(r.code).toBe(11);
    expect(r.stderr).toMatch(/^error\[LOCKED\]: another playtest server \(pid \d+\)/);
    server.child.kill('SIGTERM');
    await server.exited;
    const other = tempDir('playtest-serve-2');
    ok(['init'], { cwd: other });
    const blocker = await startServer();
    const p = new URL(blocker.url).port;
    const busy = strata(['game', 'playtest', 'serve', '--port', p], { cwd: other });
    expect(/^error\[([A-Z_]+)\]/.exec(busy.stderr)?.[1]).toBe('PORT_IN_USE');
    blocker.child.kill('SIGTERM');
    await blocker.exited;
  });
});
