/**
 * The public surface of strata's creative persona: visual diffs of images and 3D models, timelines
 * with thumbnails. Built on porcelain's public API only.
 */
export { creativeDiff, type CreativeDiffOptions, type CreativeDiffResult, type PictureOptions } from './ops/visual-diff.js';
export { compareFile, type CompareFileOptions } from './ops/compare.js';
export { compareAsset, writePictures, type CompareAssetOptions } from './ops/compare-asset.js';
export { writeFileAtomic } from './ops/write-file-atomic.js';
export { PICTURE_KINDS, type AssetDiff, type AssetStatus, type AssetProblem, type PictureKind } from './core/asset-diff.js';
export { summarizeAssets, type AssetTotals } from './core/asset-totals.js';
export { assetKindOf, type AssetKind } from './core/asset-kind.js';
export { AssetSide, relatedCandidates, type AssetSideSpec, type SideFile } from './ops/asset-side.js';
export { timeline, type TimelineOptions, type TimelineResult } from './ops/timeline.js';
export { renderTimeline, type RenderTimelineOptions } from './ops/timeline-render.js';
export { buildTimeline, type TimelineEntry, type TimelinePoint, type TimelineChange, type ChangeMagnitude, type ImageMagnitude, type ModelMagnitude } from './core/timeline.js';
export { renderTimelineHtml, describeChange, type TimelineHtmlInput } from './core/timeline-html.js';
export { thumbnails, thumb, ensureThumbnails, makeThumbnail, THUMBNAIL_SIZE, THUMBNAIL_NAMESPACE, type ThumbnailsOptions, type ThumbnailsResult, type ThumbnailEntry, type ThumbOptions, type ThumbResult, type ThumbnailSource, type ThumbnailFailure, type EnsureThumbnailsResult } from './ops/thumbnails.js';
export { summarizeModel, type ModelSummary } from './model/model-summary.js';
export type { Model, MeshData, NodeData, MaterialData, ModelFormat, RelatedFileReader } from './model/model.js';
export type { RasterImage } from './image/raster.js';
// The building blocks, for scripts that compare or preview files that are not in a repository.
export { decodeImage, probeImage, DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeOptions, type ImageInput, type ImageInfo } from './image/decode.js';
export { imageFormatOf, isImagePath, type ImageFormat } from './image/formats.js';
export { diffImages, type ImageDiff, type ImageComparison, type InfoChange, type DiffOptions } from './image/diff.js';
export { renderDiffPictures, type DiffPictures } from './image/pictures.js';
export { encodePng } from './image/encode.js';
export { imageThumbnail, rasterThumbnail } from './image/thumbnail.js';
export { contactSheet, type ContactSheetCell, type ContactSheetOptions } from './image/contact-sheet.js';
export { parseModel, type ParseModelOptions } from './model/parse-model.js';
export { modelFormatOf, isModelPath } from './model/model-formats.js';
export { diffModels, type ModelDiff, type DiffModelsOptions } from './model/model-diff.js';
export { modelBounds, unionBox, type Box } from './model/model-bounds.js';
export { renderModelViews, renderModelOverlay, renderModelThumbnail, VIEW_NAMES, type ViewName, type RenderOptions, type OverlayOptions } from './model/rasterizer.js';
// Asset references: extractors, the graph, and the refs / mv / restore-asset operations.
export { refs, versionGraph, folderGraph, listFolder, storedGraph, graphPath, REFS_NAMESPACE, MAX_REFS_FILE_BYTES, type RefsOptions, type RefsResult, type LoadedGraph, type RefsSkipped, type VersionGraphOptions, type FolderGraphOptions } from './ops/refs.js';
export { refsHistory, type RefsHistoryOptions, type RefsHistoryResult } from './ops/refs-history.js';
export { assetMove, type AssetMoveOptions, type AssetMoveResult, type AssetMoveChange } from './ops/asset-mv.js';
export { restoreAsset, exactPattern, type RestoreAssetOptions, type RestoreAssetResult } from './ops/restore-asset.js';
export { REFS_SCHEMA, ASSET_EXTENSIONS, isAssetPath, RefIndex, analyzeGraph, whoUses, dependencies, edgeOf, type RefGraph, type SourceFile, type RefEdge, type RefAnalysis } from './refs/graph.js';
export { buildGraph, relocateExtraction, type BuildGraphInput } from './refs/build.js';
export { extractFile, extractorFor } from './refs/extract.js';
export { resolveReference, resolveAll, createResolveContext, uriPath, BARE_CONTEXT, type ResolveContext } from './refs/resolve.js';
export type { Reference, RefForm, Quoting, Unresolved, Declaration, FileExtraction } from './refs/reference.js';
export { objReferences } from './refs/obj.js';
export { mtlReferences } from './refs/mtl.js';
export { gltfReferences, glbReferences } from './refs/gltf.js';
export { svgReferences } from './refs/svg.js';
export { htmlReferences, srcsetUrls } from './refs/html.js';
export { cssReferences } from './refs/css.js';
export { godotReferences, scanGodotImport, scanGodotUid, scanGodotProject, scanGdscript } from './refs/godot.js';
export { unityReferences, scanUnityMeta, UNITY_YAML_EXTENSIONS } from './refs/unity.js';
export { planMove, applyEdits, writtenPath, SIDECAR_SUFFIXES, type MovePlan, type FileRewrite, type TextEdit } from './refs/rewrite.js';
export { refHistory, trackAsset, type RefHistoryEvent, type RefChange, type HistoryPoint, type VersionGraph } from './refs/history.js';
// Workspace capture: an application's state as records under creative/workspace/<app>.
export { captureWorkspace, listWorkspaces, showWorkspace, diffWorkspaces, restoreWorkspace, resolveCapture, loadAdapterFile, WORKSPACE_NAMESPACE_PREFIX, BEFORE_RESTORE, type CaptureWorkspaceOptions, type CaptureWorkspaceResult, type ListWorkspacesOptions, type WorkspaceListEntry, type ShowWorkspaceOptions, type ShowWorkspaceResult, type DiffWorkspacesOptions, type DiffWorkspacesResult, type RestoreWorkspaceOptions, type RestoreWorkspaceResult, type WorkspaceRestoreAction, type WorkspaceRestoreKind, type WorkspaceCaptureInfo, type WorkspaceSkip, type WorkspaceRootReport, type AdapterFileInput } from './ops/workspace.js';
export { BUILTIN_ADAPTERS, adapterFor, knownApps } from './workspace/registry.js';
export { SummaryBuilder, settingValue, DEFAULT_MAX_FILE_BYTES, type WorkspaceAdapter, type WorkspaceRoot, type WorkspaceSummary, type SummaryInput } from './workspace/adapter.js';
export { workspaceEnvFrom, homeDir, configHome, dataHome, appData, localAppData, expandPath, WORKSPACE_PLATFORMS, type WorkspaceEnv, type WorkspacePlatform } from './workspace/env.js';
export { genericAdapter, parseAdapterFile, AdapterFileSchema, type AdapterFile } from './workspace/generic.js';
export { systemProcessLister, matchProcesses, type ProcessLister } from './workspace/processes.js';
export { diffSummaries, type SummaryDiff, type SettingChange, type ListChange, type FactChange } from './workspace/summary-diff.js';
export { parseIni, iniValue, type IniSection, type IniEntry } from './workspace/ini.js';
export { parseSexp, renderSexp, type SexpNode } from './workspace/sexp.js';
export { parseJsonc } from './workspace/jsonc.js';
export { parseXbel, filterXbel, mergeXbel, type XbelBookmark } from './workspace/xbel.js';
export { blendHeader } from './workspace/blender.js';
export { listElements, extractElement, restoreElement, listBackups, restoreBackup, BACKUP_NAMESPACE, type ElementSource, type ListElementsOptions, type ListElementsResult, type ExtractElementOptions, type ExtractElementResult, type RestoreElementOptions, type RestoreElementResult, type ElementBackup } from './ops/elements.js';
export { ELEMENT_HANDLERS, ELEMENT_EXTENSIONS, elementHandlerFor } from './elements/handlers.js';
export { findElement, closeMatches, type ElementHandler, type ElementInfo, type ElementKind, type ElementFile, type OutputFile, type RestoreResult } from './elements/element.js';
