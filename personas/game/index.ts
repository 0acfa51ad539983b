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
export { resolveVersionRef, VersionRefCache, type ResolvedVersionRef } from './core/version-ref.js';
export type { ConfigChangeProvider, ConfigChangeSummary, PlatformConfigChanges, ConfigKeyChange, ConfigValue, ReleaseNotesSection, ReleaseNotesSectionProvider } from './core/release-notes-sections.js';
export { listPlatforms, showPlatform, comparePlatforms, diffPlatformVersions, validatePlatforms, platformConfigChanges, type ConfigSourceOptions, type PlatformInfo, type ListPlatformsResult, type ShowPlatformOptions, type ShowPlatformResult, type ComparePlatformsOptions, type ComparePlatformsResult, type DiffPlatformVersionsOptions, type DiffPlatformVersionsResult, type ValidatePlatformsOptions, type ValidatePlatformsResult } from './ops/platforms.js';
export { platformKeyHistory, type PlatformKeyHistoryOptions, type PlatformKeyHistoryResult, type KeyHistoryEntry, type KeyState } from './ops/platforms-history.js';
export { folderReader, VersionTreeCache, type ConfigSource } from './ops/config-source.js';
export { evaluatePlatform, loadProject, platformStack, ParseCache, type ConfigReader, type ConfigFileContent, type EffectiveConfig, type StackFile } from './config/evaluate.js';
export { parseProjectFile, expandLayers, layerFormat, platformNames, platformDecl, PROJECT_FILES, LAYER_FORMATS, ProjectFileSchema, type Project, type ProjectFile, type LayerDecl, type PlatformDecl, type LayerFormat } from './config/project.js';
export { parseJsonLayer } from './config/parse-json.js';
export { parseYamlLayer } from './config/parse-yaml.js';
export { parseTomlLayer } from './config/parse-toml.js';
export { parseXml, xmlToLayer, parseXmlLayer } from './config/parse-xml.js';
export { parseIni, applyIniEntry, resolveIniSection, type IniDocument, type IniSection, type IniEntry, type IniOp } from './config/parse-ini.js';
export { mergeLayer, applyIniDocument } from './config/merge.js';
export { unrealHierarchy, type UnrealFile } from './config/unreal.js';
export { platformMatrix, diffConfigs, type MatrixRow, type OriginValue, type KeyChange, type ConfigDiff } from './config/compare.js';
export { compileSchema, validateConfig, type Violation } from './config/validate.js';
export { flattenConfig, formatKeyPath, parseKeyPath, nodeAt, toPlain, DELETE_MARKER, type Origin, type PlainValue, type ConfigNode, type ConfigObject, type ConfigLeaf, type EffectiveEntry } from './config/types.js';
export { recordPlaytest, importPlaytest, listPlaytests, showPlaytest, analyzePlaytest, replayPlaytest, comparePlaytests, exportPlaytest, EXPORT_FORMATS, CSV_COLUMNS, type RecordPlaytestOptions, type RecordPlaytestResult, type ImportPlaytestOptions, type ListPlaytestsOptions, type HeatmapOptions, type HeatmapResult, type AnalyzePlaytestOptions, type AnalyzePlaytestResult, type ReplayPlaytestOptions, type ComparePlaytestsOptions, type ExportFormat } from './ops/playtest.js';
export { PLAYTEST_NAMESPACE, SESSION_FORMAT, SessionFileSchema, storeSession, loadSessions, findSession, sessionEvents, type PlaytestSession, type PlaytestSourceKind, type SessionFile, type StoreSessionOptions } from './ops/playtest-store.js';
export { startPlaytestServer, type PlaytestServer, type PlaytestServerOptions } from './ops/playtest-server.js';
export { JOURNAL_FORMAT, journalDir, type JournalHeader } from './ops/playtest-journal.js';
export { PLAYTEST_EVENT_TYPES, normalizeEvent, parseEventLine, serializeEvent, readStoredEvent, type PlaytestEvent, type EventProblem, type ParsedEvent } from './playtest/events.js';
export { numberedLines, MAX_LINE_BYTES, type NumberedLine } from './playtest/lines.js';
export { SessionIngest, ingestLines, DEFAULT_REORDER_WINDOW, type SessionSummary, type Bounds } from './playtest/ingest.js';
export { PlaytestAnalyzer, type AnalysisResult, type LevelFunnel } from './playtest/analysis.js';
export { FineHistogram, FPS_EDGES, FRAME_MS_EDGES, type DistributionSummary, type HistogramBin } from './playtest/histogram.js';
export { twoProportionZTest, mannWhitneyU, mannWhitneyFromCounts, mannWhitneyFromGroups, poissonRateTest, median, type SignificanceResult } from './playtest/stats.js';
export { HeatmapGrid, renderHeatmapPng, type HeatmapSpec } from './playtest/heatmap.js';
export { parseStkReplay, STK_DIFFICULTIES, type StkReplay, type StkKart } from './playtest/stk-replay.js';
export { comparePlaytestBuilds, SIGNIFICANCE_LEVEL, type BuildSample, type MetricDelta, type PlaytestComparison } from './playtest/compare.js';
