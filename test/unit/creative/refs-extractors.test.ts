/**
 * The reference extractors on real files (assimp's OBJ/MTL and glTF, openclipart's SVGs) and on files
 * written here in each program's own syntax (Godot 3 and 4, Unity, HTML, CSS, SVG with fonts and
 * `<use>`): targets as written, resolved paths, lines, and spans that point at the written bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createResolveContext, type ResolveContext } from '../../../personas/creative/refs/resolve.js';
import { objReferences, scanObj } from '../../../personas/creative/refs/obj.js';
import { mtlReferences } from '../../../personas/creative/refs/mtl.js';
import { glbReferences, gltfReferences } from '../../../personas/creative/refs/gltf.js';
import { svgReferences } from '../../../personas/creative/refs/svg.js';
import { htmlReferences, srcsetUrls } from '../../../personas/creative/refs/html.js';
import { cssReferences } from '../../../personas/creative/refs/css.js';
import { godotReferences, scanGdscript, scanGodotImport, scanGodotProject, scanGodotUid } from '../../../personas/creative/refs/godot.js';
import { scanUnityMeta, unityReferences } from '../../../personas/creative/refs/unity.js';
import { extractFile, extractorFor } from '../../../personas/creative/refs/extract.js';
import type { Reference } from '../../../personas/creative/refs/reference.js';

const FIX = join(import.meta.dirname, '../../fixtures/creative/refs');
const fixture = (p: string): Buffer => readFileSync(join(FIX, p));

/** The written bytes each reference's span covers. */
function spanned(data: Buffer, refs: Reference[]): string[] {
  return refs.map((r) => (r.span ? data.toString('utf8', r.span[0], r.span[1]) : '<none>'));
}

function ctxOf(files: string[], extra: Array<{ path: string; data: string }> = []): ResolveContext {
  const declares = extra.flatMap((f) => extractFile(f.path, Buffer.from(f.data)).declares);
  return createResolveContext([...files, ...extra.map((f) => f.path)], declares);
}

describe('OBJ and MTL (assimp-testmodels spider)', () => {
  // The listing of /usr/share/assimp/models/OBJ/ for the files the spider uses.
  const listing = ['OBJ/spider.obj', 'OBJ/spider.mtl', 'OBJ/SpiderTex.jpg', 'OBJ/drkwood2.jpg', 'OBJ/engineflare1.jpg', 'OBJ/wal67ar_small.jpg', 'OBJ/wal69ar_small.jpg'];
  const ctx = createResolveContext(listing, []);

  it('finds the mtllib of a real OBJ', () => {
    const data = fixture('assimp-obj/spider.obj');
    const refs = objReferences('OBJ/spider.obj', data, ctx);
    expect(refs.map((r) => [r.target, r.resolved, r.kind])).toEqual([['spider.mtl', 'OBJ/spider.mtl', 'mtllib']]);
    expect(spanned(data, refs)).toEqual(['spider.mtl']);
    expect(data.toString('latin1').split('\n')[(refs[0]?.line as number) - 1]).toContain('mtllib spider.mtl');
  });

  it('reads every map_Kd with Windows separators', () => {
    const data = fixture('assimp-obj/spider.mtl');
    const refs = mtlReferences('OBJ/spider.mtl', data, ctx);
    expect(refs.map((r) => r.target)).toEqual(['.\\wal67ar_small.jpg', '.\\wal69ar_small.jpg', '.\\SpiderTex.jpg', '.\\drkwood2.jpg', '.\\engineflare1.jpg']);
    expect(refs.map((r) => r.resolved)).toEqual(['OBJ/wal67ar_small.jpg', 'OBJ/wal69ar_small.jpg', 'OBJ/SpiderTex.jpg', 'OBJ/drkwood2.jpg', 'OBJ/engineflare1.jpg']);
    expect(refs.map((r) => r.line)).toEqual([10, 17, 24, 31, 38]);
    expect(refs.every((r) => r.kind === 'map_Kd')).toBe(true);
  });

  it('skips texture options and keeps names with spaces', () => {
    const mtl = Buffer.from('newmtl a\nmap_Kd -s 1 1 1 -o 0.5 -bm 0.2 tex/wood grain.png\r\nbump -imfchan l ..\\n.png\ndisp d.png\ndecal -clamp on dc.png\nrefl -type sphere sky.jpg\nmap_Ka\nKd 1 1 1\n');
    const refs = mtlReferences('m/a.mtl', mtl);
    expect(refs.map((r) => [r.kind, r.target, r.resolved])).toEqual([
      ['map_Kd', 'tex/wood grain.png', 'm/tex/wood grain.png'],
      ['bump', '..\\n.png', 'n.png'],
      ['disp', 'd.png', 'm/d.png'],
      ['decal', 'dc.png', 'm/dc.png'],
      ['refl', 'sky.jpg', 'm/sky.jpg'],
    ]);
    expect(spanned(mtl, refs)[0]).toBe('tex/wood grain.png');
  });

  it('reads several libraries on one mtllib line, or one name with spaces', () => {
    expect(scanObj(Buffer.from('mtllib a.mtl b.mtl\n')).map((r) => r.target)).toEqual(['a.mtl', 'b.mtl']);
    expect(scanObj(Buffer.from('mtllib my materials.mtl\n')).map((r) => r.target)).toEqual(['my materials.mtl']);
  });
});

