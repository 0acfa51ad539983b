/**
 * Unreal Engine's configuration hierarchy for one category (Engine, Game, Input …) and platform, in
 * the documented order ("Configuration Files", File Hierarchy), later files over earlier ones:
 *
 *   1. Engine/Config/Base.ini
 *   2. Engine/Config/Base<Category>.ini
 *   3. Engine/Config/<Platform>/Base<Platform><Category>.ini       (or Engine/Platforms/<Platform>/Config/…)
 *   4. <Project>/Config/Default<Category>.ini
 *   5. Engine/Config/<Platform>/<Platform><Category>.ini           (or Engine/Platforms/<Platform>/Config/…)
 *   6. <Project>/Config/<Platform>/<Platform><Category>.ini        (or <Project>/Platforms/<Platform>/Config/…)
 *
 * Both the older `Config/<Platform>/` folders and the platform-extension `Platforms/<Platform>/Config/`
 * folders are read (the older first) when present. The user's Saved/Config files are not versioned
 * project files and are not part of it.
 */
import { posix } from 'node:path';

export interface UnrealFile {
  /** Which step of the hierarchy: `Base`, `BaseCategory`, `BasePlatform`, `Default`, `EnginePlatform`, `ProjectPlatform`. */
  step: 'Base' | 'BaseCategory' | 'BasePlatform' | 'Default' | 'EnginePlatform' | 'ProjectPlatform';
  /** Relative to the project root. */
  file: string;
}

const join = (...parts: string[]): string => posix.normalize(posix.join(...parts.filter((p) => p !== ''))).replace(/^\.\//, '');

export function unrealHierarchy(options: { engine: string; project: string; category: string; platform?: string | undefined }): UnrealFile[] {
  const { engine, project, category: c, platform: p } = options;
  const out: UnrealFile[] = [
    { step: 'Base', file: join(engine, 'Config', 'Base.ini') },
    { step: 'BaseCategory', file: join(engine, 'Config', `Base${c}.ini`) },
  ];
  if (p !== undefined) {
    out.push({ step: 'BasePlatform', file: join(engine, 'Config', p, `Base${p}${c}.ini`) }, { step: 'BasePlatform', file: join(engine, 'Platforms', p, 'Config', `Base${p}${c}.ini`) });
  }
  out.push({ step: 'Default', file: join(project, 'Config', `Default${c}.ini`) });
  if (p !== undefined) {
    out.push(
      { step: 'EnginePlatform', file: join(engine, 'Config', p, `${p}${c}.ini`) },
      { step: 'EnginePlatform', file: join(engine, 'Platforms', p, 'Config', `${p}${c}.ini`) },
      { step: 'ProjectPlatform', file: join(project, 'Config', p, `${p}${c}.ini`) },
      { step: 'ProjectPlatform', file: join(project, 'Platforms', p, 'Config', `${p}${c}.ini`) },
    );
  }
  return out;
}
