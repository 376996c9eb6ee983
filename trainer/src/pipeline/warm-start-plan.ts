/**
 * Where a pipeline's candidate starts: from the stable version's weights (--warm-start) or from random ones.
 *
 * A warm candidate starts from weights that learned every rating the stable trained on, validation rows included:
 * early stopping on those would measure memory, not fit (on the small preset it stopped after epoch 1 every time).
 * So it validates on the ratings gathered since the stable's run (`marquee train --val-since`), which no model has
 * seen; with none of those, a warm start cannot be run fairly and the candidate starts cold.
 */
import type { StoredModel } from './model-files.ts';
import type { StableData } from './stable-data.ts';

/** A warm start: the stable's files and the time of the first rating it never saw. */
export interface WarmStart {
  model: StoredModel;
  /** Unix seconds: the candidate validates on its training ratings from then on. */
  since: number;
}

/**
 * Where the candidate starts: the stable's weights when asked (--warm-start) and possible, else random weights,
 * with a note saying why when asked but not possible.
 */
export function warmStartPlan(
  asked: boolean,
  stable: StoredModel | { version: string | null; reason: string },
  trained: StableData | null,
): { from: WarmStart | null; note?: string } {
  if (!asked) return { from: null };
  if (!('weights' in stable)) return { from: null, note: `--warm-start: ${stable.reason}: cold start` };
  if (trained === null || trained.kind === 'unknown') {
    const why = trained?.reason ?? 'no record of what it trained on';
    return {
      from: null,
      note: `--warm-start: ${why}, so a candidate started from ${stable.version} could not be judged fairly: cold start`,
    };
  }
  if (trained.since === undefined) {
    return {
      from: null,
      note:
        `--warm-start: no rating arrived since stable ${stable.version} was trained, so a candidate started from ` +
        'it has nothing unseen to validate on: cold start',
    };
  }
  return { from: { model: stable, since: trained.since } };
}