describe('glTF and GLB', () => {
  it('finds the buffer and the image of a real glTF (assimp BoxTextured)', () => {
    const data = fixture('assimp-gltf/BoxTextured.gltf');
    const ctx = createResolveContext(['box/BoxTextured.gltf', 'box/BoxTextured0.bin', 'box/CesiumLogoFlat.png'], []);
    const refs = gltfReferences('box/BoxTextured.gltf', data, ctx);
    expect(refs.map((r) => [r.kind, r.target, r.resolved, r.line])).toEqual([
      ['gltf-image', 'CesiumLogoFlat.png', 'box/CesiumLogoFlat.png', 142],
      ['gltf-buffer', 'BoxTextured0.bin', 'box/BoxTextured0.bin', 178],
    ]);
    expect(spanned(data, refs)).toEqual(['CesiumLogoFlat.png', 'BoxTextured0.bin']);
  });

  it('leaves data: URIs out and decodes escapes', () => {
    const doc = '{"asset":{"version":"2.0"},"buffers":[{"uri":"data:application/octet-stream;base64,AAAA","byteLength":3}],"images":[{"uri":"tex\\/my%20skin.png"}]}';
    const refs = gltfReferences('m.gltf', Buffer.from(doc));
    expect(refs.map((r) => [r.kind, r.target, r.resolved])).toEqual([['gltf-image', 'tex/my%20skin.png', 'tex/my skin.png']]);
  });

  it("reads a GLB's JSON chunk, not its binary chunk", () => {
    const json = Buffer.from('{"asset":{"version":"2.0"},"images":[{"uri":"albedo.png"}]}  ');
    const bin = Buffer.from('"uri":"fake.png"');
    const glb = Buffer.alloc(12 + 8 + json.length + 8 + bin.length);
    glb.writeUInt32LE(0x46546c67, 0);
    glb.writeUInt32LE(2, 4);
    glb.writeUInt32LE(glb.length, 8);
    glb.writeUInt32LE(json.length, 12);
    glb.writeUInt32LE(0x4e4f534a, 16);
    json.copy(glb, 20);
    glb.writeUInt32LE(bin.length, 20 + json.length);
    glb.writeUInt32LE(0x004e4942, 24 + json.length);
    bin.copy(glb, 28 + json.length);
    const refs = glbReferences('m/x.glb', glb);
    expect(refs.map((r) => [r.kind, r.resolved])).toEqual([['gltf-image', 'm/albedo.png']]);
    expect(spanned(glb, refs)).toEqual(['albedo.png']);
  });
});

