/**
 * Milestones and releases. A milestone names a version of the project (`alpha-1`, `1.0`, `e3-demo`) with a
 * kind, an optional semver, notes and the history of its promotions. Each milestone is a record of its
 * own (namespace `game/milestones/<name in lower case>`, one file `milestone.json`), so changes to
 * different milestones never contend and a milestone's record history is its audit log; its version is
 * pinned (`refs/pins/game-milestones/<name in lower case>`), so `forget` and `gc` never remove it or
 * anything it reaches. The rules are in milestones/rules.ts.
 */
import { z } from 'zod';
import {
  StrataError,
  TreeLoader,
  deleteRecord,
  diffVersions,
  isStrataError,
  listRecordFiles,
  listRecordNamespaces,
  listRecords,
  pinVersion,
  readRecordFile,
  resolveRecord,
  resolveVersion,
  unpinVersion,
  writeRecord,
  type Repository,
} from '../../../porcelain/index.js';
import { checkMilestoneName, checkSemverRules, deleteNeedsForce, milestoneNameProblem, parseMilestoneType, planPromotion, MILESTONE_PIN_OWNER, MILESTONE_TYPES, type MilestoneType } from '../milestones/rules.js';
import { formatSemver, parseSemver } from '../milestones/semver.js';

export const MILESTONE_NAMESPACE_PREFIX = 'game/milestones/';
export { MILESTONE_PIN_OWNER };
const FILE = 'milestone.json';

const PromotionSchema = z.object({
  time: z.number().int(),
  from: z.enum(MILESTONE_TYPES),
  to: z.enum(MILESTONE_TYPES),
  semverBefore: z.string().optional(),
  semverAfter: z.string().optional(),
  notes: z.string().optional(),
});

const MilestoneSchema = z.object({
  format: z.literal(1),
  name: z.string(),
  type: z.enum(MILESTONE_TYPES),
  semver: z.string().optional(),
  notes: z.string(),
  version: z.string().regex(/^[0-9a-f]{64}$/),
  created: z.number().int(),
  promotions: z.array(PromotionSchema),
});

export type MilestonePromotion = z.infer<typeof PromotionSchema>;

/** A milestone as stored. */
export interface Milestone {
  name: string;
  type: MilestoneType;
  semver?: string;
  notes: string;
  /** The version it names (pinned). */
  version: string;
  /** When it was created, ms. */
  created: number;
  /** Its promotions, oldest first. */
  promotions: MilestonePromotion[];
}

/** A milestone with what `list` shows of its version. */
export interface MilestoneInfo extends Milestone {
  /** The version's time and name. */
  versionTime: number;
  versionName: string;
  /** Whether the pin still names the version. */
  pinned: boolean;
}

function namespaceOf(name: string): string {
  return `${MILESTONE_NAMESPACE_PREFIX}${name.toLowerCase()}`;
}

function pinName(name: string): string {
  return name.toLowerCase();
}

function toMilestone(doc: z.infer<typeof MilestoneSchema>): Milestone {
  return {
    name: doc.name,
    type: doc.type,
    ...(doc.semver === undefined ? {} : { semver: doc.semver }),
    notes: doc.notes,
    version: doc.version,
    created: doc.created,
    promotions: doc.promotions,
  };
}

async function readMilestone(repo: Repository, namespace: string): Promise<Milestone | undefined> {
  let record;
  try {
    record = await resolveRecord(repo, namespace);
  } catch (err) {
    if (isStrataError(err) && err.code === 'RECORD_NOT_FOUND') return undefined;
    throw err;
  }
  const entry = (await listRecordFiles(repo, record.id)).find((f) => f.path === FILE);
  if (!entry) throw new StrataError('OBJECT_CORRUPT', `the milestone record ${namespace} (${record.id.slice(0, 12)}) has no ${FILE}`, { data: { namespace, record: record.id } });
  const data = await readRecordFile(repo, entry);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new StrataError('OBJECT_CORRUPT', `the milestone record ${namespace}: ${FILE} is not JSON (${(err as Error).message})`, { data: { namespace, record: record.id } });
  }
  const doc = MilestoneSchema.safeParse(parsed);
  if (!doc.success) {
    throw new StrataError('OBJECT_CORRUPT', `the milestone record ${namespace}: ${FILE} is not a milestone (${doc.error.issues[0]?.path.join('.') ?? ''}: ${doc.error.issues[0]?.message ?? ''})`, { data: { namespace, record: record.id } });
  }
  return toMilestone(doc.data);
}

