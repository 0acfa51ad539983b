/**
 * A generated game-and-web project for the `refs` case, the same for the same seed and file count:
 * zones of exactly 100 files, each a Godot scene (`zone.tscn`, with a GDScript) that uses the zone's
 * OBJ props (each with its MTL and textures), glTF characters (each with its `.bin` and images),
 * StandardMaterial3D `.tres` materials (each with a texture) and WAV sounds, and a small web page
 * (HTML, CSS, SVG icons that embed PNGs, a script, a web font at the root); `project.godot` and
 * `scenes/main.tscn` tie the zones together, and design pages under `docs/` (HTML) fill the count up
 * exactly. One texture, `textures/shared/grain.png`, is used by every MTL, glTF and style sheet.
 *
 * Planted on purpose: six broken references (a texture an MTL names that is not there, a deleted
 * sound in a scene, an image an HTML page, a glTF, a style sheet and an SVG name that are missing)
 * and five orphans (assets nothing references). Every reference written is recorded as it is written,
 * so the expected answers (references, broken ones, orphans, who uses the shared texture,
 * transitively) come from the generator's own bookkeeping, not from strata.
 *
 * Files are small but real: PNGs are 32 x 32 RGBA written by pngjs, WAVs are 8 kHz PCM, OBJs have
 * geometry, glTFs are valid JSON with buffers, views, accessors, meshes, materials and textures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { PNG } from 'pngjs';
import { Prng } from './data.js';

/** Files per zone (the generator checks it). */
export const ZONE_FILES = 100;
/** The texture every MTL, glTF and style sheet uses: `--who-uses` asks about it. */
export const SHARED_TEXTURE = 'textures/shared/grain.png';

const PROPS = 8;
const CHARACTERS = 4;
const MATERIALS = 8;
const SOUNDS = 21;
const ICONS = 4;

/** A reference the generator wrote: from a file to a root-relative target (absent: outside the project). */
interface WrittenRef {
  from: string;
  to?: string;
}

/** What `strata creative refs` must find in the project. */
export interface RefsAnswers {
  files: number;
  /** References written, every kind (external and broken included). */
  references: number;
  /** References to URLs (outside the project). */
  external: number;
  /** The planted broken references, sorted by `from` then `to`. */
  broken: Array<{ from: string; to: string }>;
  /** The planted orphans, sorted. */
  orphans: string[];
  /** Every file that uses SHARED_TEXTURE, directly or through others, sorted. */
  sharedUsers: string[];
  /** Of those, the ones that name it themselves. */
  sharedDirectUsers: number;
  zones: number;
  bytes: number;
}

class ProjectWriter {
  readonly refs: WrittenRef[] = [];
  readonly files = new Set<string>();
  bytes = 0;

  constructor(
    readonly root: string,
    readonly prng: Prng,
  ) {}

  write(path: string, data: string | Buffer): void {
    if (this.files.has(path)) throw new Error(`the refs project writes ${path} twice`);
    const file = join(this.root, path);
    mkdirSync(join(file, '..'), { recursive: true });
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    writeFileSync(file, bytes);
    this.files.add(path);
    this.bytes += bytes.length;
  }

  /** Records a reference from `from` to `target` written relative to `from`'s folder; returns `target`. */
  rel(from: string, target: string): string {
    this.refs.push({ from, to: posix.normalize(posix.join(posix.dirname(from), target)) });
    return target;
  }

  /** Records a `res://` reference (the project root is the Godot root); returns it as written. */
  res(from: string, path: string): string {
    this.refs.push({ from, to: path });
    return `res://${path}`;
  }

  /** Records a reference to a URL; returns it. */
  url(from: string, url: string): string {
    this.refs.push({ from });
    return url;
  }

  png(path: string): void {
    const side = 32;
    const png = new PNG({ width: side, height: side });
    const data = png.data;
    const base = [this.prng.below(256), this.prng.below(256), this.prng.below(256)];
    for (let i = 0; i < side * side; i++) {
      const v = this.prng.next();
      data[i * 4] = ((base[0] as number) + (v & 31)) & 255;
      data[i * 4 + 1] = ((base[1] as number) + ((v >>> 5) & 31)) & 255;
      data[i * 4 + 2] = ((base[2] as number) + ((v >>> 10) & 31)) & 255;
      data[i * 4 + 3] = 255;
    }
    this.write(path, PNG.sync.write(png));
  }

