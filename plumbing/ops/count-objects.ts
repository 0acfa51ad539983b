import type { Repository } from '../store/repository.js';
import { computeObjectStats, type CountObjectsResult } from '../store/object-stats.js';

export type { CountObjectsResult, KindCount } from '../store/object-stats.js';

/** Objects and bytes (stored and logical) per kind. */
export function countObjects(options: { repo: Repository }): Promise<CountObjectsResult> {
  return computeObjectStats(options.repo.objects);
}
