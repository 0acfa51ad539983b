import { describe, expect, it } from 'vitest';
import type { DiffEntry } from '../../../porcelain/index.js';
import { assetGroupOf } from '../../../personas/game/milestones/asset-groups.js';
import { buildReleaseNotes, fileChanges, humanBytes, renderReleaseNotesMarkdown, type NotesEndpoint } from '../../../personas/game/milestones/release-notes.js';

const from: NotesEndpoint = { label: 'alpha-1', id: 'a'.repeat(64), time: Date.UTC(2026, 0, 5), versionName: '', milestone: { name: 'alpha-1', type: 'alpha', semver: '0.1.0-alpha.1' } };
const to: NotesEndpoint = { label: 'main', id: 'b'.repeat(64), time: Date.UTC(2026, 2, 1), versionName: 'march' };

const entries: DiffEntry[] = [
  { status: 'added', path: 'Content/Textures/rock.png', newType: 'file', newSize: 2048 },
  { status: 'added', path: 'Content/Maps', newType: 'directory' },
  { status: 'added', path: 'Content/Maps/level1.umap', newType: 'file', newSize: 10_000 },
  { status: 'deleted', path: 'Content/Audio/old.wav', oldType: 'file', oldSize: 5000 },
  { status: 'modified', path: 'Source/Game/Player.cpp', oldType: 'file', newType: 'file', oldSize: 1000, newSize: 1200, contentChanged: true },
  { status: 'modified', path: 'Config/DefaultEngine.ini', oldType: 'file', newType: 'file', oldSize: 300, newSize: 250, contentChanged: true },
  { status: 'renamed', path: 'Content/Models/hero.fbx', oldPath: 'Content/hero.fbx', oldType: 'file', newType: 'file', oldSize: 4096, newSize: 4096 },
  { status: 'type-changed', path: 'README', oldType: 'file', newType: 'directory', oldSize: 12 },
  { status: 'added', path: 'Source/Game.Build.cs', newType: 'file', newSize: 100 },
];

describe('asset groups', () => {
  it.each([
    ['Content/rock.PNG', 'textures'],
    ['art/hero.kra', 'textures'],
    ['m/hero.glb', 'models'],
    ['sfx/step.ogg', 'audio'],
    ['Source/Game.Build.cs', 'code'],
    ['shaders/water.hlsl', 'code'],
    ['Maps/Arena.umap', 'levels'],
    ['scenes/main.tscn', 'levels'],
    ['Config/DefaultEngine.ini', 'config'],
    ['project.godot', 'config'],
    ['.gitignore', 'other'],
    ['LICENSE', 'other'],
    ['x.uasset', 'other'],
  ])('%s is %s', (path, group) => expect(assetGroupOf(path)).toBe(group));
});

