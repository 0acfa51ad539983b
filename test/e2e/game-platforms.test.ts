/**
 * `strata game platforms` end to end, through the built CLI: list, show with origins (working folder
 * and a stored version), the platform matrix, a platform between versions, the history of a key
 * across versions, validate with violations and clean, and every error path.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, okJson, removeTempDirs, strata, tempDir, snapshotWithMessage as snapshot, errorCode } from './helpers.js';

afterAll(removeTempDirs);

const FIXTURES = fileURLToPath(new URL('../fixtures/game/config/', import.meta.url));

const P = ['game', 'platforms'];
let dir: string;
const v: string[] = [];

beforeAll(() => {
  dir = tempDir('game-platforms');
  ok(['init'], { cwd: dir });
  cpSync(join(FIXTURES, 'generic'), dir, { recursive: true });
  v.push(snapshot(dir, 'v1: generic layers'));
  // v2: Switch runs at 25 fps; v3: an unrelated file changes; v4: console shadows off; v5: Switch fps removed.
  const toml = readFileSync(join(dir, 'config/switch.toml'), 'utf8');
  writeFileSync(join(dir, 'config/switch.toml'), toml.replace('fps = 30', 'fps = 25'));
  v.push(snapshot(dir, 'v2: switch 25 fps'));
  writeFileSync(join(dir, 'notes.txt'), 'unrelated\n');
  v.push(snapshot(dir, 'v3: notes'));
  const yaml = readFileSync(join(dir, 'config/console.yaml'), 'utf8');
  writeFileSync(join(dir, 'config/console.yaml'), yaml.replace('shadows: medium', 'shadows: low\n  bloom: false'));
  v.push(snapshot(dir, 'v4: console shadows low'));
  writeFileSync(join(dir, 'config/switch.toml'), toml.replace('fps = 30\n', ''));
  v.push(snapshot(dir, 'v5: switch fps from the base'));
}, 120_000);

describe('strata game platforms', () => {
  it('list: the platforms and the files each reads, in order', () => {
    const out = ok([...P, 'list'], { cwd: dir });
    expect(out).toContain('3 platforms in strata-platforms.json');
    expect(out).toContain('pc  layers  Windows and Linux\n   1. config/base.json  [base]\n   2. config/pc.ini  [pc]\n   3. config/local.json  [local]  (missing, skipped)\n');
    expect(out).toContain('switch  layers\n   1. config/base.json  [base]\n   2. config/console.yaml  [console]\n   3. config/switch.toml  [switch]');
    const j = okJson([...P, 'list', '--json'], { cwd: dir });
    expect(j.platforms.map((p: { name: string }) => p.name)).toEqual(['pc', 'ps5', 'switch']);
  });

  it('show: every key = value (file:line), from the working folder or a version', () => {
    const now = ok([...P, 'show', 'switch'], { cwd: dir });
    expect(now).toContain('graphics.fps = 60  (config/base.json:4)\n');
    expect(now).toContain('graphics.shadows = low  (config/switch.toml:4)\n');
    expect(now).toContain('graphics.bloom = false  (config/console.yaml:4)\n');
    expect(now).not.toContain('online.matchmaking');
    const old = ok([...P, 'show', 'switch', '--revision', v[0] as string], { cwd: dir });
    expect(old).toContain('graphics.fps = 30  (config/switch.toml:4)\n');
    expect(old).not.toContain('bloom');
    const j = okJson([...P, 'show', 'switch', '-r', 'HEAD~3', '--json', '--key', 'graphics'], { cwd: dir });
    expect(j.entries.map((e: { key: string; value: unknown; file: string; line: number }) => `${e.key}=${JSON.stringify(e.value)}@${e.file}:${e.line}`)).toEqual([
      'graphics.resolution="1280x720"@config/switch.toml:3',
      'graphics.fps=25@config/switch.toml:4',
      'graphics.shadows="low"@config/switch.toml:5',
      'graphics.hdr=false@config/base.json:6',
    ]);
  });

  it('diff --platforms: a key-by-platform matrix of what differs', () => {
    const out = ok([...P, 'diff', '--platforms', 'ps5,switch'], { cwd: dir });
    expect(out).toBe(
      [
        'key                  ps5                 switch',
        'graphics.resolution  1920x1080           1280x720',
        'online.matchmaking   global              -',
        'online.regions       ["eu","us","asia"]  ["eu","us"]',
        '3 keys differ, 7 the same on ps5, switch (- : not set)',
      ].join('\n'),
    );
    const j = okJson([...P, 'diff', '--platforms', 'ps5,switch', '--json'], { cwd: dir });
    expect(j.rows.map((r: { key: string }) => r.key)).toEqual(['graphics.resolution', 'online.matchmaking', 'online.regions']);
    expect(j.rows[1].values).toEqual({ ps5: { value: 'global', file: 'config/base.json', line: 10 }, switch: null });
    const withOrigins = ok([...P, 'diff', '-p', 'pc,switch', '--origins'], { cwd: dir });
    expect(withOrigins).toMatch(/graphics\.fps\s+144 \(config\/pc\.ini:4\)\s+60 \(config\/base\.json:4\)/);
  });

  it('diff <platform> <from> <to>: added, removed and changed keys with origins', () => {
    const out = ok([...P, 'diff', 'switch', v[0] as string, 'HEAD'], { cwd: dir });
    expect(out).toContain('  M config/console.yaml\n  M config/switch.toml\n');
    expect(out).toContain('+ graphics.bloom = false  (config/console.yaml:4)\n');
    expect(out).toContain('~ graphics.fps: 30 -> 60  (config/base.json:4; was config/switch.toml:4)\n');
    expect(out).toContain('1 added, 0 removed, 1 changed');
    const j = okJson([...P, 'diff', 'switch', 'HEAD~2', 'HEAD~1', '--json'], { cwd: dir });
    expect(j.changed).toEqual([]);
    expect(j.added.map((c: { key: string }) => c.key)).toEqual(['graphics.bloom']);
    const none = ok([...P, 'diff', 'switch', 'HEAD~3', 'HEAD~2'], { cwd: dir });
    expect(none).toContain('no change in the effective configuration');
  });

  it('history: every version in which the key changed, and the file that changed it', () => {
    const out = ok([...P, 'history', 'switch', 'graphics.fps'], { cwd: dir });
    expect(out).toContain('3 changes of graphics.fps on switch in 5 versions (4 evaluated)');
    const j = okJson([...P, 'history', 'switch', 'graphics.fps', '--json'], { cwd: dir });
    expect(j.entries.map((e: { version: string; value: unknown; before?: unknown; file: string; changedFiles: string[] }) => [e.version, e.value, e.before ?? null, e.file, e.changedFiles])).toEqual([
      [v[4], 60, 25, 'config/base.json', ['config/switch.toml']],
      [v[1], 25, 30, 'config/switch.toml', ['config/switch.toml']],
      [v[0], 30, null, 'config/switch.toml', ['strata-platforms.json', 'config/base.json', 'config/console.yaml', 'config/switch.toml']],
    ]);
    const shadows = okJson([...P, 'history', 'ps5', 'graphics.shadows', '--json'], { cwd: dir });
    expect(shadows.entries.map((e: { description: string; value: unknown }) => [e.description, e.value])).toEqual([
      ['v4: console shadows low', 'low'],
      ['v1: generic layers', 'medium'],
    ]);
  });

  it('release notes include what changed in each platform (platformConfigChanges)', () => {
    const notes = ok(['game', 'release-notes', 'HEAD~2', 'HEAD~1'], { cwd: dir });
    expect(notes).toMatch(/graphics\.bloom.*config\/console\.yaml:4/);
    expect(notes).toMatch(/graphics\.shadows.*medium.*low.*config\/console\.yaml:3/);
  });

  it('validate: one line per violation and CONFIG_INVALID_VALUES (exit 1); clean exits 0', () => {
    const r = strata([...P, 'validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r.stderr)).toBe('CONFIG_INVALID_VALUES');
    expect(r.stdout).toBe('pc  graphics.fps: must be <= 120  (config/pc.ini:4)\npc  audio.music: is required but missing  (config/base.json:8)\n');
    const clean = strata([...P, 'validate', '--platforms', 'ps5,switch'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('ps5, switch: valid against config/schema.json\n');
    const schema = join(dir, 'strict.json');
    writeFileSync(schema, JSON.stringify({ type: 'object', properties: { graphics: { type: 'object', properties: { fps: { type: 'integer', maximum: 50 } } } } }));
    const strict = strata([...P, 'validate', '--schema', schema, '--json', '-r', v[1] as string], { cwd: dir });
    expect(strict.code).toBe(1);
    const j = JSON.parse(strict.stdout);
    expect(j.violations.map((x: { platform: string; key: string; file: string; line: number }) => `${x.platform} ${x.key} ${x.file}:${x.line}`)).toEqual(['pc graphics.fps config/pc.ini:4', 'ps5 graphics.fps config/base.json:4']);
  });

  it('the Unreal layout: show with the hierarchy and every operator', () => {
    const ue = tempDir('game-platforms-ue');
    cpSync(join(FIXTURES, 'unreal'), ue, { recursive: true });
    const out = ok([...P, 'show', 'switch', '--folder', ue]);
    expect(out).toContain('switch: 8 keys from 8 files');
    expect(out).toContain('Engine."/Script/Engine.StreamingSettings".ExcludedPaths = ["/Game/HighRes"]  (MyGame/Platforms/Switch/Config/SwitchEngine.ini:7)\n');
    const h = ok([...P, 'diff', '--platforms', 'all', '--folder', ue]);
    expect(h).toContain('6 keys differ, 4 the same on switch, windows');
  });

  it("an XML rule file filtered per OS (SuperTuxKart's graphical_restrictions.xml): diff --platforms", () => {
    const stk = tempDir('game-platforms-xml');
    cpSync(join(FIXTURES, 'supertuxkart'), join(stk, 'data'), { recursive: true });
    const layer = (os: string) => ({ name: os, file: 'data/graphical_restrictions.xml', where: { attribute: 'os', equals: os, includeMissing: true } });
    writeFileSync(join(stk, 'strata-platforms.json'), JSON.stringify({ layers: [layer('linux'), layer('windows')], platforms: { linux: { layers: ['linux'] }, windows: { layers: ['windows'] } } }));
    expect(ok([...P, 'diff', '--platforms', 'linux,windows', '--folder', stk])).toContain('1 key differ, 0 the same on linux, windows');
    const j = okJson([...P, 'diff', '--platforms', 'linux,windows', '--folder', stk]) as { rows: Array<{ key: string; values: Record<string, { value: unknown[]; line: number }> }> };
    expect(j.rows.map((r) => [r.key, r.values.linux?.value.length, r.values.linux?.line, r.values.windows?.value.length, r.values.windows?.line])).toEqual([['graphical-restrictions.card', 24, 11, 16, 3]]);
  });

  describe('errors', () => {
    it('an unknown platform lists the declared ones', () => {
      const r = strata([...P, 'show', 'xbox'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[UNKNOWN_PLATFORM]: no platform "xbox" in strata-platforms.json: the declared platforms are pc, ps5, switch');
      const h = strata([...P, 'history', 'xbox', 'a'], { cwd: dir });
      expect(h.stderr).toContain('error[UNKNOWN_PLATFORM]: no version of the branch declares the platform "xbox": the newest declares pc, ps5, switch');
    });
    it('a malformed layer file: CONFIG_PARSE with file and line, for each format', () => {
      const bad = tempDir('game-platforms-bad');
      cpSync(join(FIXTURES, 'generic'), bad, { recursive: true });
      const cases: Array<[string, string, string, RegExp]> = [
        ['config/base.json', '{\n  "graphics": {\n    "fps": 60,\n  }\n}\n', 'pc', /config\/base\.json:4: /],
        ['config/console.yaml', 'graphics:\n  shadows: [low\n', 'ps5', /config\/console\.yaml:\d+: /],
        ['config/switch.toml', '[graphics]\nfps = = 3\n', 'switch', /config\/switch\.toml:2: /],
        ['config/pc.ini', '[graphics\nhdr = true\n', 'pc', /config\/pc\.ini:1: unterminated section header/],
      ];
      for (const [file, text, platform, message] of cases) {
        const before = readFileSync(join(bad, file), 'utf8');
        writeFileSync(join(bad, file), text);
        const r = strata([...P, 'show', platform, '--folder', bad]);
        expect(r.code, file).toBe(1);
        expect(errorCode(r.stderr), file).toBe('CONFIG_PARSE');
        expect(r.stderr, file).toMatch(message);
        writeFileSync(join(bad, file), before);
      }
    });
    it('a cycle of extends: LAYER_CYCLE naming the chain', () => {
      const cyc = tempDir('game-platforms-cycle');
      cpSync(join(FIXTURES, 'generic'), cyc, { recursive: true });
      const project = JSON.parse(readFileSync(join(cyc, 'strata-platforms.json'), 'utf8'));
      project.layers[0].extends = 'switch';
      writeFileSync(join(cyc, 'strata-platforms.json'), JSON.stringify(project));
      const r = strata([...P, 'show', 'switch', '--folder', cyc]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[LAYER_CYCLE]: strata-platforms.json: layers extend each other in a cycle: switch -> console -> base -> switch');
    });
    it('a bad project file: INVALID_ARGUMENT with the zod problems, CONFIG_PARSE for bad syntax; none at all', () => {
      const p = tempDir('game-platforms-project');
      writeFileSync(join(p, 'strata-platforms.json'), JSON.stringify({ platforms: { pc: { layers: [] } }, layer: [] }));
      const r = strata([...P, 'list', '--folder', p]);
      expect(errorCode(r.stderr)).toBe('INVALID_ARGUMENT');
      expect(r.stderr).toContain('strata-platforms.json is not a valid platforms file:');
      expect(r.stderr).toContain('platforms.pc');
      expect(r.stderr).toContain('Unrecognized key');
      writeFileSync(join(p, 'strata-platforms.json'), '{\n "platforms": {\n');
      const s = strata([...P, 'list', '--folder', p]);
      expect(errorCode(s.stderr)).toBe('CONFIG_PARSE');
      expect(s.stderr).toContain('strata-platforms.json:3: unexpected end of file');
      rmSync(join(p, 'strata-platforms.json'));
      const n = strata([...P, 'list', '--folder', p]);
      expect(errorCode(n.stderr)).toBe('FILE_NOT_FOUND');
    });
    it('usage errors: diff without a mode, a bad key, an unknown revision, no schema', () => {
      expect(errorCode(strata([...P, 'diff'], { cwd: dir }).stderr)).toBe('USAGE');
      expect(errorCode(strata([...P, 'diff', 'switch', 'HEAD', '--platforms', 'pc,ps5'], { cwd: dir }).stderr)).toBe('USAGE');
      expect(errorCode(strata([...P, 'diff', '--platforms', 'pc'], { cwd: dir }).stderr)).toBe('USAGE');
      expect(errorCode(strata([...P, 'history', 'switch', 'a..b'], { cwd: dir }).stderr)).toBe('INVALID_ARGUMENT');
      expect(strata([...P, 'show', 'pc', '-r', 'nosuchbranch'], { cwd: dir }).code).not.toBe(0);
      const noSchema = tempDir('game-platforms-noschema');
      cpSync(join(FIXTURES, 'unreal'), noSchema, { recursive: true });
      expect(errorCode(strata([...P, 'validate', '--folder', noSchema]).stderr)).toBe('USAGE');
    });
  });
});
