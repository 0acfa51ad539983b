/**
 * The public surface of strata's game persona: milestones and releases, release notes, per-platform
 * configuration. Built on porcelain's public API only.
 */
export { createMilestone, listMilestones, showMilestone, promoteMilestone, deleteMilestone, getMilestone, findMilestone, MILESTONE_NAMESPACE_PREFIX, MILESTONE_PIN_OWNER, type Milestone, type MilestoneInfo, type MilestonePromotion, type CreateMilestoneOptions, type ListMilestonesOptions, type ShowMilestoneOptions, type ShowMilestoneResult, type PromoteMilestoneOptions, type PromoteMilestoneResult, type DeleteMilestoneOptions, type DeleteMilestoneResult } from './ops/milestone.js';
export { releaseNotes, releaseNotesMarkdown, type ReleaseNotesOptions, type ReleaseNotesResult } from './ops/release-notes.js';
export { parseSemver, formatSemver, compareSemver, semverProblem, withoutPrerelease, type SemVer } from './milestones/semver.js';
export { MILESTONE_TYPES, LADDER, BUILD_TYPES, SHIPPED_TYPES, isMilestoneType, parseMilestoneType, milestoneNameProblem, checkMilestoneName, checkSemverRules, planPromotion, deleteNeedsForce, type MilestoneType, type MilestoneFacts, type PromotionPlan } from './milestones/rules.js';
export { ASSET_GROUPS, ASSET_GROUP_TITLES, assetGroupOf, assetGroupExtensions, type AssetGroup } from './milestones/asset-groups.js';
export { buildReleaseNotes, fileChanges, renderReleaseNotesMarkdown, humanBytes, type ReleaseNotes, type ChangeCounts, type FolderChanges, type GroupChanges, type FileChange, type FileChangeKind, type NotesEndpoint, type NotesMilestone, type BuildReleaseNotesInput, type RenderMarkdownOptions } from './milestones/release-notes.js';
export type { ConfigChangeProvider, ConfigChangeSummary, PlatformConfigChanges, ConfigKeyChange, ConfigValue, ReleaseNotesSection, ReleaseNotesSectionProvider } from './core/release-notes-sections.js';
