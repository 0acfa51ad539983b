import { StrataError } from '../../../porcelain/index.js';
import { createRaster, type RasterImage } from '../image/raster.js';
import type { Model, Vec3 } from './model.js';
import { modelBounds, unionBox, type Box } from './model-bounds.js';

/**
 * A small software rasterizer for model previews: orthographic views, z-buffered triangles, flat
 * shading, no GPU and no native code. Memory is the framebuffer only (a depth and a shade buffer per
 * model being drawn, reused from view to view): triangles are projected on the fly, so a model of any
 * size is drawn without a single per-triangle allocation. About 1M triangles per view in ~0.1 s.
 */

/**
 * `front` looks down -Z (+X right, +Y up), `side` down -X (-Z right), `top` down -Y (+X right, -Z up);
 * `back`, `left` and `bottom` are their opposites; `iso` is a three-quarter view from front-right-above.
 */
export type ViewName = 'front' | 'back' | 'side' | 'left' | 'top' | 'bottom' | 'iso';
export const VIEW_NAMES: readonly ViewName[] = ['front', 'back', 'side', 'left', 'top', 'bottom', 'iso'];
export type Rgb = [number, number, number];

/** Blank space left on each side of a view, as a fraction of its size, so the framed box always fits. */
export const VIEW_MARGIN = 0.1;
/** The opaque background: a neutral light grey. */
export const BACKGROUND: Rgb = [236, 236, 236];
/** The 1-pixel line drawn between two views. */
export const SEPARATOR: Rgb = [204, 204, 204];
/** Default model colour: a blue-grey that stays darker than the background even where fully lit. */
export const MODEL_COLOUR: Rgb = [150, 166, 192];
/** Overlay tints: where only the old model is seen, where only the new one is, and where both coincide. */
export const BEFORE_COLOUR: Rgb = [222, 78, 58];
export const AFTER_COLOUR: Rgb = [36, 158, 232];
export const BOTH_COLOUR: Rgb = [170, 170, 170];
/** Two surfaces closer in depth than this (in pixels) count as the same surface in an overlay. */
export const OVERLAY_DEPTH_TOLERANCE = 1;
/** Outline pixels (silhouettes, depth steps, creases) keep this fraction of their colour. */
export const EDGE_DARKENING = 0.65;
/** A pixel is on a crease or depth step when its depth's second difference exceeds this (pixels). */
const EDGE_DEPTH_CURVATURE = 1.5;

const AMBIENT = 0.35;
const DIFFUSE = 0.65;
/** The light, in view space (x right, y up, z towards the viewer): from the upper left, behind the viewer. */
const LIGHT = normalize([-0.4, 0.55, 0.73]);
const MIN_SIZE = 8;
const MAX_SIZE = 4096;
/** The most pixels one render may have (all views together): 128 MiB of RGBA. */
const MAX_PIXELS = 32 * 1024 * 1024;

export interface RenderOptions {
  /** Width and height of each view in pixels (default 256). */
  size?: number;
  /** The views, left to right (default front, side, top). */
  views?: ViewName[];
  /** The box the camera frames (default the model's bounding box): pass the same box to compare renders. */
  frame?: Box;
  /** The model's colour at full light (default `MODEL_COLOUR`). */
  colour?: Rgb;
  /** Darken silhouettes, depth steps and sharp creases so overlapping parts read apart (default true). */
  edges?: boolean;
}

export interface OverlayOptions {
  size?: number;
  views?: ViewName[];
  /** Default: the union of both models' bounding boxes. */
  frame?: Box;
  beforeColour?: Rgb;
  afterColour?: Rgb;
  /** Outline the combined geometry (default true). */
  edges?: boolean;
}

/** The model drawn in each view, side by side: an image `size * views.length` wide and `size` high. */
export function renderModelViews(model: Model, options: RenderOptions = {}): RasterImage {
  const size = checkSize(options.size ?? 256);
  const views = checkViews(options.views ?? ['front', 'side', 'top'], size);
  const colour = checkColour(options.colour ?? MODEL_COLOUR, 'colour');
  const frame = options.frame !== undefined ? checkFrame(options.frame) : modelBounds(model);
  const edges = options.edges ?? true;
  const cameras = frameViews(views, frame, size);
  const image = background(size, views.length);
  const buffers = newBuffers(size);
  cameras.forEach((camera, v) => {
    drawModel(model, camera, size, buffers);
    const { shade, depth } = buffers;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const s = shade[y * size + x]!;
        if (s === 0) continue;
        putPixel(image, v * size + x, y, colour, edges && isEdge(depth, size, x, y) ? s * EDGE_DARKENING : s);
      }
    }
  });
  return image;
}

