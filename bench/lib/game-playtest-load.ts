/**
 * A bounded load generator for `strata game playtest serve`: `clients` game clients, each opening a
 * session and posting JSONL batches every `batchMs` so that together they send `rate` events per
 * second for `durationMs`. A client waits for each batch's answer before sending the next (a late
 * answer makes the next batch larger, so the rate holds), so at most `clients` requests are in flight
 * and memory stays bounded. Every event carries its client and sequence number (`data.client`,
 * `data.seq`), so a checker can tell which acknowledged events were stored. Used by the benchmark
 * (bench/game.ts, case playtest-load) and by the e2e tests.
 */

export interface LoadOptions {
  /** The server's base URL. */
  url: string;
  /** The build the sessions are of (any version reference the server resolves). */
  version: string;
  clients: number;
  /** Events per second, all clients together. */
  rate: number;
  durationMs: number;
  /** Interval between one client's batches (default 100 ms). */
  batchMs?: number;
  /** End each session when done (default true); false leaves them open (to kill the server). */
  end?: boolean;
  /** Stop early when this resolves (each client finishes its request in flight, then stops). */
  stop?: Promise<void>;
}

export interface ClientOutcome {
  /** The server's session id (the stored session's `client`). */
  session: string;
  sent: number;
  /** Events acknowledged: sequence numbers 1..acked. */
  acked: number;
  /** Requests that failed (network or HTTP error); their events are not acknowledged. */
  failures: number;
  /** The stored session's id, when the client ended it. */
  stored?: string;
}

export interface LoadResult {
  clients: ClientOutcome[];
  sent: number;
  acked: number;
  failures: number;
  /** Batch answer times, ms. */
  latency: { requests: number; p50: number; p95: number; p99: number; max: number };
  seconds: number;
}

/** One deterministic event of a client: a frame with fps, a position every 4th, a level cycle every 500. */
export function loadEvent(client: number, seq: number, t: number): string {
  const data = { client, seq };
  if (seq % 500 === 1) return JSON.stringify({ t, type: 'level_start', level: `level-${(seq / 500) % 5 | 0}`, data });
  if (seq % 500 === 0) return JSON.stringify({ t, type: seq % 1000 === 0 ? 'level_fail' : 'level_complete', data });
  if (seq % 97 === 0) return JSON.stringify({ t, type: 'death', x: seq % 200, y: client, data });
  if (seq % 4 === 0) return JSON.stringify({ t, type: 'position', x: (seq * 7) % 200, y: (seq * 13) % 120, z: 0, data });
  return JSON.stringify({ t, type: 'frame', fps: 55 + ((seq * 31 + client) % 10), data });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

async function postJson(url: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { error: { message: text.slice(0, 200) } };
  }
  return { status: res.status, json };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const batchMs = options.batchMs ?? 100;
  const perClient = options.rate / options.clients;
  const latencies: number[] = [];
  let stopped = false;
  void options.stop?.then(() => (stopped = true));
  const started = performance.now();
  const client = async (c: number): Promise<ClientOutcome> => {
    const open = await postJson(`${options.url}/sessions`, JSON.stringify({ version: options.version, player: `load-${c}` }));
    if (open.status !== 201) throw new Error(`client ${c}: POST /sessions answered ${open.status} ${JSON.stringify(open.json)}`);
    const out: ClientOutcome = { session: open.json.session as string, sent: 0, acked: 0, failures: 0 };
    const t0 = performance.now();
    while (!stopped) {
      const elapsed = performance.now() - t0;
      if (elapsed >= options.durationMs) break;
      const due = Math.floor((Math.min(elapsed + batchMs, options.durationMs) / 1000) * perClient);
      const lines: string[] = [];
      for (let seq = out.sent + 1; seq <= due; seq++) lines.push(loadEvent(c, seq, Math.round(((seq - 1) / perClient) * 1000)));
      if (lines.length > 0) {
        const first = out.sent;
        out.sent = due;
        const sentAt = performance.now();
        try {
          const r = await postJson(`${options.url}/sessions/${out.session}/events`, `${lines.join('\n')}\n`);
          latencies.push(performance.now() - sentAt);
          // Batches go one at a time, so an acknowledged batch makes 1..due acknowledged unless one failed before.
          if (r.status === 200 && r.json.accepted === lines.length && out.acked === first) out.acked = due;
          else out.failures++;
        } catch {
          out.failures++;
        }
      }
      const wait = t0 + (Math.floor(elapsed / batchMs) + 1) * batchMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    if (options.end !== false && !stopped) {
      const r = await postJson(`${options.url}/sessions/${out.session}/end`, '');
      if (r.status === 200 && typeof r.json.session === 'string') out.stored = r.json.session;
      else out.failures++;
    }
    return out;
  };
  const clients = await Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (v: number): number => Number(v.toFixed(1));
  return {
    clients,
    sent: clients.reduce((s, c) => s + c.sent, 0),
    acked: clients.reduce((s, c) => s + c.acked, 0),
    failures: clients.reduce((s, c) => s + c.failures, 0),
    latency: { requests: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? 0) },
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Checks stored sessions against what the clients were told: for each client, the sequence numbers
 * found in its stored events (JSONL lines). Returns the acknowledged events that are missing and the
 * events stored twice.
 */
export function checkStored(clients: readonly ClientOutcome[], storedEvents: Map<string, Iterable<string>>): { stored: number; lost: number; duplicates: number; lostExamples: string[] } {
  let stored = 0;
  let lost = 0;
  let duplicates = 0;
  const lostExamples: string[] = [];
  for (const c of clients) {
    const seen = new Uint8Array(c.sent + 2);
    for (const line of storedEvents.get(c.session) ?? []) {
      if (line === '') continue;
      const seq = (JSON.parse(line) as { data?: { seq?: number } }).data?.seq;
      if (typeof seq !== 'number' || seq < 1 || seq > c.sent) continue;
      stored++;
      if (seen[seq]) duplicates++;
      seen[seq] = 1;
    }
    for (let seq = 1; seq <= c.acked; seq++) {
      if (!seen[seq]) {
        lost++;
        if (lostExamples.length < 5) lostExamples.push(`${c.session}#${seq}`);
      }
    }
  }
  return { stored, lost, duplicates, lostExamples };
}