describe('release notes', () => {
  const notes = buildReleaseNotes({
    from,
    to,
    entries,
    milestones: [{ name: 'beta-1', type: 'beta', semver: '0.1.0-beta.1', version: 'c'.repeat(64), time: Date.UTC(2026, 1, 1) }],
    platforms: undefined,
  });

  it('keeps files only, a file replaced by a folder as removed', () => {
    expect(fileChanges(entries).map((f) => `${f.change} ${f.path}`)).toEqual([
      'modified Config/DefaultEngine.ini'.replace('modified', 'changed'),
      'removed Content/Audio/old.wav',
      'added Content/Maps/level1.umap',
      'renamed Content/Models/hero.fbx',
      'added Content/Textures/rock.png',
      'removed README',
      'added Source/Game.Build.cs',
      'changed Source/Game/Player.cpp',
    ]);
  });

  it('counts by asset type and by top folder, with sizes', () => {
    expect(notes.totals).toEqual({ added: { count: 3, bytes: 12_148 }, removed: { count: 2, bytes: 5012 }, changed: { count: 2, oldBytes: 1300, newBytes: 1450 }, renamed: { count: 1, bytes: 4096 }, netBytes: 12_148 - 5012 + 150 });
    expect(notes.byType.map((g) => [g.group, g.added.count, g.removed.count, g.changed.count, g.renamed.count, g.netBytes])).toEqual([
      ['textures', 1, 0, 0, 0, 2048],
      ['models', 0, 0, 0, 1, 0],
      ['audio', 0, 1, 0, 0, -5000],
      ['code', 1, 0, 1, 0, 300],
      ['levels', 1, 0, 0, 0, 10_000],
      ['config', 0, 0, 1, 0, -50],
      ['other', 0, 1, 0, 0, -12],
    ]);
    expect(notes.byFolder.map((f) => [f.folder, f.added.count, f.removed.count, f.changed.count, f.renamed.count])).toEqual([
      ['.', 0, 1, 0, 0],
      ['Config', 0, 0, 1, 0],
      ['Content', 2, 1, 0, 1],
      ['Source', 1, 0, 1, 0],
    ]);
    expect(notes.renames).toEqual([{ from: 'Content/hero.fbx', to: 'Content/Models/hero.fbx', size: 4096 }]);
    expect(notes.platforms).toEqual({ declared: false });
  });

  it('renders markdown with headings, tables and the platform section', () => {
    const md = renderReleaseNotesMarkdown(notes);
    expect(md).toContain('# Release notes: alpha-1 → main\n');
    expect(md).toContain('- **Files:** 3 added, 2 removed, 2 changed, 1 renamed; net size +7.1 KiB');
    expect(md).toContain('| beta-1 | beta | 0.1.0-beta.1 | cccccccccccc | 2026-02-01 |');
    expect(md).toContain('| Levels and scenes | 1 (9.8 KiB) | – | – | – | +9.8 KiB |');
    expect(md).toContain('| Audio | – | 1 (4.9 KiB) | – | – | -4.9 KiB |');
    expect(md).toContain('| `Content/` | 2 (12 KiB) | 1 (4.9 KiB) | – | 1 | +6.9 KiB |');
    expect(md).toContain('- `Content/hero.fbx` → `Content/Models/hero.fbx`');
    expect(md).toContain('### Scripts and code\n\n- added `Source/Game.Build.cs` (100 B)\n- changed `Source/Game/Player.cpp` (1000 B → 1.2 KiB)');
    expect(md).toContain('## Platform configuration\n\nNo platform configuration declared.');
    expect(md.endsWith('declared.\n')).toBe(true);
  });

  it('lists platform configuration changes when a provider gave them, and extra sections', () => {
    const withConfig = buildReleaseNotes({
      from,
      to,
      entries: [],
      milestones: [],
      platforms: {
        platforms: [
          { platform: 'windows', added: [{ key: 'Engine.VSync', after: true, file: 'Config/Windows/WindowsEngine.ini:4' }], removed: [], changed: [{ key: 'Engine.MaxFPS', before: 60, after: 144 }] },
          { platform: 'switch', added: [], removed: [], changed: [] },
        ],
        platformsAdded: ['ps5'],
      },
      sections: [{ id: 'feedback', title: 'Feedback', markdown: ['3 reports closed.'], data: { closed: 3 } }],
    });
    const md = renderReleaseNotesMarkdown(withConfig);
    expect(md).toContain('No file changed.');
    expect(md).toContain('- Platforms added: ps5\n- Unchanged: switch');
    expect(md).toContain('### windows\n\n| change | key | before | after | set by |\n|---|---|---|---|---|\n| changed | `Engine.MaxFPS` | `60` | `144` |  |\n| added | `Engine.VSync` |  | `true` | Config/Windows/WindowsEngine.ini:4 |');
    expect(md).toContain('## Feedback\n\n3 reports closed.');
    expect(withConfig.platforms.declared).toBe(true);
  });

  it('formats byte counts for people', () => {
    expect([humanBytes(0), humanBytes(1023), humanBytes(1536), humanBytes(10 * 1024 * 1024), humanBytes(-2048)]).toEqual(['0 B', '1023 B', '1.5 KiB', '10 MiB', '-2.0 KiB']);
  });
});
