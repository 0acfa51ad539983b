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

async function* readCsv(source: AsyncIterable<Buffer | string>, file: string): AsyncGenerator<RowEvent> {
  const parser = parseCsv({ bom: true, info: true, raw: true, relax_column_count: true, skip_records_with_error: true, skip_empty_lines: true });
  const skipped: RowEvent[] = [];
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ kind: 'bad', at: err.lines ?? 0, problem: err.message.replace(/ at line \d+/, '') });
  });
  const feed = (async () => {
    try {
      for await (const chunk of source) {
        if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  let header: string[] | undefined;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      while (skipped.length > 0) yield skipped.shift() as RowEvent;
      const newlines = (rec.raw.match(/\n/g)?.length ?? 0) - (rec.raw.endsWith('\n') ? 1 : 0);
      const at = rec.info.lines - newlines;
      if (header === undefined) {
        header = rec.record.map((c) => c.trim());
        const seen = new Set<string>();
        for (const c of header) {
          if (c === '') throw new StrataError('FEEDBACK_PARSE', `${file}: the header (line ${at}) has an empty column name`, { data: { file, line: at } });
          if (seen.has(c)) throw new StrataError('FEEDBACK_PARSE', `${file}: the header (line ${at}) names the column "${c}" twice`, { data: { file, line: at } });
          seen.add(c);
        }
        yield { kind: 'header', columns: header };
        continue;
      }
      if (rec.record.length !== header.length) {
        yield { kind: 'bad', at, problem: `${rec.record.length} fields, the header has ${header.length}` };
        continue;
      }
      const row: Record<string, unknown> = {};
      header.forEach((c, i) => {
        row[c] = rec.record[i];
      });
      yield { kind: 'row', at, row };
    }
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError('FEEDBACK_PARSE', `${file} cannot be read as CSV: ${(err as Error).message}`, { data: { file }, cause: err });
  }
  await feed;
  while (skipped.length > 0) yield skipped.shift() as RowEvent;
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
