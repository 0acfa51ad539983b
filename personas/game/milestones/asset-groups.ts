/**
 * Asset groups for release notes: a file's kind, by extension (case-insensitive), the way a game team
 * reads a change list. Pure.
 */

export const ASSET_GROUPS = ['textures', 'models', 'audio', 'code', 'levels', 'config', 'other'] as const;
export type AssetGroup = (typeof ASSET_GROUPS)[number];

export const ASSET_GROUP_TITLES: Readonly<Record<AssetGroup, string>> = {
  textures: 'Textures and images',
  models: 'Models',
  audio: 'Audio',
  code: 'Scripts and code',
  levels: 'Levels and scenes',
  config: 'Configuration',
  other: 'Other',
};

const EXTENSIONS: Readonly<Record<Exclude<AssetGroup, 'other'>, readonly string[]>> = {
  textures: ['png', 'jpg', 'jpeg', 'tga', 'bmp', 'gif', 'tif', 'tiff', 'psd', 'psb', 'kra', 'xcf', 'ora', 'exr', 'hdr', 'dds', 'ktx', 'ktx2', 'webp', 'svg', 'ico', 'astc', 'pvr', 'basis', 'avif', 'heic', 'jxl', 'sbsar', 'spp'],
  models: ['fbx', 'obj', 'mtl', 'gltf', 'glb', 'blend', 'dae', '3ds', 'stl', 'ply', 'max', 'ma', 'mb', 'abc', 'usd', 'usda', 'usdc', 'usdz', 'x3d', 'lwo', 'lws', 'ms3d', 'md2', 'md3', 'md5mesh', 'md5anim', 'iqm', 'b3d', 'x', 'off', 'ac', 'vox', 'mesh'],
  audio: ['wav', 'ogg', 'oga', 'mp3', 'flac', 'aif', 'aiff', 'opus', 'wem', 'bnk', 'fsb', 'bank', 'mid', 'midi', 'xm', 'mod', 'it', 's3m', 'm4a', 'wma', 'caf'],
  code: ['cs', 'cpp', 'cc', 'cxx', 'c', 'h', 'hh', 'hpp', 'hxx', 'inl', 'js', 'mjs', 'ts', 'lua', 'py', 'gd', 'gdshader', 'shader', 'cginc', 'hlsl', 'hlsli', 'glsl', 'vert', 'frag', 'geom', 'comp', 'tesc', 'tese', 'usf', 'ush', 'metal', 'wgsl', 'rs', 'go', 'java', 'kt', 'swift', 'm', 'mm', 'as', 'hx', 'rb', 'sh', 'bat', 'ps1', 'cmake', 'asmdef', 'csproj', 'sln', 'uplugin', 'build.cs', 'target.cs', 'vcxproj'],
  levels: ['umap', 'unity', 'tscn', 'escn', 'scn', 'prefab', 'level', 'lvl', 'map', 'bsp', 'vmf', 'tmx', 'tmj', 'ldtk', 'ogmo', 'world'],
  config: ['ini', 'cfg', 'conf', 'json', 'yaml', 'yml', 'toml', 'xml', 'properties', 'plist', 'uproject', 'godot', 'env', 'ruleset', 'serv'],
};

const BY_EXTENSION = new Map<string, AssetGroup>();
for (const [group, exts] of Object.entries(EXTENSIONS) as Array<[AssetGroup, readonly string[]]>) {
  for (const ext of exts) BY_EXTENSION.set(ext, group);
}

/** The asset group of a `/`-separated path, by its last (or two last, as `build.cs`) extensions. */
export function assetGroupOf(path: string): AssetGroup {
  const base = (path.split('/').pop() ?? '').toLowerCase();
  const parts = base.split('.');
  if (parts.length < 2 || (parts.length === 2 && parts[0] === '')) return 'other';
  const two = parts.slice(-2).join('.');
  return BY_EXTENSION.get(two) ?? BY_EXTENSION.get(parts[parts.length - 1] as string) ?? 'other';
}

/** The extensions of each group, for documentation and `--json` consumers. */
export function assetGroupExtensions(): Readonly<Record<AssetGroup, readonly string[]>> {
  return { ...EXTENSIONS, other: [] };
}