  wav(path: string): void {
    const samples = 1500 + this.prng.below(1500);
    const rate = 8000;
    const data = Buffer.alloc(44 + samples * 2);
    data.write('RIFF', 0, 'latin1');
    data.writeUInt32LE(36 + samples * 2, 4);
    data.write('WAVEfmt ', 8, 'latin1');
    data.writeUInt32LE(16, 16);
    data.writeUInt16LE(1, 20); // PCM
    data.writeUInt16LE(1, 22); // mono
    data.writeUInt32LE(rate, 24);
    data.writeUInt32LE(rate * 2, 28);
    data.writeUInt16LE(2, 32);
    data.writeUInt16LE(16, 34);
    data.write('data', 36, 'latin1');
    data.writeUInt32LE(samples * 2, 40);
    const pitch = 200 + this.prng.below(600);
    for (let i = 0; i < samples; i++) {
      const decay = 1 - i / samples;
      data.writeInt16LE(Math.round(12000 * decay * Math.sin((2 * Math.PI * pitch * i) / rate) + (this.prng.below(401) - 200)), 44 + i * 2);
    }
    this.write(path, data);
  }

  /** An OBJ box-ish prop with seeded vertices, using `mtl` (written relative to it). */
  obj(path: string, mtl: string, materials: string[]): void {
    const lines = [`# prop exported by the benchmark`, `mtllib ${this.rel(path, mtl)}`, `o ${posix.basename(path, '.obj')}`];
    const n = 24 + this.prng.below(24);
    for (let i = 0; i < n; i++) lines.push(`v ${(this.prng.unit() * 2 - 1).toFixed(4)} ${(this.prng.unit() * 2).toFixed(4)} ${(this.prng.unit() * 2 - 1).toFixed(4)}`);
    for (let i = 0; i < n; i++) lines.push(`vt ${this.prng.unit().toFixed(4)} ${this.prng.unit().toFixed(4)}`);
    materials.forEach((m, k) => {
      lines.push(`usemtl ${m}`);
      for (let i = k; i + 2 < n; i += materials.length + 1) lines.push(`f ${i + 1}/${i + 1} ${i + 2}/${i + 2} ${i + 3}/${i + 3}`);
    });
    this.write(path, `${lines.join('\n')}\n`);
  }

  /** A glTF with one buffer (written beside it) and the given images (relative targets). */
  gltf(path: string, bin: string, images: string[]): void {
    const vertices = 12 + this.prng.below(12);
    const buffer = Buffer.alloc(vertices * 12);
    for (let i = 0; i < vertices * 3; i++) buffer.writeFloatLE(this.prng.unit() * 2 - 1, i * 4);
    this.write(posix.join(posix.dirname(path), bin), buffer);
    const doc = {
      asset: { version: '2.0', generator: 'strata creative benchmark' },
      scene: 0,
      scenes: [{ nodes: [0] }],
      nodes: [{ name: posix.basename(path, '.gltf'), mesh: 0 }],
      meshes: [{ primitives: [{ attributes: { POSITION: 0 }, material: 0 }] }],
      materials: [{ name: 'body', pbrMetallicRoughness: { baseColorTexture: { index: 0 } }, ...(images.length > 1 ? { occlusionTexture: { index: 1 } } : {}) }],
      textures: images.map((_, i) => ({ source: i })),
      images: images.map((uri) => ({ uri: this.rel(path, uri) })),
      accessors: [{ bufferView: 0, componentType: 5126, count: vertices, type: 'VEC3', min: [-1, -1, -1], max: [1, 1, 1] }],
      bufferViews: [{ buffer: 0, byteLength: buffer.length }],
      buffers: [{ uri: this.rel(path, bin), byteLength: buffer.length }],
    };
    this.write(path, `${JSON.stringify(doc, null, 2)}\n`);
  }
}

/** Godot ext_resource ids as Godot 4 writes them (`1_ab3xk`). */
function resourceId(prng: Prng, n: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = `${n}_`;
  for (let i = 0; i < 5; i++) s += letters[prng.below(letters.length)];
  return s;
}

interface ZonePlants {
  /** An MTL names a specular map that is not there. */
  mtl?: boolean;
  /** The scene names a deleted ambience sound. */
  scene?: boolean;
  /** The page shows a logo that is not there. */
  html?: boolean;
  /** A glTF names an emissive map that is not there. */
  gltf?: boolean;
  /** The style sheet names a paper texture that is not there. */
  css?: boolean;
  /** An SVG icon embeds a second image that is not there. */
  svg?: boolean;
}

const pad = (n: number, width = 3): string => String(n).padStart(width, '0');

