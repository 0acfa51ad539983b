/**
 * One self-contained HTML page for a file's timeline: thumbnails embedded as data URIs, no scripts,
 * no external resources, so it opens in any browser and can be mailed around. Pure.
 */
import { formatBytesCompact } from '../../../porcelain/index.js';
import type { TimelineEntry } from './timeline.js';

export interface TimelineHtmlInput {
  path: string;
  kind: string;
  branch?: string | undefined;
  entries: readonly TimelineEntry[];
  /** PNG bytes by thumbnail blob id. */
  thumbnails: ReadonlyMap<string, Buffer>;
  /** When the page was made (ms). */
  generatedAt: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** A one-line description of how much an entry changed, for tables and captions. */
export function describeChange(e: TimelineEntry): string {
  if (e.change === 'deleted') return 'deleted';
  if (e.problem) return `not readable: ${e.problem.code}`;
  const m = e.magnitude;
  if (e.visuallyIdentical) return 're-saved, visually identical';
  if (!m) return e.change === 'modified' ? 'changed' : e.change;
  if (m.kind === 'image') {
    return `${m.changedPercent.toFixed(m.changedPercent < 1 ? 2 : 1)}% pixels, SSIM ${m.ssim.toFixed(3)}${m.resized ? ', resized' : ''}`;
  }
  const parts: string[] = [];
  if (m.verticesDelta !== 0) parts.push(`${m.verticesDelta > 0 ? '+' : ''}${m.verticesDelta} vertices`);
  if (m.facesDelta !== 0) parts.push(`${m.facesDelta > 0 ? '+' : ''}${m.facesDelta} faces`);
  if (m.maxDisplacement !== null && m.maxDisplacement > 0) parts.push(`moved up to ${round(m.maxDisplacement)}`);
  else if (m.centroidDistance !== null && m.centroidDistance > 0) parts.push(`centre moved ${round(m.centroidDistance)}`);
  return parts.length > 0 ? parts.join(', ') : 'geometry unchanged';
}

function round(n: number): string {
  return Number(n.toPrecision(3)).toString();
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function renderTimelineHtml(input: TimelineHtmlInput): string {
  const cards = input.entries
    .map((e) => {
      const png = e.thumbnail === undefined ? undefined : input.thumbnails.get(e.thumbnail);
      const picture = png
        ? `<img src="data:image/png;base64,${png.toString('base64')}" alt="${escapeHtml(input.path)} in ${e.version.slice(0, 12)}">`
        : `<div class="none">${e.change === 'deleted' ? 'deleted' : 'no preview'}</div>`;
      const labels = [
        ...(e.milestone ? ['<span class="tag milestone">milestone</span>'] : []),
        ...e.tags.map((t) => `<span class="tag">${escapeHtml(t)}</span>`),
      ].join(' ');
      const delta = e.sizeDelta === 0 ? '' : ` (${e.sizeDelta > 0 ? '+' : ''}${formatBytesCompact(e.sizeDelta)})`;
      return `<figure class="${e.change}${e.visuallyIdentical ? ' same' : ''}">
  <div class="pic">${picture}</div>
  <figcaption>
    <div class="id"><code>${e.version.slice(0, 12)}</code> ${escapeHtml(isoTime(e.time))}</div>
    ${e.name ? `<div class="name">${escapeHtml(e.name)}</div>` : ''}${e.description ? `<div class="desc">${escapeHtml(e.description)}</div>` : ''}
    <div class="size">${formatBytesCompact(e.size)}${delta}</div>
    <div class="change">${escapeHtml(describeChange(e))}</div>
    ${labels ? `<div class="labels">${labels}</div>` : ''}
  </figcaption>
</figure>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.path)}: timeline</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; background: #f4f4f4; color: #222; }
h1 { font-size: 18px; margin: 0 0 4px; word-break: break-all; }
.meta { color: #666; margin-bottom: 16px; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; width: 276px; background: #fff; border-radius: 6px; box-shadow: 0 1px 3px #0002; overflow: hidden; }
figure.deleted { opacity: .6; }
figure.same .change { color: #2a7; }
.pic { height: 256px; display: flex; align-items: center; justify-content: center; padding: 10px;
  background: repeating-conic-gradient(#ddd 0 25%, #fff 0 50%) 0 0 / 16px 16px; }
.pic img { max-width: 256px; max-height: 256px; image-rendering: auto; }
.none { color: #999; }
figcaption { padding: 8px 10px 10px; }
.id code { font-weight: 600; }
.name { font-weight: 600; }
.desc { color: #444; }
.size, .change { color: #555; }
.tag { display: inline-block; background: #e6eefc; color: #234; border-radius: 3px; padding: 0 5px; margin-top: 4px; font-size: 12px; }
.tag.milestone { background: #fde9c8; color: #640; }
</style>
</head>
<body>
<h1>${escapeHtml(input.path)}</h1>
<div class="meta">${input.entries.length} change${input.entries.length === 1 ? '' : 's'}, oldest first${input.branch ? ` · ${escapeHtml(input.branch)}` : ''} · ${escapeHtml(input.kind)} · made by strata on ${escapeHtml(isoTime(input.generatedAt))}</div>
<div class="grid">
${cards}
</div>
</body>
</html>
`;
}
