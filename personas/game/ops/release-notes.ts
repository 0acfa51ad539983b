/**
 * Release notes between two milestones or versions: what changed (porcelain's `diffVersions`), grouped
 * by top folder and asset type, the milestones passed, platform configuration changes (from an injected
 * provider) and further sections; as data, markdown or JSON, optionally written to a file.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StrataError, diffVersions, isStrataError, resolveVersion, type Repository } from '../../../porcelain/index.js';
import type { ConfigChangeProvider, ConfigChangeSummary, ReleaseNotesSection, ReleaseNotesSectionProvider } from '../core/release-notes-sections.js';
import { buildReleaseNotes, renderReleaseNotesMarkdown, type NotesEndpoint, type ReleaseNotes } from '../milestones/release-notes.js';
import { findMilestone, listMilestones } from './milestone.js';

export interface ReleaseNotesOptions {
  repo: Repository;
  /** A milestone name, or any revision naming a version. A milestone's name wins over a revision. */
  from: string;
  to: string;
  /** Platform configuration changes between the two versions (none given: "no platform configuration declared"). */
  configChanges?: ConfigChangeProvider;
  /** Further sections (feedback, playtests …). */
  sections?: ReleaseNotesSectionProvider[];
  /** With `out`: the file's format (default md). */
  format?: 'md' | 'json';
  /** Write the notes to this file (replaced whole, never half-written). */
  out?: string;
  /** Files listed per asset group in markdown (default 20). */
  fileLimit?: number;
}

export interface ReleaseNotesResult extends ReleaseNotes {
  /** The file written, with `out`. */
  written?: { path: string; format: 'md' | 'json'; bytes: number };
}

async function endpoint(repo: Repository, label: string): Promise<NotesEndpoint> {
  const m = await findMilestone({ repo, name: label });
  const v = await resolveVersion(repo, m ? m.version : label);
  return {
    label,
    id: v.id,
    time: v.time,
    versionName: v.name,
    ...(m ? { milestone: { name: m.name, type: m.type, ...(m.semver === undefined ? {} : { semver: m.semver }) } } : {}),
  };
}

/** The release notes between two milestones or versions. */
export async function releaseNotes(options: ReleaseNotesOptions): Promise<ReleaseNotesResult> {
  const { repo } = options;
  const [from, to] = await Promise.all([endpoint(repo, options.from), endpoint(repo, options.to)]);
  const diff = await diffVersions({ repo, from: from.id, to: to.id });
  const ends = new Set([from.milestone?.name, to.milestone?.name].filter((n) => n !== undefined));
  const lo = Math.min(from.time, to.time);
  const hi = Math.max(from.time, to.time);
  const milestones = (await listMilestones({ repo }))
    .filter((m) => !ends.has(m.name) && m.versionTime > lo && m.versionTime <= hi)
    .map((m) => ({ name: m.name, type: m.type, ...(m.semver === undefined ? {} : { semver: m.semver }), version: m.version, time: m.versionTime }));
  let platforms: ConfigChangeSummary | undefined;
  let platformsError: { code: string; message: string } | undefined;
  try {
    platforms = options.configChanges ? await options.configChanges({ repo, from: from.id, to: to.id }) : undefined;
  } catch (err) {
    // A broken platforms declaration in one version must not cost the rest of the notes.
    if (!isStrataError(err)) throw err;
    platformsError = { code: err.code, message: err.message };
  }
  const sections: ReleaseNotesSection[] = [];
  for (const provide of options.sections ?? []) {
    const s = await provide({ repo, from: from.id, to: to.id });
    if (s) sections.push(s);
  }
  const notes: ReleaseNotesResult = buildReleaseNotes({ from, to, entries: diff.entries, milestones, platforms, ...(platformsError === undefined ? {} : { platformsError }), sections });
  if (options.out !== undefined) {
    const format = options.format ?? 'md';
    const text = format === 'json' ? `${JSON.stringify(notes, null, 2)}\n` : renderReleaseNotesMarkdown(notes, options.fileLimit === undefined ? {} : { fileLimit: options.fileLimit });
    const data = Buffer.from(text, 'utf8');
    writeWhole(options.out, data);
    notes.written = { path: options.out, format, bytes: data.length };
  }
  return notes;
}

/** The notes as markdown (the pure renderer, re-exported for library users). */
export function releaseNotesMarkdown(notes: ReleaseNotes, options: { fileLimit?: number } = {}): string {
  return renderReleaseNotesMarkdown(notes, options);
}

/** Writes a file whole: a temporary file beside it, then a rename; IO_ERROR naming the file. */
function writeWhole(path: string, data: Buffer): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // not created
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new StrataError('INVALID_ARGUMENT', `${path} is a folder: give a file name for the notes`, { cause: err });
    throw new StrataError('IO_ERROR', `cannot write ${path}: ${(err as Error).message}`, { cause: err, data: { path } });
  }
}