/**
 * Both models in the same frame, in each view: surface only the old model has in `beforeColour`
 * (red), only the new one in `afterColour` (blue), the same surface in both in neutral grey; where both
 * are drawn at different depths, the tint of the nearer one shows.
 */
export function renderModelOverlay(before: Model, after: Model, options: OverlayOptions = {}): RasterImage {
  const size = checkSize(options.size ?? 256);
  const views = checkViews(options.views ?? ['front', 'side', 'top'], size);
  const beforeColour = checkColour(options.beforeColour ?? BEFORE_COLOUR, 'beforeColour');
  const afterColour = checkColour(options.afterColour ?? AFTER_COLOUR, 'afterColour');
  const frame = options.frame !== undefined ? checkFrame(options.frame) : unionBox(modelBounds(before), modelBounds(after));
  const edges = options.edges ?? true;
  const cameras = frameViews(views, frame, size);
  const image = background(size, views.length);
  const a = newBuffers(size);
  const b = newBuffers(size);
  const near = new Float32Array(edges ? size * size : 0);
  cameras.forEach((camera, v) => {
    drawModel(before, camera, size, a);
    drawModel(after, camera, size, b);
    // The outline follows the nearer of the two surfaces at each pixel.
    if (edges) for (let i = 0; i < size * size; i++) near[i] = Math.max(a.depth[i]!, b.depth[i]!);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        const sa = a.shade[i]!, sb = b.shade[i]!;
        if (sa === 0 && sb === 0) continue;
        let colour: Rgb, s: number;
        if (sb === 0) [colour, s] = [beforeColour, sa];
        else if (sa === 0) [colour, s] = [afterColour, sb];
        else {
          const da = a.depth[i]!, db = b.depth[i]!;
          if (Math.abs(da - db) <= OVERLAY_DEPTH_TOLERANCE) [colour, s] = [BOTH_COLOUR, (sa + sb) >> 1];
          else if (da > db) [colour, s] = [beforeColour, sa];
          else [colour, s] = [afterColour, sb];
        }
        putPixel(image, v * size + x, y, colour, edges && isEdge(near, size, x, y) ? s * EDGE_DARKENING : s);
      }
    }
  });
  return image;
}

/** One three-quarter view of the model, `size` x `size`. */
export function renderModelThumbnail(model: Model, size = 256): RasterImage {
  return renderModelViews(model, { size, views: ['iso'] });
}

// ---------------------------------------------------------------------------------------------------
// Cameras

/** An orthonormal view basis: right, up, and back (towards the viewer). */
interface Basis {
  r: Vec3;
  u: Vec3;
  b: Vec3;
}

const BASES: Record<ViewName, Basis> = {
  front: { r: [1, 0, 0], u: [0, 1, 0], b: [0, 0, 1] },
  back: { r: [-1, 0, 0], u: [0, 1, 0], b: [0, 0, -1] },
  side: { r: [0, 0, -1], u: [0, 1, 0], b: [1, 0, 0] },
  left: { r: [0, 0, 1], u: [0, 1, 0], b: [-1, 0, 0] },
  top: { r: [1, 0, 0], u: [0, 0, -1], b: [0, 1, 0] },
  bottom: { r: [1, 0, 0], u: [0, 0, 1], b: [0, -1, 0] },
  iso: threeQuarterBasis(35, 25),
};

/** Looking from `azimuth` degrees round from the front towards +X, `elevation` degrees above. */
function threeQuarterBasis(azimuth: number, elevation: number): Basis {
  const az = (azimuth * Math.PI) / 180, el = (elevation * Math.PI) / 180;
  const b: Vec3 = [Math.cos(el) * Math.sin(az), Math.sin(el), Math.cos(el) * Math.cos(az)];
  const u = normalize([-b[1] * b[0], 1 - b[1] * b[1], -b[1] * b[2]]); // +Y without its component along b
  const r: Vec3 = [u[1] * b[2] - u[2] * b[1], u[2] * b[0] - u[0] * b[2], u[0] * b[1] - u[1] * b[0]];
  return { r, u, b };
}

