/** Where a pipeline's candidate starts: from the stable version's weights (--warm-start) or from random ones. */
import type { StoredModel } from './model-files.ts';
import type { StableData } from './stable-data.ts';

/**
 * Where the candidate starts: the stable's weights when asked (--warm-start) and possible, else random weights,
 * with a note saying why when asked but not possible.
 */
export function warmStartPlan(
  asked: boolean,
  stable: StoredModel | { version: string | null; reason: string },
  trained: StableData | null,
): { from: StoredModel | null; note?: string } {
  if (!asked) return { from: null };
  if (!('weights' in stable)) return { from: null, note: `--warm-start: ${stable.reason}: cold start` };
  if (trained?.kind === 'unknown') {
    return {
      from: null,
      note:
        `--warm-start: ${trained.reason}, so a candidate started from ${stable.version} could not be judged ` +
        'fairly: cold start',
    };
  }
  return { from: stable };
}
