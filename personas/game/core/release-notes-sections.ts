/**
 * What release notes ask of the other parts of the game persona, as small interfaces, so that
 * `releaseNotes` depends on none of them: platform configuration changes (personas/game/ops/
 * platforms*.ts provides a `ConfigChangeProvider`) and any further section (feedback and playtest
 * summaries, when they exist) as a `ReleaseNotesSectionProvider`. Types only.
 */
import type { Repository } from '../../../porcelain/index.js';

/** A configuration value as parsed: JSON-like (a string, number, boolean, null, array or object). */
export type ConfigValue = unknown;

/** One key whose effective value changed between two versions, on one platform. */
export interface ConfigKeyChange {
  /** The key's path, `.`-separated (`Engine.Renderer.MaxFPS`, `/Script/Engine.GameUserSettings.bUseVSync`). */
  key: string;
  /** The effective value before (absent when the key was added). */
  before?: ConfigValue;
  /** The effective value after (absent when the key was removed). */
  after?: ConfigValue;
  /** The file (and line, when known) that set the new value, or removed it: `Config/Windows/WindowsEngine.ini:12`. */
  file?: string;
}

/** How one platform's effective configuration changed. */
export interface PlatformConfigChanges {
  platform: string;
  added: ConfigKeyChange[];
  removed: ConfigKeyChange[];
  changed: ConfigKeyChange[];
}

/** Configuration changes between two versions, per platform. */
export interface ConfigChangeSummary {
  /** Platforms declared on both sides, each with its key changes (platforms with none may be listed with empty arrays). */
  platforms: PlatformConfigChanges[];
  /** Platforms declared in the later version only. */
  platformsAdded?: string[];
  /** Platforms declared in the earlier version only. */
  platformsRemoved?: string[];
}

/**
 * Computes configuration changes between two versions (`from` and `to` are version ids). Resolves to
 * undefined when neither version declares platform configuration; throws a StrataError when a
 * declaration is malformed.
 */
export type ConfigChangeProvider = (options: { repo: Repository; from: string; to: string }) => Promise<ConfigChangeSummary | undefined>;

/** A further section of release notes (feedback, playtests …): a title, markdown lines and its data for JSON. */
export interface ReleaseNotesSection {
  /** A stable identifier, the section's key in JSON output (`feedback`). */
  id: string;
  title: string;
  /** The section's body as markdown lines (no heading). */
  markdown: string[];
  /** The same content as plain JSON data. */
  data: unknown;
}

/** Produces a section for the notes between two versions, or undefined when it has nothing to say. */
export type ReleaseNotesSectionProvider = (options: { repo: Repository; from: string; to: string }) => Promise<ReleaseNotesSection | undefined>;