/**
 * Model space to pixels: `px = m[0]x + m[1]y + m[2]z + m[3]`, `py` with m[4..7], depth (larger is
 * nearer, in pixels) with m[8..11]. Pixel (i, j) covers [i, i+1) x [j, j+1); its centre is sampled.
 */
type Camera = Float64Array;

/**
 * One camera per view, all at the same scale (so sizes compare across views), centred on the frame
 * and scaled so the frame's projection fills the view less the margin on its longer side.
 */
function frameViews(views: ViewName[], frame: Box | undefined, size: number): Camera[] {
  const corners: Vec3[] = [];
  if (frame) {
    for (const x of [frame.min[0], frame.max[0]])
      for (const y of [frame.min[1], frame.max[1]])
        for (const z of [frame.min[2], frame.max[2]]) corners.push([x, y, z]);
  }
  const extents = views.map((view) => {
    const { r, u } = BASES[view];
    let r0 = Infinity, r1 = -Infinity, u0 = Infinity, u1 = -Infinity;
    for (const c of corners) {
      const pr = dot(c, r), pu = dot(c, u);
      r0 = Math.min(r0, pr); r1 = Math.max(r1, pr);
      u0 = Math.min(u0, pu); u1 = Math.max(u1, pu);
    }
    return corners.length ? { cr: (r0 + r1) / 2, cu: (u0 + u1) / 2, span: Math.max(r1 - r0, u1 - u0) } : { cr: 0, cu: 0, span: 0 };
  });
  const inner = size * (1 - 2 * VIEW_MARGIN);
  let scale = Infinity;
  for (const e of extents) if (e.span > 0 && Number.isFinite(e.span)) scale = Math.min(scale, inner / e.span);
  if (!Number.isFinite(scale)) scale = 1; // empty, or every vertex at one point
  const half = size / 2;
  return views.map((view, i) => {
    const { r, u, b } = BASES[view];
    const { cr, cu } = extents[i]!;
    const s = scale;
    // prettier-ignore
    return Float64Array.of(
      r[0] * s, r[1] * s, r[2] * s, half - cr * s,
      -u[0] * s, -u[1] * s, -u[2] * s, half + cu * s,
      b[0] * s, b[1] * s, b[2] * s, 0,
    );
  });
}

// ---------------------------------------------------------------------------------------------------
// Triangles

interface Buffers {
  /** Depth of the nearest surface drawn at each pixel (-Infinity: none). */
  depth: Float32Array;
  /** Its light, 1 to 255 (0: nothing drawn). */
  shade: Uint8Array;
}

function newBuffers(size: number): Buffers {
  return { depth: new Float32Array(size * size), shade: new Uint8Array(size * size) };
}

function drawModel(model: Model, camera: Camera, size: number, buffers: Buffers): void {
  buffers.depth.fill(-Infinity);
  buffers.shade.fill(0);
  for (const mesh of model.meshes) drawMesh(mesh.positions, mesh.indices, camera, size, buffers);
}

/**
 * Every triangle of one mesh into the buffers. Pixels whose centre lies inside a triangle are drawn
 * (on an edge: only for edges of one orientation, so two triangles sharing an edge never both miss a
 * pixel). Triangles with a NaN or infinite coordinate, or an index past the vertex array, are skipped.
 */
