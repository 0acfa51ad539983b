/**
 * The game benchmark's repository: a platforms project (`strata-platforms.json`, a JSON base, a YAML
 * console layer, a TOML Switch layer, an INI PC layer) and a few hundred asset files that never
 * change, in a long history on `main`, built through the plumbing library (blobs, trees and versions
 * written directly, `refs/heads/main` moved at the end) rather than by a `strata snapshot` per version
 * (about 0.2 s each). The result is a normal repository: `strata log`, `check` and every command read it.
 *
 * What changes, version i (1-based): the Switch's `graphics.fps` (switch.toml) every `fpsEvery`
 * versions (the planted answer), an unrelated Switch key every 7th, the base's audio volume every 3rd,
 * the console's dead zone every 5th, the PC layer every 4th, and `notes.md` in every version (so no two
 * versions share a tree). Everything is a pure function of i: the same inputs give the same repository
 * contents (version ids differ only through the fixed clock, which is fixed too).
 */
import { initRepository, openRepository, updateRef, commitVersion, type Repository, type TreeEntry } from '../../plumbing/index.js';

export interface HistoryProjectOptions {
  /** The project folder; the repository is created in `<dir>/.strata`. */
  dir: string;
  /** Versions on `main`. */
  versions: number;
  /** The timed key's value changes every this many versions. */
  fpsEvery: number;
  /** Asset files that never change (in folders of 30). */
  otherFiles: number;
}

/** One version in which the timed key's effective value changed (or was first set). */
export interface PlantedChange {
  /** 1-based position in the history (1 = the first version). */
  index: number;
  version: string;
  value: number;
  /** The value before (absent for the first version). */
  before?: number;
}

export interface HistoryProject {
  /** The repository folder (`<dir>/.strata`). */
  repoRoot: string;
  /** Version ids, oldest first. */
  versions: string[];
  platform: string;
  key: string;
  /** Where the key is set in every version. */
  file: string;
  line: number;
  /** The changes of the key's effective value, oldest first. */
  changes: PlantedChange[];
  /** Files in every version. */
  files: number;
}

export const HISTORY_PLATFORM = 'switch';
export const HISTORY_KEY = 'graphics.fps';
const SWITCH_FILE = 'config/switch.toml';
const FPS_LINE = 4;
/** Versions are a minute apart from this instant (2024-01-01T00:00:00Z). */
const BASE_TIME = Date.UTC(2024, 0, 1);

const PROJECT_FILE = `${JSON.stringify(
  {
    layers: [
      { name: 'base', file: 'config/base.json' },
      { name: 'console', extends: 'base', file: 'config/console.yaml' },
      { name: 'switch', extends: 'console', file: SWITCH_FILE },
      { name: 'pc', extends: 'base', file: 'config/pc.ini' },
    ],
    platforms: {
      pc: { description: 'Windows and Linux', layers: ['pc'] },
      ps5: { layers: ['console'] },
      switch: { layers: ['switch'] },
    },
  },
  null,
  2,
)}\n`;

/** The Switch's frame rate in version i. */
export function fpsAt(i: number, fpsEvery: number): number {
  return 20 + Math.floor((i - 1) / fpsEvery);
}

/** The project's files that may change, in version i. */
function layerFiles(i: number, fpsEvery: number): Map<string, string> {
  const base = {
    graphics: { resolution: '1920x1080', fps: 60, shadows: 'high', hdr: false },
    audio: { channels: 6, music: true, volume: 50 + (Math.floor(i / 3) % 50) },
    online: { matchmaking: 'global', regions: ['eu', 'us', 'asia'] },
  };
  return new Map([
    ['strata-platforms.json', PROJECT_FILE],
    ['config/base.json', `${JSON.stringify(base, null, 2)}\n`],
    ['config/console.yaml', `# Every console: a controller, fewer audio channels.\ngraphics:\n  shadows: medium\naudio:\n  channels: 2\ninput:\n  controller: true\n  deadzone: ${(0.05 + (Math.floor(i / 5) % 20) / 100).toFixed(2)}\n`],
    [SWITCH_FILE, `# Nintendo Switch: handheld resolution.\n[graphics]\nresolution = "1280x720"\nfps = ${fpsAt(i, fpsEvery)}\nshadows = "low"\nlod_bias = ${Math.floor(i / 7) % 4}\n`],
    ['config/pc.ini', `; PC: INI layer over base.json\n[graphics]\nhdr = true\nfps = ${120 + (Math.floor(i / 4) % 3) * 12}\n[audio]\n!music\n`],
    ['notes.md', `# Build notes\n\nbuild ${i}\n`],
  ]);
}

