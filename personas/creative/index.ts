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
