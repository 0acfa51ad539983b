/**
 * Evaluating platforms: the project file's schema and errors, generic layering with `extends` chains
 * and deletes, Unreal's hierarchy in its documented order, comparisons, JSON Schema validation, and
 * the real files: freeciv rulesets and PrusaSlicer's inheriting profiles.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffConfigs, platformMatrix } from '../../../personas/game/config/compare.js';
import { ParseCache, evaluatePlatform, loadProject, type ConfigReader } from '../../../personas/game/config/evaluate.js';
import { expandLayers, parseProjectFile } from '../../../personas/game/config/project.js';
import { flattenConfig } from '../../../personas/game/config/types.js';
import { unrealHierarchy } from '../../../personas/game/config/unreal.js';
import { compileSchema, validateConfig } from '../../../personas/game/config/validate.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/game/config/', import.meta.url));

function memoryReader(files: Record<string, string>): ConfigReader & { reads: string[] } {
  const reads: string[] = [];
  const id = (t: string): string => createHash('sha256').update(t).digest('hex');
  return {
    reads,
    idOf: async (p) => (files[p] === undefined ? undefined : id(files[p])),
    read: async (p) => {
      reads.push(p);
      return files[p] === undefined ? undefined : { id: id(files[p]), text: files[p] };
    },
  };
}

function fixtureReader(dir: string): ConfigReader {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return memoryReader(files);
}

async function evaluate(reader: ConfigReader, platform: string, cache = new ParseCache()) {
  const project = await loadProject(reader, cache);
  if (project === undefined) throw new Error('no project');
  return evaluatePlatform({ project, platform, reader, cache });
}

const flat = (root: Parameters<typeof flattenConfig>[0]): Record<string, string> => Object.fromEntries(flattenConfig(root).map((e) => [e.key, `${JSON.stringify(e.value)} @${e.file}:${e.line}`]));

async function rejects(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('expected an error');
}

describe('the project file', () => {
  it('rejects bad declarations with the zod problems', () => {
    const bad = (text: string) => {
      try {
        parseProjectFile('strata-platforms.json', text);
      } catch (err) {
        return { code: (err as { code: string }).code, message: (err as Error).message };
      }
      throw new Error('accepted');
    };
    expect(bad('{"platforms": {}}')).toEqual({ code: 'INVALID_ARGUMENT', message: 'strata-platforms.json is not a valid platforms file: platforms (line 1): declare at least one platform' });
    expect(bad('{\n"platforms": {\n  "pc": {\n    "layers": "base"}}}').message).toContain('platforms.pc (line 3):');
    expect(bad('{"platforms": {"pc": {"layers": ["x"]}}}').message).toBe('strata-platforms.json: platform "pc" uses the layer "x", which is not declared');
    expect(bad('{"layers": [{"name": "a", "file": "../a.json"}], "platforms": {"pc": {"layers": ["a"]}}}').message).toContain('layers.0.file (line 1): a path relative to the project root');
    expect(bad('{"layers": [{"name": "a", "file": "a.plist"}], "platforms": {"pc": {"layers": ["a"]}}}').message).toBe('layer "a": cannot tell the format of a.plist from its extension');
    expect(bad('{"platforms": {"ps5": {"unreal": {"platform": "PS5"}}}}').message).toContain('has no "unreal" settings');
    expect(bad('{"platforms": {"pc": {"layers": ["a"]}},\n "bogus": 1}').message).toContain('Unrecognized key');
    expect(bad('{"platforms": {\n').code).toBe('CONFIG_PARSE');
  });
  it('reads a YAML platforms file, and names the enum values a key must take', async () => {
    const reader = memoryReader({
      'strata-platforms.yaml': 'layers:\n  - name: base\n    file: base.yaml\nplatforms:\n  pc:\n    layers: [base]\n',
      'base.yaml': 'quality: ultra\n',
    });
    const c = await evaluate(reader, 'pc');
    expect(flat(c.root)).toEqual({ quality: '"ultra" @base.yaml:1' });
    const check = compileSchema('s.json', { properties: { quality: { enum: ['low', 'high'] } } });
    expect(validateConfig({ platform: 'pc', root: c.root, iniFiles: new Set(), check }).map((v) => `${v.key}: ${v.message}`)).toEqual(['quality: must be one of "low", "high"']);
  });
  it('expands extends chains depth first, each layer once, and names a cycle', () => {
    const p = parseProjectFile('strata-platforms.json', JSON.stringify({
      layers: [
        { name: 'base', file: 'b.json' },
        { name: 'console', file: 'c.json', extends: 'base' },
        { name: 'switch', file: 's.json', extends: ['console', 'base'] },
      ],
      platforms: { sw: { layers: ['switch'] } },
    }));
    expect(expandLayers(p, ['switch']).map((l) => l.name)).toEqual(['base', 'console', 'switch']);
    const cyc = parseProjectFile('strata-platforms.json', JSON.stringify({
      layers: [
        { name: 'a', file: 'a.json', extends: 'c' },
        { name: 'b', file: 'b.json', extends: 'a' },
        { name: 'c', file: 'c.json', extends: 'b' },
      ],
      platforms: { x: { layers: ['b'] } },
    }));
    try {
      expandLayers(cyc, ['b']);
      throw new Error('no cycle found');
    } catch (err) {
      expect((err as { code: string }).code).toBe('LAYER_CYCLE');
      expect((err as Error).message).toBe('strata-platforms.json: layers extend each other in a cycle: b -> a -> c -> b');
    }
  });
});

describe('generic layering (fixtures/game/config/generic)', () => {
  const reader = fixtureReader(join(FIXTURES, 'generic'));
  it('deep-merges base.json, console.yaml and switch.toml; "$delete" removes a key', async () => {
    const c = await evaluate(reader, 'switch');
    expect(c.files.map((f) => f.file)).toEqual(['config/base.json', 'config/console.yaml', 'config/switch.toml']);
    expect(flat(c.root)).toEqual({
      'graphics.resolution': '"1280x720" @config/switch.toml:3',
      'graphics.fps': '30 @config/switch.toml:4',
      'graphics.shadows': '"low" @config/switch.toml:5',
      'graphics.hdr': 'false @config/base.json:6',
      'audio.channels': '2 @config/console.yaml:5',
      'audio.music': 'true @config/base.json:8',
      'online.regions': '["eu","us"] @config/switch.toml:9',
      'input.controller': 'true @config/console.yaml:7',
    });
  });
  it('an INI layer over JSON: values and "!key" deletes; a missing optional layer is skipped', async () => {
    const c = await evaluate(reader, 'pc');
    expect(c.files.map((f) => [f.file, f.present])).toEqual([['config/base.json', true], ['config/pc.ini', true], ['config/local.json', false]]);
    const f = flat(c.root);
    expect(f['graphics.hdr']).toBe('"true" @config/pc.ini:3');
    expect(f['graphics.fps']).toBe('"144" @config/pc.ini:4');
    expect(f['audio.music']).toBeUndefined();
  });
  it('a matrix of what differs, and the keys changed between two evaluations', async () => {
    const cache = new ParseCache();
    const configs = [await evaluate(reader, 'ps5', cache), await evaluate(reader, 'switch', cache)];
    const rows = platformMatrix(configs);
    expect(rows.map((r) => [r.key, r.values.ps5?.value ?? null, r.values.switch?.value ?? null])).toEqual([
      ['graphics.resolution', '1920x1080', '1280x720'],
      ['graphics.fps', 60, 30],
      ['graphics.shadows', 'medium', 'low'],
      ['online.matchmaking', 'global', null],
      ['online.regions', ['eu', 'us', 'asia'], ['eu', 'us']],
    ]);
    const d = diffConfigs(configs[0]!.root, configs[1]!.root);
    expect(d.removed.map((c) => c.key)).toEqual(['online.matchmaking']);
    expect(d.added).toEqual([]);
    expect(d.changed.map((c) => `${c.key}: ${JSON.stringify(c.before?.value)} -> ${JSON.stringify(c.after?.value)} (${c.after?.file}:${c.after?.line})`)).toEqual([
      'graphics.resolution: "1920x1080" -> "1280x720" (config/switch.toml:3)',
      'graphics.fps: 60 -> 30 (config/switch.toml:4)',
      'graphics.shadows: "medium" -> "low" (config/switch.toml:5)',
      'online.regions: ["eu","us","asia"] -> ["eu","us"] (config/switch.toml:9)',
    ]);
  });
  it('validates against a JSON Schema with INI values typed, each violation with its origin', async () => {
    const schema = JSON.parse(readFileSync(join(FIXTURES, 'generic/config/schema.json'), 'utf8'));
    const check = compileSchema('schema.json', schema);
    const pc = await evaluate(reader, 'pc');
    expect(validateConfig({ platform: 'pc', root: pc.root, iniFiles: new Set(['config/pc.ini']), check }).map((v) => `${v.key} ${v.keyword} ${v.message} ${v.file}:${v.line}`)).toEqual([
      'graphics.fps maximum must be <= 120 config/pc.ini:4',
      'audio.music required is required but missing config/base.json:8',
    ]);
    const sw = await evaluate(reader, 'switch');
    expect(validateConfig({ platform: 'switch', root: sw.root, iniFiles: new Set(), check })).toEqual([]);
    // Without INI typing, "144" is a string: a type error instead of a range error.
    expect(validateConfig({ platform: 'pc', root: pc.root, iniFiles: new Set(), check }).map((v) => v.keyword)).toEqual(['type', 'type', 'required']);
  });
  it('a missing required layer file is FILE_NOT_FOUND naming the layer and file', async () => {
    const r = memoryReader({ 'strata-platforms.json': '{"layers": [{"name": "a", "file": "a.json"}], "platforms": {"x": {"layers": ["a"]}}}' });
    expect(await rejects(evaluate(r, 'x'))).toEqual({ code: 'FILE_NOT_FOUND', message: 'platform "x": the layer "a" reads a.json, which does not exist' });
    expect((await rejects(evaluate(r, 'nope'))).code).toBe('UNKNOWN_PLATFORM');
  });
  it('parses each file once per content id across evaluations', async () => {
    const r = fixtureReader(join(FIXTURES, 'generic'));
    const cache = new ParseCache();
    await evaluate(r, 'switch', cache);
    await evaluate(r, 'ps5', cache);
    await evaluate(r, 'switch', cache);
    expect(cache.size).toBe(3);
  });
});

describe("Unreal's hierarchy (fixtures/game/config/unreal)", () => {
  it('lists the documented order, both platform layouts', () => {
    expect(unrealHierarchy({ engine: 'Engine', project: 'MyGame', category: 'Engine', platform: 'Switch' }).map((f) => f.file)).toEqual([
      'Engine/Config/Base.ini',
      'Engine/Config/BaseEngine.ini',
      'Engine/Config/Switch/BaseSwitchEngine.ini',
      'Engine/Platforms/Switch/Config/BaseSwitchEngine.ini',
      'MyGame/Config/DefaultEngine.ini',
      'Engine/Config/Switch/SwitchEngine.ini',
      'Engine/Platforms/Switch/Config/SwitchEngine.ini',
      'MyGame/Config/Switch/SwitchEngine.ini',
      'MyGame/Platforms/Switch/Config/SwitchEngine.ini',
    ]);
    expect(unrealHierarchy({ engine: 'Engine', project: '', category: 'Game' }).map((f) => f.file)).toEqual(['Engine/Config/Base.ini', 'Engine/Config/BaseGame.ini', 'Config/DefaultGame.ini']);
  });
  it('evaluates Switch (platform-extension layout) and Windows (older Config/Windows layout) with every operator', async () => {
    const reader = fixtureReader(join(FIXTURES, 'unreal'));
    const sw = flat((await evaluate(reader, 'switch')).root);
    expect(sw).toEqual({
      'Engine."/Script/Engine.Engine".bSmoothFrameRate': '"false" @MyGame/Platforms/Switch/Config/SwitchEngine.ini:2',
      'Engine."/Script/Engine.Engine".MinDesiredFrameRate': '"30" @MyGame/Config/DefaultEngine.ini:2',
      'Engine."/Script/Engine.RendererSettings"."r.MobileHDR"': '"False" @Engine/Platforms/Switch/Config/BaseSwitchEngine.ini:2',
      'Engine."/Script/Engine.RendererSettings"."r.DefaultFeature.AntiAliasing"': '"3" @MyGame/Config/DefaultEngine.ini:7',
      'Engine."Core.Log".LogTemp': '"warning" @Engine/Config/BaseEngine.ini:11',
      'Engine."/Script/Engine.StreamingSettings".ExcludedPaths': '["/Game/HighRes"] @MyGame/Platforms/Switch/Config/SwitchEngine.ini:7',
      'Game."/Script/EngineSettings.GeneralProjectSettings".ProjectName': '"My Game" @MyGame/Config/DefaultGame.ini:2',
      'Game."/Script/EngineSettings.GeneralProjectSettings".CompanyName': '"Strata Studio" @MyGame/Config/DefaultGame.ini:3',
    });
    const win = flat((await evaluate(reader, 'windows')).root);
    // + twice adds once; . adds the duplicate; - removes /Game/Test; the older Config/Windows layout is read.
    expect(win['Engine."/Script/Engine.Engine".ActiveGameNameRedirects']).toBe(`${JSON.stringify(['(OldGameName="/Script/TP",NewGameName="/Script/MyGame")', '(OldGameName="/Script/TP",NewGameName="/Script/MyGame")'])} @MyGame/Config/DefaultEngine.ini:4`);
    expect(win['Engine."/Script/Engine.StreamingSettings".ExcludedPaths']).toBe('["/Game/Dev","/Game/Cinematics"] @MyGame/Config/DefaultEngine.ini:11');
    expect(win['Engine."/Script/Engine.RendererSettings"."r.DefaultFeature.AntiAliasing"']).toBe('"4" @MyGame/Config/Windows/WindowsEngine.ini:2');
    expect(win['Engine."/Script/Engine.RendererSettings"."r.ExtraFeature"']).toBe('["RayTracing"] @MyGame/Config/Windows/WindowsEngine.ini:3');
  });
});

describe('real files', () => {
  it('freeciv rulesets: civ2civ3 layered over classic', async () => {
    const reader = fixtureReader(join(FIXTURES, 'freeciv'));
    const cache = new ParseCache();
    const classic = await evaluate(reader, 'classic', cache);
    const civ = await evaluate(reader, 'civ2civ3', cache);
    const a = flat(classic.root);
    const b = flat(civ.root);
    expect(a['civstyle.base_pollution']).toBe('"-20" @classic/game.ruleset:69');
    expect(b['civstyle.base_pollution']).toBe('"-20" @civ2civ3/game.ruleset:76');
    expect(a['civstyle.granary_food_ini']).toBe('"20" @classic/game.ruleset:83');
    expect(b['civstyle.granary_food_ini']).toBe('"20, 20, 20, 20, 20, 30, 30, 40" @civ2civ3/game.ruleset:90');
    expect(a['about.name']).toBe('"_(\\"Classic ruleset\\")" @classic/game.ruleset:26');
    expect(a['illness.illness_on']).toBe('"FALSE" @classic/game.ruleset:169');
    expect(b['illness.illness_on']).toBe('"TRUE" @civ2civ3/game.ruleset:174');
    // A { } table starting on the line after its key, kept as its text.
    expect(a['actionenabler_sabotage_city.actor_reqs']).toMatch(/^"\{ \\"type\\",.*\\"Spy\\",.*FALSE\\n}" @classic\/game\.ruleset:375$/);
    expect(flattenConfig(classic.root)).toHaveLength(211);
  });
  it('PrusaSlicer profiles: inherits chains resolved within the file, a cycle named', async () => {
    const text = readFileSync(join(FIXTURES, 'prusa/Ultimaker.ini'), 'utf8');
    const project = readFileSync(join(FIXTURES, 'prusa/strata-platforms.json'), 'utf8');
    const reader = memoryReader({ 'strata-platforms.json': project, 'Ultimaker.ini': text });
    const detail = flat((await evaluate(reader, 'detail')).root);
    const draft = flat((await evaluate(reader, 'draft')).root);
    // [print:0.25mm DRAFT @ULTIMAKER2] -> *0.25mm* -> *common*
    expect(draft.layer_height).toBe('"0.25" @Ultimaker.ini:208');
    expect(detail.layer_height).toBe('"0.12" @Ultimaker.ini:185');
    expect(draft.perimeters).toBe('"2" @Ultimaker.ini:109');
    expect(detail.perimeters).toBe('"3" @Ultimaker.ini:186');
    expect(draft.fill_density).toBe(detail.fill_density);
    expect(draft.inherits).toBe('"*0.25mm*" @Ultimaker.ini:232');
    const cyclic = text.replace(/\[print:\*common\*\]\r?\n/, '[print:*common*]\ninherits = 0.25mm DRAFT @ULTIMAKER2\n').replace(/\ninherits = \r?\n/, '\n');
    const r2 = memoryReader({ 'strata-platforms.json': project, 'Ultimaker.ini': cyclic });
    expect(await rejects(evaluate(r2, 'draft'))).toEqual({
      code: 'LAYER_CYCLE',
      message: 'Ultimaker.ini: section inheritance goes round in a cycle: [print:0.25mm DRAFT @ULTIMAKER2] -> [print:*0.25mm*] -> [print:*common*] -> [print:0.25mm DRAFT @ULTIMAKER2]',
    });
    const missing = text.replace('inherits = *0.25mm*', 'inherits = *0.3mm*');
    const r3 = memoryReader({ 'strata-platforms.json': project, 'Ultimaker.ini': missing });
    expect(await rejects(evaluate(r3, 'draft'))).toEqual({ code: 'CONFIG_PARSE', message: 'Ultimaker.ini:232: [print:0.25mm DRAFT @ULTIMAKER2] inherits "*0.3mm*", which is no section of this file' });
  });
});
