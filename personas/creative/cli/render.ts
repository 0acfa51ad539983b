/** Human text for the creative persona's results. */
import { formatBytes, signedBytes } from '../../../porcelain/cli/index.js';
import type { AssetDiff } from '../core/asset-diff.js';
import type { AssetTotals } from '../core/asset-totals.js';

const LETTERS: Record<AssetDiff['status'], string> = { added: 'A', deleted: 'D', modified: 'M', renamed: 'R', unchanged: '=' };

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function signed(n: number): string {
  return n > 0 ? `+${num(n)}` : num(n);
}

function short(n: number): string {
  return Number(n.toPrecision(4)).toString();
}

function vec(v: readonly number[] | null | undefined): string {
  return v ? `(${v.map(short).join(', ')})` : '-';
}

/** The figures of one compared file, as a few short phrases. */
export function assetFigures(a: AssetDiff): string[] {
  const out: string[] = [];
  if (a.kind === 'image' && a.image) {
    const { before, after, diff } = a.image;
    if (before && after && (before.width !== after.width || before.height !== after.height)) {
      out.push(`${before.width}x${before.height} -> ${after.width}x${after.height}`);
    } else if (after ?? before) {
      const i = (after ?? before)!;
      out.push(`${i.width}x${i.height} ${i.format}`);
    }
    if (diff) {
      if (diff.pixelsEqual) out.push(a.contentChanged ? 'pixels identical (re-saved)' : 'pixels identical');
      else if (diff.identical) out.push('no visible change (every difference below the threshold)');
      else {
        out.push(`${num(diff.changedPixels)} px changed (${diff.changedPercent.toFixed(diff.changedPercent < 1 ? 3 : 2)}%)`);
        out.push(`SSIM ${diff.ssim.toFixed(4)}`);
        const regions = diff.regions.length + (diff.moreRegions ?? 0);
        if (regions > 0) {
          const r = diff.regions[0]!;
          out.push(`${regions} region${regions === 1 ? '' : 's'}, largest ${r.width}x${r.height} at ${r.x},${r.y}`);
        }
      }
      for (const c of diff.infoChanges.filter((c) => c.field !== 'width' && c.field !== 'height' && c.field !== 'dimensions')) {
        out.push(`${c.field}: ${String(c.before ?? '-')} -> ${String(c.after ?? '-')}`);
      }
    }
  } else if (a.kind === 'model' && a.model) {
    const { before, after, diff } = a.model;
    if (diff) {
      if (diff.identical) out.push('geometry and scene identical');
      const c = diff.counts;
      if (c.vertices.delta !== 0 || c.faces.delta !== 0) out.push(`vertices ${signed(c.vertices.delta)}, faces ${signed(c.faces.delta)} (now ${num(c.vertices.after)} / ${num(c.faces.after)})`);
      else out.push(`${num(c.vertices.after)} vertices, ${num(c.faces.after)} faces`);
      if (diff.bounds.sizeDelta && diff.bounds.sizeDelta.some((d) => d !== 0)) out.push(`size ${vec(diff.bounds.sizeDelta)}`);
      if (diff.centroid.distance) out.push(`centre moved ${short(diff.centroid.distance)} ${vec(diff.centroid.delta)}`);
      if (diff.displacement && diff.displacement.max > 0) out.push(`vertices moved max ${short(diff.displacement.max)}, mean ${short(diff.displacement.mean)}`);
      for (const [label, el] of [['meshes', diff.meshes], ['nodes', diff.nodes], ['materials', diff.materials]] as const) {
        const parts = [
          el.added.length ? `+${el.added.length}` : '',
          el.removed.length ? `-${el.removed.length}` : '',
          el.renamed.length ? `${el.renamed.length} renamed` : '',
          el.changed.length ? `${el.changed.length} changed` : '',
        ].filter(Boolean);
        if (parts.length > 0) out.push(`${label} ${parts.join(' ')}`);
      }
      const tex = diff.textures.added.length + diff.textures.removed.length;
      if (tex > 0) out.push(`textures +${diff.textures.added.length} -${diff.textures.removed.length}`);
    } else if (after ?? before) {
      const m = (after ?? before)!;
      out.push(`${m.format}, ${num(m.vertices)} vertices, ${num(m.faces)} faces, ${m.meshes} mesh${m.meshes === 1 ? '' : 'es'}`);
    }
  }
  if (out.length === 0 || a.kind === 'other') {
    if (a.before && a.after) out.push(a.contentChanged ? `${formatBytes(a.before.size)} -> ${formatBytes(a.after.size)}` : `${formatBytes(a.after.size)}, same bytes`);
    else out.push(formatBytes((a.after ?? a.before)?.size ?? 0));
  }
  for (const p of a.problems) out.push(`${p.side} not readable: ${p.message}`);
  return out;
}

/** A table: one row per compared file (status, path, kind, size change, figures), then the pictures written. */
export function renderAssets(assets: readonly AssetDiff[]): string[] {
  const rows = assets.map((a) => {
    const figures = assetFigures(a);
    return {
      status: LETTERS[a.status],
      path: a.oldPath ? `${a.oldPath} -> ${a.path}` : a.path,
      kind: a.kind,
      size: a.before && a.after ? signedBytes(a.sizeDelta) : formatBytes((a.after ?? a.before)?.size ?? 0),
      figures: figures.join('; '),
      pictures: Object.entries(a.pictures ?? {}),
    };
  });
  const pathWidth = Math.min(60, Math.max(4, ...rows.map((r) => r.path.length)));
  const sizeWidth = Math.max(4, ...rows.map((r) => r.size.length));
  const lines = [`   ${'path'.padEnd(pathWidth)}  kind   ${'size'.padStart(sizeWidth)}  change`];
  for (const r of rows) {
    lines.push(`${r.status}  ${r.path.padEnd(pathWidth)}  ${r.kind.padEnd(5)}  ${r.size.padStart(sizeWidth)}  ${r.figures}`);
    for (const [kind, file] of r.pictures) lines.push(`   ${''.padEnd(pathWidth)}  ${kind}: ${file}`);
  }
  return lines;
}

export function renderTotals(t: AssetTotals): string {
  const parts = [`${t.files} file${t.files === 1 ? '' : 's'} changed`, `${t.images} image${t.images === 1 ? '' : 's'}`, `${t.models} model${t.models === 1 ? '' : 's'}`, `${t.other} other`];
  if (t.changedPixels > 0) parts.push(`${num(t.changedPixels)} px changed`);
  if (t.visuallyIdentical > 0) parts.push(`${t.visuallyIdentical} re-saved with identical pixels`);
  if (t.problems > 0) parts.push(`${t.problems} not readable`);
  parts.push(signedBytes(t.sizeDelta));
  return parts.join(', ');
}