function fileEntry(name: string, id: string, size: number, mtime: number): TreeEntry {
  return { name: Buffer.from(name), type: 'file', id, size, mode: 0o644, mtime };
}

function dirEntry(name: string, id: string, mtime: number): TreeEntry {
  return { name: Buffer.from(name), type: 'directory', id, mode: 0o755, mtime };
}

/** Writes the assets that never change: folders of 30 small text files; returns the `assets` tree id. */
async function writeAssets(repo: Repository, count: number): Promise<string> {
  const folders: TreeEntry[] = [];
  for (let f = 0; f * 30 < count; f++) {
    const entries: TreeEntry[] = [];
    for (let k = f * 30; k < Math.min(count, (f + 1) * 30); k++) {
      const body = Buffer.from(`asset ${k}\n${'lorem ipsum dolor sit amet '.repeat(1 + (k % 40))}\n`);
      const { id } = await repo.objects.writeBlob(body);
      entries.push(fileEntry(`item-${String(k).padStart(4, '0')}.txt`, id, body.length, BASE_TIME));
    }
    const { id } = await repo.objects.writeTree(entries);
    folders.push(dirEntry(`zone-${String(f).padStart(2, '0')}`, id, BASE_TIME));
  }
  return (await repo.objects.writeTree(folders)).id;
}

/** Creates the repository and its history; returns what was planted. */
export async function buildHistoryProject(options: HistoryProjectOptions): Promise<HistoryProject> {
  const { dir, versions, fpsEvery, otherFiles } = options;
  const { root } = await initRepository({ dir });
  const repo = await openRepository({ repo: root });
  const assets = await writeAssets(repo, otherFiles);
  const stored = new Map<string, { id: string; size: number; mtime: number }>();
  const ids: string[] = [];
  const changes: PlantedChange[] = [];
  let parent: string | undefined;
  for (let i = 1; i <= versions; i++) {
    const time = BASE_TIME + i * 60_000;
    for (const [path, text] of layerFiles(i, fpsEvery)) {
      const body = Buffer.from(text);
      const previous = stored.get(path);
      const { id } = await repo.objects.writeBlob(body);
      if (previous?.id !== id) stored.set(path, { id, size: body.length, mtime: time });
    }
    const entry = (path: string): TreeEntry => {
      const s = stored.get(path) as { id: string; size: number; mtime: number };
      return fileEntry(path.slice(path.lastIndexOf('/') + 1), s.id, s.size, s.mtime);
    };
    const config = await repo.objects.writeTree(['config/base.json', 'config/console.yaml', SWITCH_FILE, 'config/pc.ini'].map(entry));
    const tree = await repo.objects.writeTree([entry('strata-platforms.json'), entry('notes.md'), dirEntry('config', config.id, time), dirEntry('assets', assets, BASE_TIME)]);
    const fps = fpsAt(i, fpsEvery);
    const version = await commitVersion({ repo, tree: tree.id, parents: parent === undefined ? [] : [parent], time, name: `build ${i}`, description: `build ${i}: fps ${fps}` });
    ids.push(version.id);
    const previousFps = i === 1 ? undefined : fpsAt(i - 1, fpsEvery);
    if (previousFps !== fps) changes.push({ index: i, version: version.id, value: fps, ...(previousFps === undefined ? {} : { before: previousFps }) });
    parent = version.id;
  }
  if (parent !== undefined) await updateRef({ repo, ref: 'refs/heads/main', newValue: parent });
  return { repoRoot: root, versions: ids, platform: HISTORY_PLATFORM, key: HISTORY_KEY, file: SWITCH_FILE, line: FPS_LINE, changes, files: 6 + otherFiles };
}
