/** A timeline as a self-contained HTML page or a PNG contact sheet (thumbnails read from the repository). */
import { formatBytesCompact, isStrataError, readStoredContent, type Repository } from '../../../porcelain/index.js';
import { describeChange, isoTime, renderTimelineHtml } from '../core/timeline-html.js';
import { contactSheet } from '../image/contact-sheet.js';
import { createRaster } from '../image/raster.js';
import { encodePng } from '../image/encode.js';
import type { TimelineResult } from './timeline.js';

export interface RenderTimelineOptions {
  repo: Repository;
  timeline: TimelineResult;
  format: 'html' | 'png';
  /** Columns of the contact sheet (default: up to 6). */
  columns?: number | undefined;
}

/** The page or picture, as bytes ready to write. */
export async function renderTimeline(options: RenderTimelineOptions): Promise<Buffer> {
  const { repo, timeline } = options;
  const thumbnails = new Map<string, Buffer>();
  for (const e of timeline.entries) {
    if (e.thumbnail === undefined || thumbnails.has(e.thumbnail)) continue;
    try {
      thumbnails.set(e.thumbnail, await readStoredContent(repo, e.thumbnail, { maxBytes: 16 * 1024 * 1024 }));
    } catch (err) {
      // A thumbnail is a cache: a damaged one is left out of the page, not a failure.
      if (!(isStrataError(err) && (err.code === 'OBJECT_MISSING' || err.code === 'OBJECT_CORRUPT'))) throw err;
    }
  }
  if (options.format === 'html') {
    return Buffer.from(
      renderTimelineHtml({ path: timeline.path, kind: timeline.kind, branch: timeline.branch, entries: timeline.entries, thumbnails, generatedAt: repo.clock.now() }),
      'utf8',
    );
  }
  let blank: Buffer | undefined;
  const cells = [];
  for (const e of timeline.entries) {
    const png = e.thumbnail === undefined ? undefined : thumbnails.get(e.thumbnail);
    blank ??= await encodePng(createRaster(8, 8, 255));
    cells.push({
      png: png ?? blank,
      label: [`${e.version.slice(0, 10)} ${isoTime(e.time).slice(0, 10)}`, describeChange(e).slice(0, 40), `${formatBytesCompact(e.size)}${e.milestone ? ' milestone' : ''}`],
    });
  }
  return contactSheet({ cells, columns: options.columns ?? Math.min(6, Math.max(1, cells.length)) });
}
