import { StrataError } from '../errors/index.js';
import type { ObjectKind } from '../format/header.js';
import { isObjectId, type ObjectId } from '../format/object-id.js';
import type { RawObject } from '../format/object.js';
import type { Repository } from '../store/repository.js';
import { ObjectReaderThread, type ThreadReadResult } from '../store/object-reader.js';
import { resolveRevision } from './resolve-revision.js';

export interface CatFileOptions {
  repo: Repository;
  /** Any revision: id, prefix, ref, `rev:path`, … */
  object: string;
}

export interface CatFileResult {
  id: ObjectId;
  kind: ObjectKind;
  /** Body size in bytes. */
  size: number;
  /** The body (raw bytes). */
  body: Buffer;
  /** Structured bodies parsed (trees, versions, chunk lists); undefined for blobs. */
  parsed?: unknown;
}

/** Reads one object, verified, with its kind, size and body. */
export async function catFile(options: CatFileOptions): Promise<CatFileResult> {
  const { id } = await resolveRevision(options.repo, options.object);
  const obj = await options.repo.objects.read(id);
  const result: CatFileResult = { id, kind: obj.kind, size: obj.body.length, body: obj.body };
  if (obj.kind !== 'blob') result.parsed = JSON.parse(obj.body.toString('utf8'));
  return result;
}

export interface BatchItem {
  /** The line that was asked for. */
  request: string;
  /** Absent when the name could not be resolved or the object is missing. */
  id?: ObjectId;
  kind?: ObjectKind;
  size?: number;
  body?: Buffer;
  /** `missing` (no such object or name), `ambiguous`, or `corrupt`. */
  error?: 'missing' | 'ambiguous' | 'corrupt';
  message?: string;
}

export interface CatFileBatchOptions {
  repo: Repository;
  /**
   * Names, one per item (empty lines are skipped). An element may also be an array of names that
   * arrived together: a large run of full ids is then read on two threads.
   */
  requests: AsyncIterable<string | readonly string[]>;
  /** Kind and size only (`--batch-check`). */
  check?: boolean;
  /** Reads in flight (default 32); results still come out in request order. */
  concurrency?: number;
  /** Read large runs of full ids with the help of a worker thread (default true). */
  threads?: boolean;
}

/** Names read as one block, and the smallest run of names worth a second thread. */
const BLOCK = 16;
const PARALLEL_MIN = 4 * BLOCK;

function itemFor(request: string, id: ObjectId, raw: RawObject, check: boolean): BatchItem {
  const item: BatchItem = { request, id, kind: raw.kind, size: raw.body.length };
  if (!check) item.body = raw.body;
  return item;
}

function failure(request: string, code: string, message: string): BatchItem {
  if (code === 'AMBIGUOUS_ID') return { request, error: 'ambiguous', message };
  if (code === 'OBJECT_CORRUPT') return { request, error: 'corrupt', message };
  return { request, error: 'missing', message };
}

function failedItem(request: string, err: unknown): BatchItem {
  if (!(err instanceof StrataError)) throw err;
  return failure(request, err.code, err.message);
}

async function answer(repo: Repository, request: string, check: boolean): Promise<BatchItem> {
  try {
    const { id } = await resolveRevision(repo, request);
    return itemFor(request, id, await repo.objects.readRaw(id), check);
  } catch (err) {
    return failedItem(request, err);
  }
}

/** The answer for a full id read without waiting, or undefined when the backend cannot do that. */
function answerSync(repo: Repository, id: ObjectId, check: boolean): BatchItem | undefined {
  try {
    const raw = repo.objects.readRawSync(id);
    return raw === undefined ? undefined : itemFor(id, id, raw, check);
  } catch (err) {
    return failedItem(id, err);
  }
}

/** Any name: synchronously when it is a full id and the store allows, else through the resolver. */
async function answerAny(repo: Repository, request: string, check: boolean): Promise<BatchItem> {
  return (isObjectId(request) ? answerSync(repo, request, check) : undefined) ?? answer(repo, request, check);
}

