import { StrataError } from '../errors/index.js';
import type { ObjectKind } from '../format/header.js';
import { isObjectId, type ObjectId } from '../format/object-id.js';
import type { RawObject } from '../format/object.js';
import type { Repository } from '../store/repository.js';
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
  /** Names, one per item (empty lines are skipped). */
  requests: AsyncIterable<string>;
  /** Kind and size only (`--batch-check`). */
  check?: boolean;
  /** Reads in flight (default 32); results still come out in request order. */
  concurrency?: number;
}

function itemFor(request: string, id: ObjectId, raw: RawObject, check: boolean): BatchItem {
  const item: BatchItem = { request, id, kind: raw.kind, size: raw.body.length };
  if (!check) item.body = raw.body;
  return item;
}

function failedItem(request: string, err: unknown): BatchItem {
  if (!(err instanceof StrataError)) throw err;
  if (err.code === 'AMBIGUOUS_ID') return { request, error: 'ambiguous', message: err.message };
  if (err.code === 'OBJECT_CORRUPT') return { request, error: 'corrupt', message: err.message };
  return { request, error: 'missing', message: err.message };
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
  const steps: Promise<void>[] = [];
  let chain: Promise<void> = Promise.resolve();
  let answered = 0;
  let missing = 0;
  let inFlight = 0;
  for await (const line of options.requests) {
    const request = line.trim();
    if (request === '') continue;
    // Fast path: a full id, nothing queued before it, and a local store: answer it right here.
    const direct = inFlight === 0 && isObjectId(request) ? answerSync(options.repo, request, check) : undefined;
    if (direct) {
      answered++;
      if (direct.error) missing++;
      await options.emit(direct);
      continue;
    }
    inFlight++;
    const pending = answer(options.repo, request, check);
    pending.catch(() => undefined);
    chain = chain.then(async () => {
      const item = await pending;
      answered++;
      if (item.error) missing++;
      await options.emit(item);
      inFlight--;
    });
    steps.push(chain);
    if (steps.length >= limit) await steps.shift();
  }
  await chain;
  return { answered, missing };
}