describe('SVG', () => {
  it('finds the image of a real Inkscape drawing (openclipart duck)', () => {
    const data = fixture('openclipart/duck_yellow_ii_kurt_cagl_.svg');
    const refs = svgReferences('clip/duck.svg', data);
    expect(refs.map((r) => [r.kind, r.target, r.resolved, r.line])).toEqual([['svg-image', 'Duck1.png', 'clip/Duck1.png', 46]]);
  });

  it('skips #id links among many gradients (openclipart cormorant)', () => {
    const data = fixture('openclipart/cormorant-md.svg');
    const refs = svgReferences('cormorant-md.svg', data);
    expect(refs.map((r) => [r.kind, r.target])).toEqual([['svg-image', 'toppskarf.png']]);
    expect(spanned(data, refs)).toEqual(['toppskarf.png']);
  });

  it('reports an absolute path as outside the project (openclipart rollerblades)', () => {
    const refs = svgReferences('rollerblades.svg', fixture('openclipart/rollerblades.svg'));
    expect(refs.map((r) => [r.target, r.resolved, r.unresolved])).toEqual([['/home/andy/s_rollerblades.png', undefined, 'absolute']]);
  });

  it('reads <use> to another file, url() to files, @font-face and entities', () => {
    const svg = Buffer.from(
      [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
        '<style><![CDATA[ @font-face { font-family: T; src: url("../fonts/title.woff2") format("woff2"); } /* url(nope.png) */ ]]></style>',
        '<defs><linearGradient id="g"/></defs>',
        '<use href="icons.svg#star"/><use xlink:href="#g"/>',
        '<rect fill="url(#g)" style="filter: url(filters.svg#blur)"/>',
        '<image href="tex/a&amp;b.png"/><a href="page.html"><text>x</text></a>',
        '<image href="data:image/png;base64,AAAA"/><image href="https://example.org/x.png"/>',
        '</svg>',
      ].join('\n'),
    );
    const refs = svgReferences('art/logo.svg', svg);
    expect(refs.map((r) => [r.kind, r.target, r.resolved ?? r.unresolved, r.line])).toEqual([
      ['font', '../fonts/title.woff2', 'fonts/title.woff2', 2],
      ['svg-use', 'icons.svg#star', 'art/icons.svg', 4],
      ['svg-url', 'filters.svg#blur', 'art/filters.svg', 5],
      ['svg-image', 'tex/a&b.png', 'art/tex/a&b.png', 6],
      ['svg-image', 'https://example.org/x.png', 'url', 7],
    ]);
    // The spans cover the written path only, without the fragment.
    expect(spanned(svg, refs).slice(0, 4)).toEqual(['../fonts/title.woff2', 'icons.svg', 'filters.svg', 'tex/a&amp;b.png']);
  });
});

describe('HTML and CSS', () => {
  it('reads src, link href, srcset, poster and inline styles; not <a> links', () => {
    const html = Buffer.from(
      [
        '<!doctype html><html><head>',
        '<link rel="stylesheet" href="css/site.css"><link rel=icon href=/favicon.ico>',
        '<script src="js/app.js"></script><script>var s = "<img src=no.png>";</script>',
        '<style>body { background: url(\'img/bg.jpg\') }</style>',
        '</head><body><a href="other.html">x</a>',
        '<img src="img/a.png" srcset="img/a@2x.png 2x, img/a-small.png 480w">',
        '<video poster="img/poster.jpg"><source src="media/clip.webm" type="video/webm"></video>',
        '<div style="background-image: url(img/tile.png)"></div><!-- <img src="commented.png"> -->',
        '</body></html>',
      ].join('\n'),
    );
    const refs = htmlReferences('site/index.html', html);
    expect(refs.map((r) => [r.kind, r.resolved])).toEqual([
      ['html-href', 'site/css/site.css'],
      ['html-href', 'favicon.ico'],
      ['html-src', 'site/js/app.js'],
      ['html-style-url', 'site/img/bg.jpg'],
      ['html-src', 'site/img/a.png'],
      ['html-srcset', 'site/img/a@2x.png'],
      ['html-srcset', 'site/img/a-small.png'],
      ['html-poster', 'site/img/poster.jpg'],
      ['html-src', 'site/media/clip.webm'],
      ['html-style-url', 'site/img/tile.png'],
    ]);
    expect(spanned(html, refs)).toEqual(refs.map((r) => r.target));
  });

  it('splits srcset candidates', () => {
    expect(srcsetUrls('a.png 1x,b.png 2x, c,d.png 3x').map((u) => u.url)).toEqual(['a.png', 'b.png', 'c,d.png']);
    expect(srcsetUrls('one.png').map((u) => u.url)).toEqual(['one.png']);
  });

  it('reads url(), @import and fonts in a style sheet, not comments', () => {
    const css = Buffer.from('@import "base.css";\n@import url(theme/dark.css) screen;\n/* url(old.png) */\n@font-face { font-family: A; src: url(../fonts/A.woff) format("woff"), url("../fonts/A.ttf"); }\nh1 { background: url( "img/h1.png" ) no-repeat, url(data:image/gif;base64,R0lG); }\n');
    const refs = cssReferences('css/site.css', css);
    expect(refs.map((r) => [r.kind, r.target, r.resolved, r.line])).toEqual([
      ['css-import', 'base.css', 'css/base.css', 1],
      ['css-import', 'theme/dark.css', 'css/theme/dark.css', 2],
      ['font', '../fonts/A.woff', 'fonts/A.woff', 4],
      ['font', '../fonts/A.ttf', 'fonts/A.ttf', 4],
      ['css-url', 'img/h1.png', 'css/img/h1.png', 5],
    ]);
    expect(spanned(css, refs)).toEqual(refs.map((r) => r.target));
  });
});