/** Writes a milestone's record; returns [record id, its parent] when the namespace had a record before, [] otherwise. */
async function storeMilestone(repo: Repository, m: Milestone, action: string): Promise<string[]> {
  const doc = {
    format: 1 as const,
    name: m.name,
    type: m.type,
    ...(m.semver === undefined ? {} : { semver: m.semver }),
    notes: m.notes,
    version: m.version,
    created: m.created,
    promotions: m.promotions,
  };
  const record = await writeRecord({
    repo,
    namespace: namespaceOf(m.name),
    files: [{ path: FILE, data: Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8') }],
    name: `milestone ${m.name}`,
    description: action,
    meta: { milestone: m.name, type: m.type, ...(m.semver === undefined ? {} : { semver: m.semver }), version: m.version },
  });
  return record.parents.length === 0 ? [] : [record.id, ...record.parents];
}

async function allMilestones(repo: Repository): Promise<Milestone[]> {
  const out: Milestone[] = [];
  for (const ns of await listRecordNamespaces(repo, MILESTONE_NAMESPACE_PREFIX)) {
    const m = await readMilestone(repo, ns);
    if (m) out.push(m);
  }
  return out;
}

/** The milestone of a name (case-insensitive); UNKNOWN_MILESTONE when there is none. */
export async function getMilestone(options: { repo: Repository; name: string }): Promise<Milestone> {
  const { repo, name } = options;
  const m = milestoneNameProblem(name) === undefined ? await readMilestone(repo, namespaceOf(name)) : undefined;
  if (!m) {
    throw new StrataError('UNKNOWN_MILESTONE', `there is no milestone ${name}`, { hint: 'list them with `strata game milestone list`', data: { name } });
  }
  return m;
}

/** The milestone of a name if there is one (undefined for a name that is not a milestone's, or not a valid name). */
export async function findMilestone(options: { repo: Repository; name: string }): Promise<Milestone | undefined> {
  if (milestoneNameProblem(options.name) !== undefined) return undefined;
  return readMilestone(options.repo, namespaceOf(options.name));
}

/**
 * The message of the annotated git tag `strata git export` writes for a milestone's pin: its type,
 * name and version number, then its notes. Undefined when the pin names no milestone of this name
 * (or another version than the milestone's), so the export's generic message is used.
 */
export async function milestoneTagMessage(options: { repo: Repository; name: string; version: string }): Promise<string | undefined> {
  const m = await findMilestone({ repo: options.repo, name: options.name });
  if (!m || m.version !== options.version) return undefined;
  const title = `${m.type} milestone ${m.name}${m.semver === undefined ? '' : ` (${m.semver})`}`;
  const notes = m.notes.trim();
  return notes === '' ? `${title}\n` : `${title}\n\n${notes}\n`;
}

export interface CreateMilestoneOptions {
  repo: Repository;
  name: string;
  /** Any revision naming a version (default HEAD). */
  revision?: string;
  /** The kind: alpha, beta, rc, release, hotfix, demo, dev, nightly, playtest or prototype. */
  type: string;
  semver?: string;
  notes?: string;
}

/**
 * Creates a milestone: checks the name (MILESTONE_EXISTS when taken, without regard to case) and the
 * release rules (RELEASE_RULE), pins the version, then stores the record. Nothing is left behind when
 * it is refused.
 */
export async function createMilestone(options: CreateMilestoneOptions): Promise<MilestoneInfo> {
  const { repo, name } = options;
  checkMilestoneName(name);
  const type = parseMilestoneType(options.type);
  const semver = options.semver === undefined ? undefined : formatSemver(parseSemver(options.semver.trim()));
  const version = await resolveVersion(repo, options.revision ?? 'HEAD');
  const others = await allMilestones(repo);
  const taken = others.find((o) => o.name.toLowerCase() === name.toLowerCase());
  if (taken) {
    throw new StrataError('MILESTONE_EXISTS', `the milestone ${taken.name} exists already (${taken.type}${taken.semver === undefined ? '' : ` ${taken.semver}`}, version ${taken.version.slice(0, 12)})`, {
      hint: 'pick another name, or delete it first',
      data: { name: taken.name, version: taken.version },
    });
  }
  checkSemverRules({ name, type, semver }, others);
  await pin(repo, name, version.id);
  const m: Milestone = { name, type, ...(semver === undefined ? {} : { semver }), notes: options.notes ?? '', version: version.id, created: repo.clock.now(), promotions: [] };
  let record: string[];
  try {
    record = await storeMilestone(repo, m, `created ${type}${semver === undefined ? '' : ` ${semver}`}`);
  } catch (err) {
    await unpinVersion({ repo, owner: MILESTONE_PIN_OWNER, name: pinName(name), expected: version.id }).catch(() => undefined);
    throw err;
  }
  if (record.length > 0) await loseRace(repo, m, record);
  return { ...m, versionTime: version.time, versionName: version.name, pinned: true };
}

/**
 * Pins a new milestone's version. A pin without a record is left by an interrupted create or delete,
 * or belongs to a create running now: it is taken over, and the record decides (see loseRace).
 */
async function pin(repo: Repository, name: string, id: string): Promise<void> {
  try {
    await pinVersion({ repo, owner: MILESTONE_PIN_OWNER, name: pinName(name), version: id, expected: null });
  } catch (err) {
    if (!(isStrataError(err) && err.code === 'TARGET_EXISTS')) throw err;
    const existing = await readMilestone(repo, namespaceOf(name));
    if (existing) {
      throw new StrataError('MILESTONE_EXISTS', `the milestone ${existing.name} exists already (created while this one was)`, { data: { name: existing.name, version: existing.version } });
    }
    const current = (err.data as { id?: string } | undefined)?.id;
    try {
      await pinVersion({ repo, owner: MILESTONE_PIN_OWNER, name: pinName(name), version: id, expected: current ?? null });
    } catch (again) {
      // A third create of this name took the pin over first: one of the others will be the milestone.
      if (!(isStrataError(again) && (again.code === 'TARGET_EXISTS' || again.code === 'REF_CHANGED'))) throw again;
      throw new StrataError('MILESTONE_EXISTS', `the milestone ${name} is being created by another command at the same time`, { data: { name } });
    }
  }
}

/**
 * Two creates of one name ran at once: the record written first (no parent) is the milestone. This
 * one's record (`[id, parent]`) is removed, the pin is given back to the winner's version, and
 * MILESTONE_EXISTS is thrown.
 */
async function loseRace(repo: Repository, m: Milestone, record: string[]): Promise<never> {
  const namespace = namespaceOf(m.name);
  await deleteRecord(repo, namespace, record[0] as string);
  const winner = await readMilestone(repo, namespace);
  if (winner && winner.version !== m.version) {
    await pinVersion({ repo, owner: MILESTONE_PIN_OWNER, name: pinName(m.name), version: winner.version, expected: m.version }).catch(() => undefined);
  }
  throw new StrataError('MILESTONE_EXISTS', `the milestone ${winner?.name ?? m.name} exists already (created while this one was)`, { data: { name: winner?.name ?? m.name } });
}

async function withVersionInfo(repo: Repository, m: Milestone): Promise<MilestoneInfo> {
  const pinValue = await repo.refs.readValue(`refs/pins/${MILESTONE_PIN_OWNER}/${pinName(m.name)}`);
  const pinned = pinValue?.kind === 'direct' && pinValue.id === m.version;
  try {
    const v = await resolveVersion(repo, m.version);
    return { ...m, versionTime: v.time, versionName: v.name, pinned };
  } catch (err) {
    if (isStrataError(err) && err.code === 'OBJECT_MISSING') {
      throw new StrataError('OBJECT_MISSING', `milestone ${m.name}: its version ${m.version.slice(0, 12)} is missing`, { hint: 'run `strata check`', data: { name: m.name, version: m.version }, cause: err });
    }
    throw err;
  }
}

export interface ListMilestonesOptions {
  repo: Repository;
  /** Only milestones of this kind. */
  type?: string;
}

/** Every milestone (of one kind), ordered by its version's time, then by creation. */
export async function listMilestones(options: ListMilestonesOptions): Promise<MilestoneInfo[]> {
  const { repo } = options;
  const type = options.type === undefined ? undefined : parseMilestoneType(options.type);
  const all = await Promise.all((await allMilestones(repo)).map((m) => withVersionInfo(repo, m)));
  return all.filter((m) => type === undefined || m.type === type).sort(milestoneOrder);
}

function milestoneOrder(a: MilestoneInfo, b: MilestoneInfo): number {
  return a.versionTime - b.versionTime || a.created - b.created || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export interface ShowMilestoneResult {
  milestone: MilestoneInfo;
  /** The version's metadata and size. */
  version: { id: string; name: string; description: string; time: number; tags: string[]; files: number; bytes: number };
  /** What changed since the milestone before it (by version time), when there is one. */
  sincePrevious?: {
    name: string;
    type: MilestoneType;
    semver?: string;
    version: string;
    added: number;
    removed: number;
    changed: number;
    renamed: number;
    /** Bytes after minus bytes before. */
    netBytes: number;
  };
}

export interface ShowMilestoneOptions {
  repo: Repository;
  name: string;
}

/** A milestone, its version's metadata, and what changed since the milestone before it. */
export async function showMilestone(options: ShowMilestoneOptions): Promise<ShowMilestoneResult> {
  const { repo } = options;
  const m = await withVersionInfo(repo, await getMilestone(options));
  const v = await resolveVersion(repo, m.version);
  const totals = await new TreeLoader(repo).totals(v.tree);
  const result: ShowMilestoneResult = {
    milestone: m,
    version: { id: v.id, name: v.name, description: v.description, time: v.time, tags: v.tags, files: totals.files, bytes: totals.bytes },
  };
  const all = await listMilestones({ repo });
  const index = all.findIndex((x) => x.name === m.name);
  const prev = index > 0 ? all[index - 1] : undefined;
  if (prev) {
    const diff = await diffVersions({ repo, from: prev.version, to: m.version });
    const s = diff.summary;
    result.sincePrevious = {
      name: prev.name,
      type: prev.type,
      ...(prev.semver === undefined ? {} : { semver: prev.semver }),
      version: prev.version,
      added: s.added.count,
      removed: s.deleted.count,
      changed: s.modified.count + s.typeChanged.count,
      renamed: s.renamed.count,
      netBytes: s.total.newBytes - s.total.oldBytes,
    };
  }
  return result;
}

export interface PromoteMilestoneOptions {
  repo: Repository;
  name: string;
  /** The kind to promote to: a later step of alpha < beta < rc < release. */
  to: string;
  /** A new semver (default: the current one; promoting to release drops its pre-release tag). */
  semver?: string;
  /** A note on the promotion, kept in its history. */
  notes?: string;
}

export interface PromoteMilestoneResult {
  milestone: MilestoneInfo;
  promotion: MilestonePromotion;
}

/** Promotes a milestone along alpha < beta < rc < release, recording the promotion (RELEASE_RULE when refused). */
export async function promoteMilestone(options: PromoteMilestoneOptions): Promise<PromoteMilestoneResult> {
  const { repo } = options;
  const m = await getMilestone(options);
  const to = parseMilestoneType(options.to);
  const semver = options.semver === undefined ? undefined : formatSemver(parseSemver(options.semver.trim()));
  const others = (await allMilestones(repo)).filter((o) => o.name.toLowerCase() !== m.name.toLowerCase());
  const plan = planPromotion(m, to, others, semver);
  const promotion: MilestonePromotion = {
    time: repo.clock.now(),
    from: plan.from,
    to: plan.to,
    ...(m.semver === undefined ? {} : { semverBefore: m.semver }),
    ...(plan.semver === undefined ? {} : { semverAfter: plan.semver }),
    ...(options.notes === undefined ? {} : { notes: options.notes }),
  };
  const next: Milestone = { ...m, type: plan.to, promotions: [...m.promotions, promotion] };
  delete next.semver;
  if (plan.semver !== undefined) next.semver = plan.semver;
  await storeMilestone(repo, next, `promoted ${plan.from} -> ${plan.to}${plan.semver === undefined ? '' : ` ${plan.semver}`}`);
  return { milestone: await withVersionInfo(repo, next), promotion };
}

export interface DeleteMilestoneOptions {
  repo: Repository;
  name: string;
  /** Needed to delete a shipped milestone (a release or hotfix). */
  force?: boolean;
}

export interface DeleteMilestoneResult {
  name: string;
  type: MilestoneType;
  semver?: string;
  version: string;
  /** Records of the milestone removed (its creation and promotions). */
  records: number;
  /** Whether its pin was removed (the version stays while another ref keeps it). */
  unpinned: boolean;
}

/**
 * Deletes a milestone: its records, then its pin. A release or hotfix is refused (RELEASE_RULE) without
 * force. The version itself stays as long as its own ref keeps it; retention may forget it later.
 */
export async function deleteMilestone(options: DeleteMilestoneOptions): Promise<DeleteMilestoneResult> {
  const { repo } = options;
  const m = await getMilestone(options);
  if (deleteNeedsForce(m.type) && !options.force) {
    throw new StrataError('RELEASE_RULE', `${m.name} is a ${m.type}${m.semver === undefined ? '' : ` (${m.semver})`} that has shipped: deleting it needs --force`, {
      hint: `\`strata game milestone delete ${m.name} --force\``,
      data: { name: m.name, type: m.type },
    });
  }
  const namespace = namespaceOf(m.name);
  const records = await listRecords(repo, namespace);
  for (const r of records) await deleteRecord(repo, namespace, r.id);
  let unpinned = false;
  try {
    await unpinVersion({ repo, owner: MILESTONE_PIN_OWNER, name: pinName(m.name) });
    unpinned = true;
  } catch (err) {
    if (!(isStrataError(err) && err.code === 'UNKNOWN_REF')) throw err;
  }
  return { name: m.name, type: m.type, ...(m.semver === undefined ? {} : { semver: m.semver }), version: m.version, records: records.length, unpinned };
}
