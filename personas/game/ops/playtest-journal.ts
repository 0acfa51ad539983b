/**
 * The playtest server's journal: one file per open session, `journal/playtest/<session>.jsonl` in the
 * repository folder. The first line describes the session (`{"journal":"strata-playtest-journal/1",
 * "session":…,"version":…,"player":…,"opened":…}`), every other line is one normalised event. Appends
 * are group-committed: lines queued while a write and fsync are in flight go out together in the
 * next one, and an append resolves only once its lines are on disk, so an acknowledged event
 * survives a crash of the server or of the machine's power.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../../../porcelain/index.js';
import { numberedLines, type NumberedLine } from '../playtest/lines.js';

export const JOURNAL_FORMAT = 'strata-playtest-journal/1';

export interface JournalHeader {
  journal: typeof JOURNAL_FORMAT;
  session: string;
  version: string;
  player?: string;
  opened: number;
}

export function journalDir(repoRoot: string): string {
  return join(repoRoot, 'journal', 'playtest');
}

export class JournalFile {
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates a session's journal with its header line, on disk before it returns. */
  static async create(dir: string, header: JournalHeader): Promise<JournalFile> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${header.session}.jsonl`);
    const handle = await open(path, 'wx');
    const file = new JournalFile(path, handle);
    await file.append(`${JSON.stringify(header)}\n`);
    return file;
  }

  /** Appends text (whole lines); resolves once it is written and fsync'd. */
  append(text: string): Promise<void> {
    if (this.closed) return Promise.reject(new StrataError('IO_ERROR', `journal ${this.path} is closed`));
    return new Promise((resolve, reject) => {
      this.pending.push(text);
      this.waiters.push({ resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const text = this.pending.join('');
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.handle.write(text);
        await this.handle.datasync();
        for (const w of waiters) w.resolve();
      } catch (err) {
        const e = new StrataError('IO_ERROR', `cannot write the playtest journal ${this.path}: ${(err as Error).message}`, { cause: err });
        for (const w of waiters) w.reject(e);
      }
    }
    this.flushing = false;
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) await this.append('');
    this.closed = true;
    await this.handle.close();
  }
}

/** A journal found on disk: its header and a reader of its event lines. */
export interface JournalOnDisk {
  path: string;
  header: JournalHeader | null;
  /** Why the header could not be read. */
  problem?: string;
}

export async function listJournals(dir: string): Promise<JournalOnDisk[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StrataError('IO_ERROR', `cannot read ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const out: JournalOnDisk[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
      try {
        const h = JSON.parse(buf.subarray(0, nl < 0 ? bytesRead : nl).toString('utf8')) as JournalHeader;
        if (h.journal !== JOURNAL_FORMAT || typeof h.session !== 'string' || !/^[0-9a-f]{64}$/.test(h.version)) throw new Error('not a journal header');
        out.push({ path, header: h });
      } catch (err) {
        out.push({ path, header: null, problem: `unreadable header (${(err as Error).message})` });
      }
    } finally {
      await handle.close();
    }
  }
  return out;
}

/** A journal's event lines (line 2 on), numbered as in the file. */
export async function* journalLines(path: string): AsyncGenerator<NumberedLine[]> {
  let first = true;
  for await (const block of numberedLines(createReadStream(path, { highWaterMark: 1 << 20 }))) {
    if (first) {
      first = false;
      const rest = block.slice(1);
      if (rest.length > 0) yield rest;
    } else yield block;
  }
}

export async function removeJournal(path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw new StrataError('IO_ERROR', `cannot remove ${path}: ${err.message}`, { cause: err });
  });
}

/** The pid file that keeps two servers from recovering each other's open sessions. */
export async function claimJournal(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, 'serve.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const h = await open(pidFile, 'wx');
      await h.writeFile(`${process.pid}\n`);
      await h.close();
      return () => removeJournal(pidFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StrataError('IO_ERROR', `cannot write ${pidFile}: ${(err as Error).message}`, { cause: err });
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      let alive = false;
      if (pid === process.pid) alive = true;
      else if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (e) {
          alive = (e as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive) throw new StrataError('LOCKED', `another playtest server (pid ${pid}) is using this repository's journal`, { hint: 'stop it first; one server per repository' });
      await removeJournal(pidFile);
    }
  }
  throw new StrataError('LOCKED', `cannot claim ${pidFile}`);
}