function threadItem(request: ObjectId, result: ThreadReadResult): BatchItem {
  if (!result.ok) return failure(request, result.code, result.message);
  const item: BatchItem = { request, id: request, kind: result.kind as ObjectKind, size: result.size };
  if (result.body) item.body = result.body;
  return item;
}

/**
 * Answers names that arrived together, in order, on two threads: the reader thread reads blocks of
 * full ids from the end of the run while this thread reads from the start, and the two meet wherever
 * their speeds put them (so neither waits for the other until the very end).
 */
async function answerRun(
  repo: Repository,
  reader: ObjectReaderThread,
  names: readonly string[],
  check: boolean,
  emit: (item: BatchItem) => void | Promise<void>,
): Promise<void> {
  // Names that are not full ids stay with this thread: the run the reader sees is the full-id tail.
  let split = names.length;
  while (split > 0 && isObjectId(names[split - 1] as string)) split--;
  for (let i = 0; i < split; i++) await emit(await answerAny(repo, names[i] as string, check));
  const blocks: ObjectId[][] = [];
  for (let i = split; i < names.length; i += BLOCK) blocks.push(names.slice(i, i + BLOCK) as ObjectId[]);
  const run = reader.startRun(blocks, check);
  for (let k = 0; k < blocks.length; k++) {
    const block = blocks[k] as ObjectId[];
    const results = run.claim(k) ? undefined : await run.result(k);
    if (results) for (let i = 0; i < block.length; i++) await emit(threadItem(block[i] as ObjectId, results[i] as ThreadReadResult));
    else for (const id of block) await emit(await answerAny(repo, id, check));
  }
}

/**
 * Answers a stream of object names in one process, like git's `cat-file --batch`: every answer is
 * verified, reads overlap, and each answer is emitted, in request order, as soon as it and the ones
 * before it are ready, without waiting for more input (so a script can ask and wait interactively).
 */
export async function catFileBatch(
  options: CatFileBatchOptions & { emit: (item: BatchItem) => void | Promise<void> },
): Promise<{ answered: number; missing: number }> {
  const limit = Math.max(1, options.concurrency ?? 32);
  const check = options.check ?? false;
  const { repo } = options;
  const steps: Promise<void>[] = [];
  let chain: Promise<void> = Promise.resolve();
  let answered = 0;
  let missing = 0;
  let inFlight = 0;
  const emit = (item: BatchItem): void | Promise<void> => {
    answered++;
    if (item.error) missing++;
    return options.emit(item);
  };
  // The reader thread is started for the first large run of names, and only where objects can be read
  // synchronously (a local store): null until then.
  let reader: ObjectReaderThread | undefined | null = options.threads === false || !repo.objects.readsSync ? undefined : null;
  try {
    for await (const entry of options.requests) {
      const names = (typeof entry === 'string' ? [entry] : entry).map((line) => line.trim()).filter((line) => line !== '');
      if (names.length >= PARALLEL_MIN && reader !== undefined) {
        reader ??= ObjectReaderThread.start(repo);
        if (reader) {
          await chain;
          await answerRun(repo, reader, names, check, emit);
          continue;
        }
      }
      for (const request of names) {
        // Fast path: a full id, nothing queued before it, and a local store: answer it right here.
        const direct = inFlight === 0 && isObjectId(request) ? answerSync(repo, request, check) : undefined;
        if (direct) {
          await emit(direct);
          continue;
        }
        inFlight++;
        const pending = answer(repo, request, check);
        pending.catch(() => undefined);
        chain = chain.then(async () => {
          await emit(await pending);
          inFlight--;
        });
        steps.push(chain);
        if (steps.length >= limit) await steps.shift();
      }
    }
    await chain;
  } finally {
    await reader?.close();
  }
  return { answered, missing };
}
