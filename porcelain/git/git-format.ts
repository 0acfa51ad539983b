/**
 * Git's object format, as far as the bridge writes and reads it: object ids (SHA-1 over
 * `"<type> <size>\0" + body`), tree entries and their order, commit and annotated tag bodies, and
 * identities. Pure: bytes in, bytes out.
 */
import { createHash } from 'node:crypto';
import type { EntryType } from '../../plumbing/index.js';

export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';

/** The header git hashes and stores before an object's body. */
export function gitHeader(type: GitObjectType, size: number): Buffer {
  return Buffer.from(`${type} ${size}\0`, 'latin1');
}

/** A git object id (lowercase hex SHA-1) of a body held in memory. */
export function gitObjectId(type: GitObjectType, body: Uint8Array): string {
  return createHash('sha1').update(gitHeader(type, body.length)).update(body).digest('hex');
}

export const GIT_ID = /^[0-9a-f]{40}$/;

/** Git's modes for strata's entry types (permission bits beyond the owner's execute bit are not kept by git). */
export const GIT_MODES: Record<EntryType, string> = {
  file: '100644',
  executable: '100755',
  symlink: '120000',
  directory: '40000',
};

/** A git tree entry: raw name bytes, a mode string as git writes it, an object id. */
export interface GitTreeEntry {
  name: Buffer;
  mode: string;
  oid: string;
}

/** Git's order: by name bytes, with a folder's name compared as if it ended in `/`. */
export function compareGitEntries(a: GitTreeEntry, b: GitTreeEntry): number {
  const ka = a.mode === '40000' ? Buffer.concat([a.name, Buffer.from('/')]) : a.name;
  const kb = b.mode === '40000' ? Buffer.concat([b.name, Buffer.from('/')]) : b.name;
  return Buffer.compare(ka, kb);
}

/** A tree body: entries sorted the way git requires (`mode SP name NUL 20-byte id`). */
export function encodeGitTree(entries: GitTreeEntry[]): Buffer {
  const sorted = [...entries].sort(compareGitEntries);
  const parts: Buffer[] = [];
  for (const e of sorted) {
    parts.push(Buffer.from(`${e.mode} `, 'latin1'), e.name, Buffer.from([0]), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

/** `Name <email>` as git records who made something. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** Refuses an identity git would not accept (`<`, `>` or a line break inside). */
export function identityProblem(who: GitIdentity): string | undefined {
  if (/[<>\n\r\0]/.test(who.name) || /[<>\n\r\0]/.test(who.email)) return 'names and e-mail addresses cannot hold <, > or a line break';
  if (who.name.trim() === '') return 'the name is empty';
  return undefined;
}

/** An identity line's value: `Name <email> <seconds> +0000`. */
export function identLine(who: GitIdentity, timeMs: number): string {
  return `${who.name} <${who.email}> ${Math.floor(timeMs / 1000)} +0000`;
}

/** Parses `Name <email> 1700000000 +0100`; undefined when it is not one. */
export function parseIdentLine(line: string): { name: string; email: string; seconds: number; tz: string } | undefined {
  const m = /^(.*?) ?<([^<>]*)> (-?\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return undefined;
  return { name: m[1] as string, email: m[2] as string, seconds: Number(m[3]), tz: m[4] as string };
}

export interface GitCommitInput {
  tree: string;
  parents: string[];
  /** Full identity lines (`Name <email> seconds tz`). */
  author: string;
  committer: string;
  message: string;
}

export function encodeGitCommit(c: GitCommitInput): Buffer {
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${c.author}`, `committer ${c.committer}`];
  return Buffer.from(`${lines.join('\n')}\n\n${c.message}`, 'utf8');
}

export interface GitTagInput {
  object: string;
  type: GitObjectType;
  tag: string;
  tagger: string;
  message: string;
}

export function encodeGitTag(t: GitTagInput): Buffer {
  return Buffer.from(`object ${t.object}\ntype ${t.type}\ntag ${t.tag}\ntagger ${t.tagger}\n\n${t.message}`, 'utf8');
}

/** A commit message for a version: its name as the subject, its description as the body, ending in a line feed. */
export function commitMessage(name: string, description: string): string {
  const subject = name.trim();
  const body = description.replace(/\s+$/, '');
  if (subject === '' && body === '') return '';
  if (subject === '') return `${body}\n`;
  if (body === '') return `${subject}\n`;
  return `${subject}\n\n${body}\n`;
}

/** The name and description a commit message gives a version: the subject line, then the rest. */
export function splitCommitMessage(message: string): { name: string; description: string } {
  const text = message.replace(/\s+$/, '');
  const nl = text.indexOf('\n');
  if (nl < 0) return { name: text, description: '' };
  return { name: text.slice(0, nl).trim(), description: text.slice(nl + 1).replace(/^\s*\n/, '') };
}

/** The entries of a tree body. */
export function parseGitTree(body: Uint8Array): GitTreeEntry[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.length);
  const out: GitTreeEntry[] = [];
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    const nul = buf.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) throw new Error('truncated git tree');
    out.push({ mode: buf.toString('latin1', at, space), name: Buffer.from(buf.subarray(space + 1, nul)), oid: buf.toString('hex', nul + 1, nul + 21) });
    at = nul + 21;
  }
  return out;
}

export const EMPTY_TREE_ID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** Names git refuses in a tree (`git fsck` reports them, checkout will not write them): `.git` in any case and its 8.3 and dotted forms. */
export function gitNameProblem(name: Buffer): string | undefined {
  const s = name.toString('latin1').toLowerCase();
  if (s.replace(/[ .]+$/, '') === '.git' || s === 'git~1') return 'git reserves this name for its own folder';
  return undefined;
}
