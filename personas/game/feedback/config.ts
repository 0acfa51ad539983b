/**
 * A project's feedback settings, `strata-feedback.json` (or `.yaml`): which columns are personal, the
 * build-string map, the branch whose history links items by time, and the category rules. Pure: text in,
 * settings out; CONFIG_INVALID names the file and the problem.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { StrataError } from '../../../porcelain/index.js';
import { compileCategoryRules, type CategoryRule } from './categories.js';
import { DEFAULT_PERSONAL_COLUMNS } from './map.js';

/** The names looked for, in the project folder and then the repository folder. */
export const FEEDBACK_CONFIG_FILES = ['strata-feedback.json', 'strata-feedback.yaml', 'strata-feedback.yml'] as const;

export const FeedbackConfigSchema = z
  .object({
    /** Columns dropped on import (replaces the shipped list). */
    personal: z.array(z.string().min(1)).optional(),
    /** Further personal columns, added to the shipped list. */
    personalExtra: z.array(z.string().min(1)).optional(),
    /** Build string (as players' clients report it) -> a version id, tag, branch or milestone. */
    builds: z.record(z.string(), z.string().min(1)).optional(),
    /** The branch whose history links items by time (default: HEAD's branch). */
    branch: z.string().min(1).optional(),
    /** Category -> patterns, laid over the shipped rules. */
    categories: z.record(z.string(), z.array(z.string())).optional(),
    /** Use only the categories given here. */
    replaceCategories: z.boolean().optional(),
  })
  .strict();

export type FeedbackConfigFile = z.infer<typeof FeedbackConfigSchema>;

/** The settings in force. */
export interface FeedbackSettings {
  /** The file they came from (undefined: the shipped defaults). */
  source?: string;
  personal: string[];
  builds: Record<string, string>;
  branch?: string;
  rules: CategoryRule[];
}

/** Parses a settings file's text (JSON, or YAML for .yaml/.yml). */
export function parseFeedbackConfig(text: string, source: string): FeedbackSettings {
  let doc: unknown;
  try {
    doc = /\.ya?ml$/i.test(source) ? parseYaml(text) : JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (err) {
    throw new StrataError('CONFIG_INVALID', `${source} cannot be read: ${(err as Error).message}`, { data: { file: source } });
  }
  const parsed = FeedbackConfigSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StrataError('CONFIG_INVALID', `${source}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`, { data: { file: source } });
  }
  return settingsFrom(parsed.data, source);
}

/** Settings from a parsed file (or the defaults, for undefined). */
export function settingsFrom(file: FeedbackConfigFile | undefined, source?: string): FeedbackSettings {
  const personal = [...(file?.personal ?? DEFAULT_PERSONAL_COLUMNS), ...(file?.personalExtra ?? [])];
  return {
    ...(source === undefined ? {} : { source }),
    personal,
    builds: { ...(file?.builds ?? {}) },
    ...(file?.branch === undefined ? {} : { branch: file.branch }),
    rules: compileCategoryRules(
      file?.categories === undefined && file?.replaceCategories === undefined ? undefined : { categories: file.categories ?? {}, ...(file.replaceCategories === undefined ? {} : { replace: file.replaceCategories }) },
      source ?? 'category rules',
    ),
  };
}