function drawMesh(positions: Float32Array, indices: Uint32Array, m: Camera, size: number, buffers: Buffers): void {
  const { depth, shade } = buffers;
  const m0 = m[0]!, m1 = m[1]!, m2 = m[2]!, m3 = m[3]!;
  const m4 = m[4]!, m5 = m[5]!, m6 = m[6]!, m7 = m[7]!;
  const m8 = m[8]!, m9 = m[9]!, m10 = m[10]!, m11 = m[11]!;
  const lx = LIGHT[0], ly = LIGHT[1], lz = LIGHT[2];
  const vertexCount = Math.floor(positions.length / 3);
  const triangleEnd = indices.length - (indices.length % 3);
  for (let t = 0; t < triangleEnd; t += 3) {
    const i0 = indices[t]!, i1 = indices[t + 1]!, i2 = indices[t + 2]!;
    if (i0 >= vertexCount || i1 >= vertexCount || i2 >= vertexCount) continue;
    let k = i0 * 3;
    let x = positions[k]!, y = positions[k + 1]!, z = positions[k + 2]!;
    const ax = m0 * x + m1 * y + m2 * z + m3, ay = m4 * x + m5 * y + m6 * z + m7;
    k = i1 * 3;
    x = positions[k]!; y = positions[k + 1]!; z = positions[k + 2]!;
    let bx = m0 * x + m1 * y + m2 * z + m3, by = m4 * x + m5 * y + m6 * z + m7;
    k = i2 * 3;
    x = positions[k]!; y = positions[k + 1]!; z = positions[k + 2]!;
    let cx = m0 * x + m1 * y + m2 * z + m3, cy = m4 * x + m5 * y + m6 * z + m7;

    // Pixel columns and rows whose centres the triangle's bounds contain: most triangles of a big
    // model contain none and stop here. A NaN coordinate fails every comparison and stops here too.
    const minX = Math.max(0, Math.ceil(Math.min(ax, bx, cx) - 0.5));
    const maxX = Math.min(size - 1, Math.floor(Math.max(ax, bx, cx) - 0.5));
    if (!(minX <= maxX)) continue;
    const minY = Math.max(0, Math.ceil(Math.min(ay, by, cy) - 0.5));
    const maxY = Math.min(size - 1, Math.floor(Math.max(ay, by, cy) - 0.5));
    if (!(minY <= maxY)) continue;

    k = i0 * 3;
    const az = m8 * positions[k]! + m9 * positions[k + 1]! + m10 * positions[k + 2]! + m11;
    k = i1 * 3;
    let bz = m8 * positions[k]! + m9 * positions[k + 1]! + m10 * positions[k + 2]! + m11;
    k = i2 * 3;
    let cz = m8 * positions[k]! + m9 * positions[k + 1]! + m10 * positions[k + 2]! + m11;
    if (az - az !== 0 || bz - bz !== 0 || cz - cz !== 0) continue;

    let area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (!(area !== 0) || area - area !== 0) continue;
    if (area < 0) {
      // Either winding is drawn: swap two corners so the edge functions are positive inside.
      let swap = bx; bx = cx; cx = swap;
      swap = by; by = cy; cy = swap;
      swap = bz; bz = cz; cz = swap;
      area = -area;
    }

    // Flat shading from the face normal in pixel space (x right, y down, depth towards the viewer),
    // turned back into view space by flipping y; its sign is ignored so back faces are lit too.
    const ex = bx - ax, ey = by - ay, ez = bz - az, fx = cx - ax, fy = cy - ay, fz = cz - az;
    const nx = ey * fz - ez * fy, ny = ez * fx - ex * fz, nz = ex * fy - ey * fx;
    const light = Math.abs(nx * lx - ny * ly + nz * lz) / Math.sqrt(nx * nx + ny * ny + nz * nz);
    const s = Math.max(1, Math.min(255, Math.round((AMBIENT + DIFFUSE * light) * 255)));

    // Edge functions w0 (edge b→c), w1 (c→a), w2 (a→b), each positive on the inner side; a pixel
    // centre exactly on an edge is taken only when that edge points down, or right when horizontal.
    const e0x = cx - bx, e0y = cy - by, e1x = ax - cx, e1y = ay - cy, e2x = bx - ax, e2y = by - ay;
    const tie0 = e0y > 0 || (e0y === 0 && e0x > 0);
    const tie1 = e1y > 0 || (e1y === 0 && e1x > 0);
    const tie2 = e2y > 0 || (e2y === 0 && e2x > 0);
    const inv = 1 / area;
    for (let py = minY; py <= maxY; py++) {
      const qy = py + 0.5;
      const row = py * size;
      for (let px = minX; px <= maxX; px++) {
        const qx = px + 0.5;
        const w0 = e0x * (qy - by) - e0y * (qx - bx);
        if (w0 < 0 || (w0 === 0 && !tie0)) continue;
        const w1 = e1x * (qy - cy) - e1y * (qx - cx);
        if (w1 < 0 || (w1 === 0 && !tie1)) continue;
        const w2 = e2x * (qy - ay) - e2y * (qx - ax);
        if (w2 < 0 || (w2 === 0 && !tie2)) continue;
        const d = (w0 * az + w1 * bz + w2 * cz) * inv;
        const i = row + px;
        if (d > depth[i]!) {
          depth[i] = d;
          shade[i] = s;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Pixels and arguments

function background(size: number, views: number): RasterImage {
  const image = createRaster(size * views, size);
  const { data, width } = image;
  for (let i = 0; i < width * size; i++) {
    data[i * 4] = BACKGROUND[0];
    data[i * 4 + 1] = BACKGROUND[1];
    data[i * 4 + 2] = BACKGROUND[2];
    data[i * 4 + 3] = 255;
  }
  for (let v = 1; v < views; v++) for (let y = 0; y < size; y++) putPixel(image, v * size, y, SEPARATOR, 255);
  return image;
}

/**
 * Whether a drawn pixel lies on an outline: next to an empty pixel (the silhouette, one pixel inside
 * it), or where the depth bends or jumps (second difference across the pixel above the threshold), which
 * catches both steps between parts and sharp creases while flat or gently curved surfaces stay clean.
 * The view's own border is not an edge.
 */
function isEdge(depth: Float32Array, size: number, x: number, y: number): boolean {
  const i = y * size + x;
  const d = depth[i]!;
  const l = x > 0 ? depth[i - 1]! : d, r = x < size - 1 ? depth[i + 1]! : d;
  const u = y > 0 ? depth[i - size]! : d, w = y < size - 1 ? depth[i + size]! : d;
  if (l === -Infinity || r === -Infinity || u === -Infinity || w === -Infinity) return true;
  return Math.abs(l + r - 2 * d) > EDGE_DEPTH_CURVATURE || Math.abs(u + w - 2 * d) > EDGE_DEPTH_CURVATURE;
}

function putPixel(image: RasterImage, x: number, y: number, colour: Rgb, shade: number): void {
  const o = (y * image.width + x) * 4;
  const k = shade / 255;
  image.data[o] = Math.round(colour[0] * k);
  image.data[o + 1] = Math.round(colour[1] * k);
  image.data[o + 2] = Math.round(colour[2] * k);
  image.data[o + 3] = 255;
}

function checkSize(size: number): number {
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) {
    throw new StrataError('INVALID_ARGUMENT', `Render size must be a whole number of pixels from ${MIN_SIZE} to ${MAX_SIZE}, not ${size}.`);
  }
  return size;
}

function checkViews(views: ViewName[], size: number): ViewName[] {
  if (views.length === 0) throw new StrataError('INVALID_ARGUMENT', 'At least one view is needed to render a model.');
  if (size * size * views.length > MAX_PIXELS) {
    throw new StrataError('INVALID_ARGUMENT', `${views.length} views of ${size} x ${size} pixels is more than one render may hold (${MAX_PIXELS} pixels).`, {
      hint: 'Use a smaller size or fewer views.',
    });
  }
  for (const view of views) {
    if (!Object.hasOwn(BASES, view)) {
      throw new StrataError('INVALID_ARGUMENT', `Unknown view "${String(view)}".`, { hint: `Views: ${VIEW_NAMES.join(', ')}.` });
    }
  }
  return views;
}

function checkColour(colour: Rgb, name: string): Rgb {
  if (colour.length !== 3 || !colour.every((c) => Number.isFinite(c) && c >= 0 && c <= 255)) {
    throw new StrataError('INVALID_ARGUMENT', `The ${name} must be three numbers from 0 to 255 (red, green, blue).`);
  }
  return colour;
}

function checkFrame(frame: Box): Box {
  const ok = [0, 1, 2].every((i) => Number.isFinite(frame.min[i]) && Number.isFinite(frame.max[i]) && frame.min[i]! <= frame.max[i]!);
  if (!ok) throw new StrataError('INVALID_ARGUMENT', 'A render frame needs finite min and max corners with min <= max on every axis.');
  return frame;
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}
