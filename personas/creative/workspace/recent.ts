/** Recent documents from GTK's recently-used.xbel, as the GIMP and Inkscape adapters summarise them. */
import type { SummaryBuilder, SummaryInput } from './adapter.js';
import { bookmarkUsedBy, parseXbel } from './xbel.js';

/** Adds the application's recent files (newest first) to the summary, when the capture holds the file. */
export async function summarizeXbel(input: SummaryInput, path: string, app: RegExp, b: SummaryBuilder): Promise<void> {
  if (!input.files.some((f) => f.path === path)) return;
  try {
    const bookmarks = parseXbel((await input.read(path)).toString('utf8')).filter((x) => bookmarkUsedBy(x, app));
    bookmarks.sort((x, y) => (x.modified < y.modified ? 1 : x.modified > y.modified ? -1 : 0));
    b.list('recent files', bookmarks.map((x) => x.path));
  } catch (err) {
    b.problem(path, err);
  }
}