describe('Godot', () => {
  const godot3Scene = [
    '[gd_scene load_steps=4 format=2]',
    '',
    '[ext_resource path="res://player/player.gd" type="Script" id=1]',
    '[ext_resource path="res://art/player sheet.png" type="Texture" id=2]',
    '[ext_resource path="res://sounds/jump.ogg" type="AudioStream" id=3]',
    '',
    '[sub_resource type="RectangleShape2D" id=1]',
    'extents = Vector2( 16, 24 )',
    '',
    '[node name="Player" type="KinematicBody2D"]',
    'script = ExtResource( 1 )',
    '',
    '[node name="Sprite" type="Sprite" parent="."]',
    'texture = ExtResource( 2 )',
    '',
  ].join('\n');

  it('reads Godot 3 ext_resources; res:// is the folder holding project.godot', () => {
    const ctx = ctxOf(['game/project.godot', 'game/player/player.gd', 'game/art/player sheet.png', 'game/player/player.tscn']);
    const refs = godotReferences('game/player/player.tscn', Buffer.from(godot3Scene), ctx);
    expect(refs.map((r) => [r.target, r.resolved, r.line])).toEqual([
      ['res://player/player.gd', 'game/player/player.gd', 3],
      ['res://art/player sheet.png', 'game/art/player sheet.png', 4],
      ['res://sounds/jump.ogg', 'game/sounds/jump.ogg', 5],
    ]);
    // Without project.godot, res:// is the scanned root.
    expect(godotReferences('player.tscn', Buffer.from(godot3Scene)).map((r) => r.resolved)[0]).toBe('player/player.gd');
  });

  const godot4Scene = [
    '[gd_scene load_steps=3 format=3 uid="uid://cecaux1sm7mo0"]',
    '',
    '[ext_resource type="Script" uid="uid://bq1ytx3kgyjnd" path="res://player/player.gd" id="1_4vw2j"]',
    '[ext_resource type="Texture2D" uid="uid://b1n2xk7a3sfc8" path="res://old/icon.svg" id="2_kgrl6"]',
    '[ext_resource type="PackedScene" uid="uid://dnothing00000" path="res://enemy.tscn" id="3_x"]',
    '',
    '[node name="Player" type="CharacterBody2D"]',
    'script = ExtResource("1_4vw2j")',
    '',
  ].join('\n');
  const iconImport = [
    '[remap]',
    '',
    'importer="texture"',
    'type="CompressedTexture2D"',
    'uid="uid://b1n2xk7a3sfc8"',
    'path="res://.godot/imported/icon.svg-218a8f2b3041327d8a5756f3a245f83b.ctex"',
    'metadata={',
    '"vram_texture": false',
    '}',
    '',
    '[deps]',
    '',
    'source_file="res://art/icon.svg"',
    'dest_files=["res://.godot/imported/icon.svg-218a8f2b3041327d8a5756f3a245f83b.ctex"]',
    '',
  ].join('\n');

  it('reads Godot 4 ext_resources: a uid that resolves wins over a stale path, else the path', () => {
    const ctx = ctxOf(['project.godot', 'player/player.gd', 'art/icon.svg'], [
      { path: 'art/icon.svg.import', data: iconImport },
      { path: 'player/player.gd.uid', data: 'uid://bq1ytx3kgyjnd\n' },
    ]);
    const refs = godotReferences('player/player.tscn', Buffer.from(godot4Scene), ctx);
    expect(refs.map((r) => [r.uid, r.resolved])).toEqual([
      ['uid://bq1ytx3kgyjnd', 'player/player.gd'],
      ['uid://b1n2xk7a3sfc8', 'art/icon.svg'],
      ['uid://dnothing00000', 'enemy.tscn'],
    ]);
    const own = extractFile('player/player.tscn', Buffer.from(godot4Scene)).declares;
    expect(own).toEqual([{ scheme: 'uid', id: 'uid://cecaux1sm7mo0', path: 'player/player.tscn' }]);
  });

  it('reads .import, .uid, project.godot and GDScript loads', () => {
    const imp = scanGodotImport(Buffer.from(iconImport), 'art/icon.svg.import');
    expect(imp.declares).toEqual([{ scheme: 'uid', id: 'uid://b1n2xk7a3sfc8', path: 'art/icon.svg' }]);
    expect(imp.refs.map((r) => [r.target, r.sidecar, r.line])).toEqual([['res://art/icon.svg', true, 13]]);
    expect(scanGodotUid(Buffer.from('uid://bq1ytx3kgyjnd\n'), 'player/player.gd.uid')).toEqual([{ scheme: 'uid', id: 'uid://bq1ytx3kgyjnd', path: 'player/player.gd' }]);
    const project = 'config_version=5\n\n[application]\n\nconfig/name="Demo"\nrun/main_scene="res://main.tscn"\nconfig/icon="res://art/icon.svg"\n\n[autoload]\n\nGlobals="*res://globals.gd"\n';
    expect(scanGodotProject(Buffer.from(project)).map((r) => r.target)).toEqual(['res://main.tscn', 'res://art/icon.svg', 'res://globals.gd']);
    const gd = 'extends Node\nconst Bullet = preload("res://bullet.tscn")\nfunc _ready():\n\tvar t = load("res://art/icon.svg")\n';
    expect(scanGdscript(Buffer.from(gd)).map((r) => [r.target, r.line])).toEqual([['res://bullet.tscn', 2], ['res://art/icon.svg', 4]]);
  });
});