function writeZone(w: ProjectWriter, zone: string, plants: ZonePlants): void {
  const before = w.files.size;
  const { prng } = w;
  const scene = `${zone}/zone.tscn`;
  const script = `${zone}/zone.gd`;
  const up = (from: string): string => '../'.repeat(from.split('/').length - 1);

  // Props: OBJ + MTL + albedo and normal maps; the detail material uses the shared grain.
  const props: string[] = [];
  for (let i = 0; i < PROPS; i++) {
    const obj = `${zone}/models/prop-${i}.obj`;
    const mtl = `${zone}/models/prop-${i}.mtl`;
    w.obj(obj, `prop-${i}.mtl`, ['body', 'detail']);
    const lines = [
      `# material of prop-${i}`,
      'newmtl body',
      `Kd ${prng.unit().toFixed(3)} ${prng.unit().toFixed(3)} ${prng.unit().toFixed(3)}`,
      `map_Kd ${w.rel(mtl, `../textures/prop-${i}-albedo.png`)}`,
      `map_Bump -bm 0.8 ${w.rel(mtl, `../textures/prop-${i}-normal.png`)}`,
      'newmtl detail',
      `map_Kd -s 4 4 1 ${w.rel(mtl, `${up(mtl)}${SHARED_TEXTURE}`)}`,
    ];
    if (plants.mtl && i === 3) lines.splice(5, 0, `map_Ks ${w.rel(mtl, `../textures/prop-${i}-spec.png`)}`);
    w.write(mtl, `${lines.join('\n')}\n`);
    w.png(`${zone}/textures/prop-${i}-albedo.png`);
    w.png(`${zone}/textures/prop-${i}-normal.png`);
    props.push(obj);
  }

  // Characters: glTF + .bin + base colour and occlusion maps + the shared grain.
  const characters: string[] = [];
  for (let i = 0; i < CHARACTERS; i++) {
    const gltf = `${zone}/models/char-${i}.gltf`;
    const images = [`../textures/char-${i}-base.png`, `../textures/char-${i}-ao.png`, `${up(gltf)}${SHARED_TEXTURE}`];
    if (plants.gltf && i === 1) images.push(`../textures/char-${i}-emissive.png`);
    w.gltf(gltf, `char-${i}.bin`, images);
    w.png(`${zone}/textures/char-${i}-base.png`);
    w.png(`${zone}/textures/char-${i}-ao.png`);
    characters.push(gltf);
  }

  // Materials: StandardMaterial3D resources, each with its texture.
  const materials: string[] = [];
  for (let i = 0; i < MATERIALS; i++) {
    const tres = `${zone}/materials/mat-${i}.tres`;
    const texture = `${zone}/textures/mat-${i}.png`;
    const id = resourceId(prng, 1);
    w.write(
      tres,
      `[gd_resource type="StandardMaterial3D" load_steps=2 format=3]\n\n[ext_resource type="Texture2D" path="${w.res(tres, texture)}" id="${id}"]\n\n[resource]\nalbedo_texture = ExtResource("${id}")\nroughness = ${prng.unit().toFixed(3)}\n`,
    );
    w.png(texture);
    materials.push(tres);
  }

  const sounds: string[] = [];
  for (let i = 0; i < SOUNDS; i++) {
    const wav = `${zone}/audio/sfx-${pad(i, 2)}.wav`;
    w.wav(wav);
    sounds.push(wav);
  }

  // The scene: its script, every prop, character, material and sound.
  const ext: string[] = [];
  let n = 1;
  const add = (type: string, path: string): string => {
    const id = resourceId(prng, n++);
    ext.push(`[ext_resource type="${type}" path="${w.res(scene, path)}" id="${id}"]`);
    return id;
  };
  const body: string[] = [`[node name="Zone" type="Node3D"]`, `script = ExtResource("${add('Script', script)}")`];
  props.forEach((p, i) => body.push('', `[node name="Prop${i}" type="MeshInstance3D" parent="."]`, `mesh = ExtResource("${add('ArrayMesh', p)}")`, `material_override = ExtResource("${add('Material', materials[i % MATERIALS] as string)}")`));
  characters.forEach((c, i) => body.push('', `[node name="Character${i}" parent="." instance=ExtResource("${add('PackedScene', c)}")]`));
  sounds.forEach((s, i) => body.push('', `[node name="Sound${i}" type="AudioStreamPlayer3D" parent="."]`, `stream = ExtResource("${add('AudioStream', s)}")`));
  if (plants.scene) body.push('', '[node name="Ambience" type="AudioStreamPlayer" parent="."]', `stream = ExtResource("${add('AudioStream', `${zone}/audio/ambience-old.wav`)}")`);
  w.write(scene, `[gd_scene load_steps=${ext.length + 1} format=3]\n\n${ext.join('\n')}\n\n${body.join('\n')}\n`);
  w.write(script, `extends Node3D\n\nconst HIT = preload("${w.res(script, sounds[0] as string)}")\n\nfunc _ready() -> void:\n\tprint("zone ready")\n`);

  // The zone's page: style sheet, external font CSS, icons, screenshot, script.
  const html = `${zone}/web/index.html`;
  const css = `${zone}/web/style.css`;
  const page = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${zone}</title>`,
    `<link rel="stylesheet" href="${w.rel(html, 'style.css')}">`,
    `<link rel="stylesheet" href="${w.url(html, 'https://fonts.example.com/css2?family=Inter')}">`,
    '</head>',
    '<body>',
    `<img class="shot" src="${w.rel(html, 'img/screenshot.png')}" alt="screenshot">`,
    '<nav>',
    ...Array.from({ length: ICONS }, (_, i) => `  <img src="${w.rel(html, `icons/icon-${i}.svg`)}" width="24" height="24" alt="">`),
    '</nav>',
    ...(plants.html ? [`<img src="${w.rel(html, 'img/logo-old.png')}" alt="logo">`] : []),
    `<script src="${w.rel(html, 'app.js')}"></script>`,
    '</body>',
    '</html>',
  ];
  w.write(html, `${page.join('\n')}\n`);
  const style = [
    `@font-face { font-family: "UI"; src: url("${w.rel(css, `${up(css)}fonts/ui.ttf`)}") format("truetype"); }`,
    `body { font-family: "UI", sans-serif; background: #202020 url("${w.rel(css, 'img/bg.png')}") repeat; }`,
    `.shot { background-image: url('${w.rel(css, `${up(css)}${SHARED_TEXTURE}`)}'); }`,
    ...(plants.css ? [`.paper { background: url(${w.rel(css, 'img/paper.jpg')}); }`] : []),
  ];
  w.write(css, `${style.join('\n')}\n`);
  w.write(`${zone}/web/app.js`, `document.querySelectorAll('nav img').forEach((img) => img.addEventListener('click', () => img.classList.toggle('on')));\n`);
  w.png(`${zone}/web/img/screenshot.png`);
  w.png(`${zone}/web/img/bg.png`);
  for (let i = 0; i < ICONS; i++) {
    const svg = `${zone}/web/icons/icon-${i}.svg`;
    const extra = plants.svg && i === 2 ? `\n  <image href="${w.rel(svg, `../img/icon-${i}-badge.png`)}" x="16" y="0" width="8" height="8"/>` : '';
    w.write(
      svg,
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="24" height="24" viewBox="0 0 24 24">\n  <rect x="1" y="1" width="22" height="22" rx="4" fill="#${prng.below(0x1000000).toString(16).padStart(6, "0")}"/>\n  <image xlink:href="${w.rel(svg, `../img/icon-${i}.png`)}" x="4" y="4" width="16" height="16"/>${extra}\n</svg>\n`,
    );
    w.png(`${zone}/web/img/icon-${i}.png`);
  }
  const made = w.files.size - before;
  if (made !== ZONE_FILES) throw new Error(`a zone of the refs project has ${made} files, expected ${ZONE_FILES}`);
}

/** The files that use `asset`, directly or through others (from the written references). */
function usersOf(refs: readonly WrittenRef[], asset: string): { all: string[]; direct: number } {
  const incoming = new Map<string, Set<string>>();
  for (const r of refs) {
    if (r.to === undefined || r.to === r.from) continue;
    let set = incoming.get(r.to);
    if (!set) incoming.set(r.to, (set = new Set()));
    set.add(r.from);
  }
  const seen = new Set<string>([asset]);
  let frontier = [asset];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const p of frontier) for (const u of incoming.get(p) ?? []) if (!seen.has(u)) (seen.add(u), next.push(u));
    frontier = next;
  }
  seen.delete(asset);
  return { all: [...seen].sort(), direct: incoming.get(asset)?.size ?? 0 };
}

const ORPHAN_EXTENSIONS = /\.(png|wav|obj|mtl|gltf|svg|tres|ttf)$/;

/**
 * Writes the project (exactly `files` files, at least 200) under `root`; returns what refs must find.
 * Deterministic: the same seed and count write the same bytes.
 */
export function writeRefsProject(root: string, files: number, seed: number): RefsAnswers {
  const w = new ProjectWriter(root, new Prng(seed));
  // Root files: the Godot project, the main scene, shared assets, and the planted orphans (11, with
  // the zones' one planted orphan), then the zones, then design pages up to the count.
  const reserved = 20;
  const zones = Math.floor((files - reserved) / ZONE_FILES);
  if (zones < 2) throw new Error(`the refs project needs at least ${2 * ZONE_FILES + reserved} files`);
  const zoneNames = Array.from({ length: zones }, (_, i) => `zones/zone-${pad(i)}`);
  const at = (fraction: number): number => Math.min(zones - 1, Math.floor(zones * fraction));
  const plants: Array<[keyof ZonePlants, number]> = [
    ['mtl', at(0.1)],
    ['scene', at(0.25)],
    ['html', at(0.4)],
    ['gltf', at(0.55)],
    ['css', at(0.7)],
    ['svg', at(0.85)],
  ];
  zoneNames.forEach((zone, i) => {
    const p: ZonePlants = {};
    for (const [kind, zi] of plants) if (zi === i) p[kind] = true;
    writeZone(w, zone, p);
  });

  w.write('project.godot', `; Engine configuration file.\nconfig_version=5\n\n[application]\n\nconfig/name="Strata Bench"\nrun/main_scene="${w.res('project.godot', 'scenes/main.tscn')}"\nconfig/icon="${w.res('project.godot', 'icon.svg')}"\n`);
  w.write('icon.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128"><circle cx="64" cy="64" r="60" fill="#478cbf"/></svg>\n');
  const main = 'scenes/main.tscn';
  const ext = zoneNames.map((z, i) => `[ext_resource type="PackedScene" path="${w.res(main, `${z}/zone.tscn`)}" id="${i + 1}_z${pad(i)}"]`);
  const nodes = zoneNames.map((_, i) => `[node name="Zone${i}" parent="." instance=ExtResource("${i + 1}_z${pad(i)}")]`);
  w.write(main, `[gd_scene load_steps=${zones + 1} format=3]\n\n${ext.join('\n')}\n\n[node name="Main" type="Node3D"]\n\n${nodes.join('\n\n')}\n`);
  w.png(SHARED_TEXTURE);
  const ttf = Buffer.alloc(4096);
  ttf.writeUInt32BE(0x00010000, 0);
  for (let i = 4; i < ttf.length; i++) ttf[i] = w.prng.below(256);
  w.write('fonts/ui.ttf', ttf);

  // Orphans: nothing references these.
  const orphans = ['textures/unused/concept-1.png', 'textures/unused/concept-2.png', 'audio/unused/take-3.wav', 'models/prototype/rock.obj', `${zoneNames[at(0.5)] as string}/textures/prop-9-old.png`];
  w.png(orphans[0] as string);
  w.png(orphans[1] as string);
  w.wav(orphans[2] as string);
  w.obj(orphans[3] as string, 'rock.mtl', ['rock']);
  w.write('models/prototype/rock.mtl', `newmtl rock\nmap_Kd ${w.rel('models/prototype/rock.mtl', `../../${SHARED_TEXTURE}`)}\n`);
  w.png(orphans[4] as string);

  // Design pages, up to the count: each shows a zone's screenshot over the shared grain.
  for (let i = 0; w.files.size < files; i++) {
    const page = `docs/design-${pad(i)}.html`;
    const zone = zoneNames[i % zones] as string;
    w.write(page, `<!doctype html>\n<title>Design notes ${i}</title>\n<body style="background: url('${w.rel(page, `../${SHARED_TEXTURE}`)}')">\n<h1>${zone}</h1>\n<img src="${w.rel(page, `../${zone}/web/img/screenshot.png`)}" alt="">\n</body>\n`);
  }
  if (w.files.size !== files) throw new Error(`the refs project has ${w.files.size} files, expected ${files}`);

  // The answers, from the references written.
  const broken = w.refs
    .filter((r): r is { from: string; to: string } => r.to !== undefined && !w.files.has(r.to))
    .map((r) => ({ from: r.from, to: r.to }))
    .sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1));
  if (broken.length !== plants.length) throw new Error(`the refs project has ${broken.length} broken references, ${plants.length} were planted`);
  const referenced = new Set(w.refs.filter((r) => r.to !== undefined && r.to !== r.from).map((r) => r.to as string));
  const unreferenced = [...w.files].filter((f) => ORPHAN_EXTENSIONS.test(f) && !referenced.has(f)).sort();
  if (JSON.stringify(unreferenced) !== JSON.stringify([...orphans].sort())) throw new Error(`the refs project's orphans are ${unreferenced.join(', ')}, not the planted ones`);
  const shared = usersOf(w.refs, SHARED_TEXTURE);
  return {
    files: w.files.size,
    references: w.refs.length,
    external: w.refs.filter((r) => r.to === undefined).length,
    broken,
    orphans: unreferenced,
    sharedUsers: shared.all,
    sharedDirectUsers: shared.direct,
    zones,
    bytes: w.bytes,
  };
}
