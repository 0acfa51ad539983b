/**
 * Reading rows from a feedback file's bytes, streamed: CSV (RFC 4180 quoting, embedded newlines, a
 * UTF-8 byte order mark, CRLF; the first row is the header), JSON lines (one object a line) and JSON
 * (an array of objects, or an object holding one as `items`). A row that cannot be read is reported with
 * its line (JSON: its item number), and reading goes on.
 */
import { parse as parseCsv } from 'csv-parse';
import { StrataError } from '../../../porcelain/index.js';

export const FEEDBACK_FORMATS = ['csv', 'json', 'jsonl'] as const;
export type FeedbackFormat = (typeof FEEDBACK_FORMATS)[number];

export type RowEvent =
  | { kind: 'header'; columns: string[] }
  | { kind: 'row'; at: number; row: Record<string, unknown> }
  | { kind: 'bad'; at: number; problem: string };

/** The rows of a file in one of the formats; FEEDBACK_PARSE when the file as a whole cannot be read so. */
export function readRows(format: FeedbackFormat, source: AsyncIterable<Buffer | string>, file: string): AsyncGenerator<RowEvent> {
  if (format === 'csv') return readCsv(source, file);
  if (format === 'jsonl') return readJsonLines(source);
  return readJson(source, file);
}

/**
 * Line numbers of byte offsets in a stream read once, front to back: chunks are kept until the offsets
 * asked for (which only grow) have passed them. (csv-parse's own line count is off after a quoted
 * CRLF, so lines are counted here from the bytes.)
 */
class LineCounter {
  private chunks: Buffer[] = [];
  /** Offset of chunks[0]; lines before it; position counted up to. */
  private base = 0;
  private pos = 0;
  private lines = 1;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /** The line of the byte at `offset`. */
  lineAt(offset: number): number {
    while (this.pos < offset && this.chunks.length > 0) {
      const c = this.chunks[0] as Buffer;
      const stop = Math.min(offset, this.base + c.length);
      for (let i = this.pos - this.base; i < stop - this.base; i++) if (c[i] === 0x0a) this.lines++;
      this.pos = stop;
      if (stop === this.base + c.length) {
        this.chunks.shift();
        this.base += c.length;
      }
    }
    return this.lines;
  }

  /** The first offset at or after `offset` that is not a line break (a malformed row starts there). */
  skipBreaks(offset: number): number {
    let o = offset;
    let base = this.base;
    for (const c of this.chunks) {
      for (let i = Math.max(0, o - base); i < c.length; i++, o++) if (c[i] !== 0x0a && c[i] !== 0x0d) return o;
      base += c.length;
    }
    return o;
  }
}