describe('Unity', () => {
  const textureMeta = 'fileFormatVersion: 2\nguid: 4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e\nTextureImporter:\n  internalIDToNameTable: []\n  externalObjects: {}\n  serializedVersion: 12\n';
  const material = [
    '%YAML 1.1',
    '%TAG !u! tag:unity3d.com,2011:',
    '--- !u!21 &2100000',
    'Material:',
    '  serializedVersion: 8',
    '  m_ObjectHideFlags: 0',
    '  m_CorrespondingSourceObject: {fileID: 0}',
    '  m_Name: Crate',
    '  m_Shader: {fileID: 46, guid: 0000000000000000f000000000000000, type: 0}',
    '  m_SavedProperties:',
    '    serializedVersion: 3',
    '    m_TexEnvs:',
    '    - _MainTex:',
    '        m_Texture: {fileID: 2800000, guid: 4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e, type: 3}',
    '        m_Scale: {x: 1, y: 1}',
    '    - _BumpMap:',
    '        m_Texture: {fileID: 2800000, guid: 99999999999999999999999999999999, type: 3}',
    '',
  ].join('\n');

  it('resolves a material\'s GUIDs through the .meta files; built-ins and unknown GUIDs are told apart', () => {
    const ctx = ctxOf(['Assets/Textures/crate.png', 'Assets/Materials/Crate.mat'], [{ path: 'Assets/Textures/crate.png.meta', data: textureMeta }]);
    const refs = unityReferences('Assets/Materials/Crate.mat', Buffer.from(material), ctx);
    expect(refs.map((r) => [r.target, r.resolved ?? r.unresolved, r.line])).toEqual([
      ['0000000000000000f000000000000000', 'builtin', 9],
      ['4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e', 'Assets/Textures/crate.png', 14],
      ['99999999999999999999999999999999', 'unknown-guid', 17],
    ]);
  });

  it('reads a prefab with stripped objects, and a model .meta remapping a material', () => {
    const prefab = [
      '%YAML 1.1',
      '%TAG !u! tag:unity3d.com,2011:',
      '--- !u!1 &1234567890123456789',
      'GameObject:',
      '  m_Component:',
      '  - component: {fileID: 4000000000000000001}',
      '  m_Name: Crate',
      '--- !u!23 &2300000000000000002',
      'MeshRenderer:',
      '  m_GameObject: {fileID: 1234567890123456789}',
      '  m_Materials:',
      '  - {fileID: 2100000, guid: a1b2c3d4e5f60718293a4b5c6d7e8f90, type: 2}',
      '--- !u!33 &3300000000000000003 stripped',
      'MeshFilter:',
      '  m_Mesh: {fileID: 4300000, guid: C0FFEE00C0FFEE00C0FFEE00C0FFEE00, type: 3}',
      '',
    ].join('\n');
    const modelMeta = 'fileFormatVersion: 2\nguid: c0ffee00c0ffee00c0ffee00c0ffee00\nModelImporter:\n  externalObjects:\n  - first:\n      type: UnityEngine:Material\n      assembly: UnityEngine.CoreModule\n      name: Crate\n    second: {fileID: 2100000, guid: a1b2c3d4e5f60718293a4b5c6d7e8f90, type: 2}\n';
    const matMeta = 'fileFormatVersion: 2\nguid: a1b2c3d4e5f60718293a4b5c6d7e8f90\nNativeFormatImporter:\n  mainObjectFileID: 2100000\n';
    const ctx = ctxOf(['Assets/crate.fbx', 'Assets/Crate.mat'], [
      { path: 'Assets/crate.fbx.meta', data: modelMeta },
      { path: 'Assets/Crate.mat.meta', data: matMeta },
    ]);
    expect(unityReferences('Assets/Crate.prefab', Buffer.from(prefab), ctx).map((r) => r.resolved)).toEqual(['Assets/Crate.mat', 'Assets/crate.fbx']);
    const meta = scanUnityMeta(Buffer.from(modelMeta), 'Assets/crate.fbx.meta');
    expect(meta.declares).toEqual([{ scheme: 'guid', id: 'c0ffee00c0ffee00c0ffee00c0ffee00', path: 'Assets/crate.fbx' }]);
    expect(meta.refs.map((r) => r.target)).toEqual(['a1b2c3d4e5f60718293a4b5c6d7e8f90']);
    // Not a serialized file: no %YAML header, nothing read.
    expect(unityReferences('x.asset', Buffer.from('binary'))).toEqual([]);
  });
});

describe('extractorFor', () => {
  it('reads only files whose format can hold references', () => {
    expect(['a.obj', 'a.MTL', 'a.gltf', 'a.glb', 'a.svg', 'a.htm', 'a.css', 'a.tscn', 'a.tres', 'project.godot', 'a.gd', 'a.png.import', 'a.gd.uid', 'a.png.meta', 'a.prefab', 'a.unity', 'a.mat'].map(extractorFor)).toEqual([
      'obj', 'mtl', 'gltf', 'glb', 'svg', 'html', 'css', 'godot', 'godot', 'godot-project', 'gdscript', 'godot-import', 'godot-uid', 'unity-meta', 'unity-yaml', 'unity-yaml', 'unity-yaml',
    ]);
    expect(['a.png', 'a.jpg', 'a.wav', 'README', 'a.bin'].map(extractorFor)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
