/**
 * The reference graph (broken references, orphans, who-uses and dependencies, transitive and
 * cycle-safe, cycles), the rewriting a move plans (bytes kept, styles kept, GLB lengths, Godot side-cars)
 * and the history of an asset's references over versions.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../personas/creative/refs/build.js';
import { extractFile } from '../../../personas/creative/refs/extract.js';
import { RefIndex, analyzeGraph, dependencies, isAssetPath, whoUses, type RefGraph } from '../../../personas/creative/refs/graph.js';
import { refHistory, trackAsset } from '../../../personas/creative/refs/history.js';
import { applyEdits, planMove } from '../../../personas/creative/refs/rewrite.js';
import type { FileExtraction } from '../../../personas/creative/refs/reference.js';

/** A project from file contents (binary assets as empty buffers), ids = content for history tests. */
function project(files: Record<string, string | Buffer>, ids?: Record<string, string>): { graph: RefGraph; contents: Map<string, Buffer> } {
  const extractions = new Map<string, FileExtraction>();
  const contents = new Map<string, Buffer>();
  for (const [path, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    contents.set(path, data);
    const e = extractFile(path, data);
    if (e.format !== 'none') extractions.set(path, e);
  }
  const graph = buildGraph({ files: Object.keys(files).map((path) => ({ path, ...(ids?.[path] ? { id: ids[path] } : {}) })), extractions });
  return { graph, contents };
}

const base = {
  'models/ship.obj': 'mtllib ship.mtl\nv 0 0 0\n',
  'models/ship.mtl': 'newmtl hull\nmap_Kd ../tex/hull.png\nmap_Bump ../tex/gone.png\n',
  'tex/hull.png': '',
  'tex/unused.png': '',
  'levels/one.html': '<img src="../models/preview.svg">',
  'models/preview.svg': '<svg><image href="../tex/hull.png"/><use href="parts.svg#a"/></svg>',
  'models/parts.svg': '<svg><use href="preview.svg#b"/></svg>',
  'README.md': 'not read',
};

describe('the graph', () => {
  it('finds broken references and orphans (assets only)', () => {
    const a = analyzeGraph(project(base).graph);
    expect(a.files).toBe(8);
    expect(a.read).toBe(5);
    expect(a.broken.map((e) => [e.from, e.to, e.line])).toEqual([['models/ship.mtl', 'tex/gone.png', 3]]);
    // ship.obj is a model nobody references; README.md and the HTML page are not assets.
    expect(a.orphans).toEqual(['models/ship.obj', 'tex/unused.png']);
    expect(isAssetPath('levels/one.html')).toBe(false);
  });

  it('tells who uses an asset, transitively, and what a file depends on', () => {
    const { graph } = project(base);
    expect(whoUses(graph, 'tex/hull.png')).toEqual([
      { path: 'models/preview.svg', depth: 1 },
      { path: 'models/ship.mtl', depth: 1 },
      { path: 'levels/one.html', depth: 2, via: 'models/preview.svg' },
      { path: 'models/parts.svg', depth: 2, via: 'models/preview.svg' },
      { path: 'models/ship.obj', depth: 2, via: 'models/ship.mtl' },
    ]);
    expect(dependencies(graph, 'models/ship.obj')).toEqual([
      { path: 'models/ship.mtl', depth: 1 },
      { path: 'tex/gone.png', depth: 2, via: 'models/ship.mtl', missing: true },
      { path: 'tex/hull.png', depth: 2, via: 'models/ship.mtl' },
    ]);
  });

  it('reports a reference cycle and never loops on it', () => {
    const { graph } = project({ ...base, 'self.css': '@import "self.css";' });
    const a = analyzeGraph(graph);
    expect(a.cycles).toEqual([['models/parts.svg', 'models/preview.svg'], ['self.css']]);
    // Walking through the cycle ends: parts and preview each reach the other once.
    expect(dependencies(graph, 'models/parts.svg').map((d) => d.path)).toEqual(['models/preview.svg', 'models/parts.svg', 'tex/hull.png']);
    expect(whoUses(graph, 'models/parts.svg').map((d) => d.path)).toEqual(['models/preview.svg', 'levels/one.html', 'models/parts.svg']);
  });

  it('does not count a side-car pointing back as a use', () => {
    const { graph } = project({ 'project.godot': '', 'icon.png': '', 'icon.png.import': '[remap]\nuid="uid://abc"\n\n[deps]\nsource_file="res://icon.png"\n' });
    expect(new RefIndex(graph).analyze().orphans).toEqual(['icon.png']);
  });
});

describe('planning a move', () => {
  it('rewrites every reference in its own style and keeps every other byte', () => {
    const files = {
      'a/model.obj': 'mtllib mat.mtl\r\n# comment\r\n',
      'a/mat.mtl': 'newmtl m\r\nmap_Kd -s 2 2 2 .\\tex\\wood.png\r\nmap_Ks ./tex/wood.png\r\n',
      'a/tex/wood.png': '',
      'web/page.html': '<img src="../a/tex/wood.png?v=2" alt="wood &amp; more">',
      'web/style.css': 'div { background: url("../a/tex/wood.png") }',
      'a/model.gltf': '{"images":[{"uri":"tex/wood.png"}]}',
    };
    const { graph, contents } = project(files);
    const plan = planMove(graph, contents, 'a/tex/wood.png', 'shared/textures/oak & ash.png');
    const after = new Map(plan.rewrites.map((r) => [r.path, applyEdits(contents.get(r.path) as Buffer, r.edits).toString()]));
    expect(after.get('a/mat.mtl')).toBe('newmtl m\r\nmap_Kd -s 2 2 2 ..\\shared\\textures\\oak & ash.png\r\nmap_Ks ../shared/textures/oak & ash.png\r\n');
    expect(after.get('web/page.html')).toBe('<img src="../shared/textures/oak &amp; ash.png?v=2" alt="wood &amp; more">');
    expect(after.get('web/style.css')).toBe('div { background: url("../shared/textures/oak\\ \\&\\ ash.png") }'.replace('\\&', '&'));
    expect(after.get('a/model.gltf')).toBe('{"images":[{"uri":"../shared/textures/oak & ash.png"}]}');
    expect(after.has('a/model.obj')).toBe(false);
  });

  it("recomputes the moved file's own relative references", () => {
    const { graph, contents } = project({ 'a/model.obj': 'mtllib mat.mtl\n', 'a/mat.mtl': 'map_Kd t.png\n', 'a/t.png': '' });
    const plan = planMove(graph, contents, 'a/model.obj', 'b/c/model.obj');
    expect(plan.rewrites.map((r) => [r.path, r.newPath, r.edits.map((e) => e.after)])).toEqual([['a/model.obj', 'b/c/model.obj', ['../../a/mat.mtl']]]);
  });

  it('moves Godot side-cars and rewrites res:// paths; Unity GUIDs need nothing', () => {
    const { graph, contents } = project({
      'game/project.godot': 'config/icon="res://art/icon.png"\n',
      'game/art/icon.png': '',
      'game/art/icon.png.import': '[remap]\nuid="uid://abc"\n\n[deps]\nsource_file="res://art/icon.png"\n',
      'game/main.tscn': '[gd_scene format=2]\n[ext_resource path="res://art/icon.png" type="Texture" id=1]\n',
      'Assets/t.png': '',
      'Assets/t.png.meta': 'guid: 0123456789abcdef0123456789abcdef\n',
      'Assets/m.mat': '%YAML 1.1\nm: {fileID: 2800000, guid: 0123456789abcdef0123456789abcdef, type: 3}\n',
    });
    const plan = planMove(graph, contents, 'game/art/icon.png', 'game/ui/icon.png');
    expect(plan.sidecars).toEqual([{ from: 'game/art/icon.png.import', to: 'game/ui/icon.png.import' }]);
    expect(plan.rewrites.map((r) => [r.path, r.edits.map((e) => e.after)])).toEqual([
      ['game/art/icon.png.import', ['res://ui/icon.png']],
      ['game/main.tscn', ['res://ui/icon.png']],
      ['game/project.godot', ['res://ui/icon.png']],
    ]);
    const unity = planMove(graph, contents, 'Assets/t.png', 'Assets/Textures/t.png');
    expect(unity.sidecars).toEqual([{ from: 'Assets/t.png.meta', to: 'Assets/Textures/t.png.meta' }]);
    expect(unity.rewrites).toEqual([]);
  });

  it("rewrites a GLB's JSON chunk and its lengths, keeping the binary chunk", () => {
    const json = Buffer.from('{"images":[{"uri":"a.png"}]}');
    const bin = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const glb = Buffer.alloc(20 + json.length + 8 + bin.length);
    glb.writeUInt32LE(0x46546c67, 0);
    glb.writeUInt32LE(2, 4);
    glb.writeUInt32LE(glb.length, 8);
    glb.writeUInt32LE(json.length, 12);
    glb.writeUInt32LE(0x4e4f534a, 16);
    json.copy(glb, 20);
    glb.writeUInt32LE(bin.length, 20 + json.length);
    glb.writeUInt32LE(0x004e4942, 24 + json.length);
    bin.copy(glb, 28 + json.length);
    const { graph, contents } = project({ 'm.glb': glb, 'a.png': '' });
    const plan = planMove(graph, contents, 'a.png', 'textures/albedo.png');
    const out = applyEdits(glb, (plan.rewrites[0] as unknown as { edits: never[] }).edits);
    const jsonLength = out.readUInt32LE(12);
    expect(jsonLength % 4).toBe(0);
    expect(out.readUInt32LE(8)).toBe(out.length);
    expect(JSON.parse(out.toString('utf8', 20, 20 + jsonLength))).toEqual({ images: [{ uri: 'textures/albedo.png' }] });
    expect(out.subarray(20 + jsonLength)).toEqual(glb.subarray(20 + json.length));
  });
});

describe('history', () => {
  const v = (version: string, files: Record<string, string>) => ({ version, time: Number(version.slice(1)), name: version, graph: project(files, Object.fromEntries(Object.entries(files).map(([p, c]) => [p, `id:${c || p}`]))).graph });

  it('follows a reference that appears, breaks when its target is renamed, and is fixed', () => {
    const versions = [
      v('v1', { 'tex.png': 'PIXELS', 'other.png': 'X' }),
      v('v2', { 'tex.png': 'PIXELS', 'm.mtl': 'map_Kd tex.png\n' }),
      v('v3', { 'tex2.png': 'PIXELS', 'm.mtl': 'map_Kd tex.png\n' }),
      v('v4', { 'tex2.png': 'PIXELS', 'm.mtl': 'map_Kd tex2.png\n' }),
      v('v5', { 'tex2.png': 'PIXELS', 'm.mtl': 'newmtl x\n' }),
    ];
    expect(trackAsset(versions, 'tex.png')).toEqual(['tex.png', 'tex.png', 'tex2.png', 'tex2.png', 'tex2.png']);
    const h = refHistory(versions, 'tex2.png');
    expect(h.map((p) => p.events.map((e) => `${e.change} ${e.from}${e.target ? ` ${e.previousTarget ? `${e.previousTarget}->` : ''}${e.target}` : ''}${e.to && e.direction === 'asset' ? `->${e.to}` : ''}`))).toEqual([
      ['asset-added tex.png'],
      ['appeared m.mtl tex.png'],
      ['asset-moved tex.png->tex2.png', 'broke m.mtl tex.png'],
      ['fixed m.mtl tex.png->tex2.png'],
      ['removed m.mtl tex2.png'],
    ]);
  });
});