async function* readCsv(source: AsyncIterable<Buffer | string>, file: string): AsyncGenerator<RowEvent> {
  const parser = parseCsv({ bom: true, info: true, relax_column_count: true, skip_records_with_error: true, skip_empty_lines: true });
  const counter = new LineCounter();
  type Ev = { rec: string[]; at: number } | { bad: string; at: number };
  const queue: Ev[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  parser.on('data', (r: { record: string[]; info: { bytes: number } }) => {
    let inner = 0;
    for (const f of r.record) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) inner++;
    queue.push({ rec: r.record, at: counter.lineAt(r.info.bytes - 1) - inner });
    notify();
  });
  parser.on('skip', (err: Error & { bytes?: number }) => {
    queue.push({ bad: err.message.replace(/ at line \d+/, ''), at: counter.lineAt(counter.skipBreaks(err.bytes ?? 0)) });
    notify();
  });
  parser.on('end', () => {
    done = true;
    notify();
  });
  parser.on('error', (err) => {
    failure = err;
    notify();
  });
  const feed = (async () => {
    try {
      for await (const chunk of source) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        counter.push(buf);
        parser.write(buf);
        // Bounded memory: let the reader catch up.
        while (queue.length > 10_000 && failure === undefined) await new Promise<void>((r) => setImmediate(r));
      }
      parser.end();
    } catch (err) {
      failure = err;
      notify();
    }
  })();
  let header: string[] | undefined;
  for (;;) {
    if (queue.length === 0) {
      if (failure !== undefined) {
        if (failure instanceof StrataError) throw failure;
        throw new StrataError('FEEDBACK_PARSE', `${file} cannot be read as CSV: ${(failure as Error).message}`, { data: { file }, cause: failure });
      }
      if (done) break;
      await new Promise<void>((r) => (wake = r));
      continue;
    }
    const ev = queue.shift() as Ev;
    if ('bad' in ev) {
      yield { kind: 'bad', at: ev.at, problem: ev.bad };
      continue;
    }
    if (header === undefined) {
      header = ev.rec.map((c) => c.trim());
      const seen = new Set<string>();
      for (const c of header) {
        if (c === '') throw new StrataError('FEEDBACK_PARSE', `${file}: the header (line ${ev.at}) has an empty column name`, { data: { file, line: ev.at } });
        if (seen.has(c)) throw new StrataError('FEEDBACK_PARSE', `${file}: the header (line ${ev.at}) names the column "${c}" twice`, { data: { file, line: ev.at } });
        seen.add(c);
      }
      yield { kind: 'header', columns: header };
      continue;
    }
    if (ev.rec.length !== header.length) {
      yield { kind: 'bad', at: ev.at, problem: `${ev.rec.length} fields, the header has ${header.length}` };
      continue;
    }
    const row: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) row[header[i] as string] = ev.rec[i];
    yield { kind: 'row', at: ev.at, row };
  }
  await feed;
  if (header === undefined) throw new StrataError('FEEDBACK_PARSE', `${file} is empty: a CSV file needs a header line`, { data: { file } });
}

/** Lines of a byte stream (LF or CRLF, a leading BOM dropped), with their numbers. */
async function* lines(source: AsyncIterable<Buffer | string>): AsyncGenerator<{ n: number; text: string }> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let n = 0;
  let first = true;
  const emit = function* (text: string): Generator<{ n: number; text: string }> {
    let t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (first) {
      if (t.startsWith('\ufeff')) t = t.slice(1);
      first = false;
    }
    yield { n: ++n, text: t };
  };
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let i: number;
    let start = 0;
    while ((i = rest.indexOf('\n', start)) >= 0) {
      yield* emit(rest.slice(start, i));
      start = i + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest !== '') yield* emit(rest);
}

async function* readJsonLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<RowEvent> {
  for await (const { n, text } of lines(source)) {
    if (text.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      yield { kind: 'bad', at: n, problem: `not JSON (${(err as Error).message})` };
      continue;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) yield { kind: 'bad', at: n, problem: 'not a JSON object' };
    else yield { kind: 'row', at: n, row: v as Record<string, unknown> };
  }
}

async function* readJson(source: AsyncIterable<Buffer | string>, file: string): AsyncGenerator<RowEvent> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  let text = Buffer.concat(parts).toString('utf8');
  if (text.startsWith('\ufeff')) text = text.slice(1);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StrataError('FEEDBACK_PARSE', `${file} is not JSON: ${(err as Error).message}`, { hint: 'a file of one object a line is --format jsonl', data: { file } });
  }
  const list = Array.isArray(doc) ? doc : doc !== null && typeof doc === 'object' && Array.isArray((doc as { items?: unknown }).items) ? (doc as { items: unknown[] }).items : undefined;
  if (list === undefined) throw new StrataError('FEEDBACK_PARSE', `${file}: a JSON feedback file is an array of objects, or an object whose "items" is one`, { data: { file } });
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) yield { kind: 'bad', at: i + 1, problem: 'not a JSON object' };
    else yield { kind: 'row', at: i + 1, row: v as Record<string, unknown> };
  }
}
