/**
 * Turns a stream of input lines into the stored form of a session: normalised events, sorted by time
 * through a bounded reorder window, as blocks of JSONL; and the session's summary (counts, time
 * span, position bounds, problems). Bounded memory whatever the session's size.
 *
 * Order: events are re-sorted within a window of `reorderWindow` events (default 65,536): an event
 * that arrives before newer ones already in the window takes its place, and counts as out of order.
 * An event older than one already written (it arrived more than a window late) is kept where it
 * arrived, counted as late, and the session is marked unsorted.
 */
import { normalizeEvent, parseEventLine, serializeEvent, type EventProblem, type PlaytestEvent } from './events.js';
import type { NumberedLine } from './lines.js';

export const DEFAULT_REORDER_WINDOW = 65_536;
/** Problems kept in the summary (the count is exact). */
export const PROBLEMS_KEPT = 100;

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface SessionSummary {
  events: number;
  /** Time of the first and last event (ms, the game's clock); null without events. */
  startT: number | null;
  endT: number | null;
  durationMs: number;
  types: Record<string, number>;
  /** Bounds of the positions (x, y), null when no event has one. */
  bounds: Bounds | null;
  /** Events that arrived before an earlier-timed one and were put in their place. */
  outOfOrder: number;
  /** Events that arrived more than the reorder window late: stored where they arrived. */
  late: number;
  /** Whether the stored events are in time order (false when any was late). */
  sorted: boolean;
  /** Lines that were not events. */
  problemCount: number;
  problems: EventProblem[];
}

/** A buffered event: its time, arrival number and stored line (smaller than the event object). */
interface Held {
  t: number;
  n: number;
  s: string;
}

/** A min-heap of held events by (t, arrival). */
class EventHeap {
  private items: Held[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Held | undefined {
    return this.items[0];
  }
  private less(a: Held, b: Held): boolean {
    return a.t < b.t || (a.t === b.t && a.n < b.n);
  }
  push(h: Held): void {
    const items = this.items;
    items.push(h);
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(items[i]!, items[p]!)) break;
      [items[i], items[p]] = [items[p]!, items[i]!];
      i = p;
    }
  }
  pop(): Held | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(items[l]!, items[m]!)) m = l;
        if (r < items.length && this.less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

export class SessionIngest {
  readonly summary: SessionSummary = { events: 0, startT: null, endT: null, durationMs: 0, types: {}, bounds: null, outOfOrder: 0, late: 0, sorted: true, problemCount: 0, problems: [] };
  private readonly window: number;
  private readonly heap = new EventHeap();
  private queue: Held[] = [];
  private head = 0;
  private arrivals = 0;
  /** Newest time that has arrived, and newest written. */
  private maxSeen = -Infinity;
  private lastWritten = -Infinity;
  private readonly onProblem: ((p: EventProblem) => void) | undefined;

  constructor(options: { reorderWindow?: number; onProblem?: (p: EventProblem) => void } = {}) {
    this.window = Math.max(1, options.reorderWindow ?? DEFAULT_REORDER_WINDOW);
    this.onProblem = options.onProblem;
  }

  problem(line: number, message: string): void {
    const s = this.summary;
    s.problemCount++;
    const p = { line, message };
    if (s.problems.length < PROBLEMS_KEPT) s.problems.push(p);
    this.onProblem?.(p);
  }

  /** Takes one input line; returns the stored lines that leave the window. */
  addLine(line: NumberedLine, out: string[]): void {
    if (line.tooLong) return this.problem(line.line, `line longer than the limit, not read (starts ${JSON.stringify(line.text.slice(0, 40))})`);
    const text = line.text.trim();
    if (text === '') return;
    const parsed = parseEventLine(text);
    if (!parsed.ok) return this.problem(line.line, parsed.message);
    this.addEvent(parsed.event, line.line, out);
  }

  /** Takes one decoded JSON value (an HTTP client's or an importer's event). */
  addValue(value: unknown, line: number, out: string[]): void {
    const parsed = normalizeEvent(value);
    if (!parsed.ok) return this.problem(line, parsed.message);
    this.addEvent(parsed.event, line, out);
  }

  addEvent(e: PlaytestEvent, line: number, out: string[]): void {
    if (e.t < this.lastWritten) {
      this.summary.late++;
      this.summary.sorted = false;
      this.problem(line, `event at t=${e.t} arrived after events up to t=${this.lastWritten} were stored (more than ${this.window} events late): kept where it arrived`);
      this.count(e);
      out.push(serializeEvent(e));
      return;
    }
    // Counted now (the summary does not depend on order); the window holds only the stored line.
    this.count(e);
    const held: Held = { t: e.t, n: this.arrivals++, s: serializeEvent(e) };
    // In-order events queue in arrival order (no sorting work); the rare out-of-order one goes to the heap.
    if (e.t < this.maxSeen) {
      this.summary.outOfOrder++;
      this.heap.push(held);
    } else {
      this.maxSeen = e.t;
      this.queue.push(held);
    }
    while (this.buffered() > this.window) this.emit(this.next()!, out);
  }

  private buffered(): number {
    return this.queue.length - this.head + this.heap.size;
  }

  /** The earliest buffered event: the queue's front or the heap's top (ties by arrival). */
  private next(): Held | undefined {
    const q = this.queue[this.head];
    const h = this.heap.peek();
    if (q === undefined) return this.heap.pop();
    if (h !== undefined && (h.t < q.t || (h.t === q.t && h.n < q.n))) return this.heap.pop();
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return q;
  }

  /** Writes out what the window still holds. */
  flush(out: string[]): void {
    for (let h = this.next(); h !== undefined; h = this.next()) this.emit(h, out);
    this.queue = [];
    this.head = 0;
  }

  private emit(h: Held, out: string[]): void {
    this.lastWritten = h.t;
    out.push(h.s);
  }

  private count(e: PlaytestEvent): void {
    const s = this.summary;
    s.events++;
    s.types[e.type] = (s.types[e.type] ?? 0) + 1;
    if (s.startT === null || e.t < s.startT) s.startT = e.t;
    if (s.endT === null || e.t > s.endT) s.endT = e.t;
    s.durationMs = s.endT - s.startT;
    if (e.x !== undefined && e.y !== undefined) {
      const b = s.bounds;
      if (b === null) s.bounds = { minX: e.x, minY: e.y, maxX: e.x, maxY: e.y };
      else {
        if (e.x < b.minX) b.minX = e.x;
        if (e.x > b.maxX) b.maxX = e.x;
        if (e.y < b.minY) b.minY = e.y;
        if (e.y > b.maxY) b.maxY = e.y;
      }
    }
  }
}

/**
 * The stored bytes of a session: blocks of JSONL (about 256 KiB each) from numbered input lines.
 * The summary is complete once the iterable is consumed.
 */
export async function* ingestLines(lines: AsyncIterable<NumberedLine[]>, ingest: SessionIngest): AsyncGenerator<Buffer> {
  let out: string[] = [];
  let size = 0;
  const take = (): Buffer => {
    const b = Buffer.from(`${out.join('\n')}\n`, 'utf8');
    out = [];
    size = 0;
    return b;
  };
  for await (const block of lines) {
    const before = out.length;
    for (const line of block) ingest.addLine(line, out);
    for (let i = before; i < out.length; i++) size += out[i]!.length + 1;
    if (size >= 256 * 1024) yield take();
  }
  ingest.flush(out);
  if (out.length > 0) yield take();
}
