/**
 * One colour per movie for the embedding map. A movie's primary genre is its least common genre in the catalogue:
 * "Action|Sci-Fi" reads as Sci-Fi, the more specific label, and the common genres do not swallow every point.
 */
import { GENRES } from '../../../../shared/src/schemas/genres.ts';

/** Label of movies without a known genre. */
export const NO_GENRE = '(none)';
/** Label of the genres folded together beyond the legend's size. */
export const OTHER_GENRES = 'Other';

/**
 * The primary genre of each movie: its genre with the fewest movies in the catalogue (ties: vocabulary order).
 * @param masks genre bit mask per movie (bit i = GENRES[i])
 */
export function primaryGenres(masks: Uint32Array): string[] {
  const frequency = new Float64Array(GENRES.length);
  masks.forEach((mask) => {
    for (let b = 0; b < GENRES.length; b++) if (mask & (1 << b)) frequency[b]!++;
  });
  return Array.from(masks, (mask) => {
    let best = -1;
    for (let b = 0; b < GENRES.length; b++) {
      if (mask & (1 << b) && (best < 0 || (frequency[b] as number) < (frequency[best] as number))) best = b;
    }
    return best < 0 ? NO_GENRE : (GENRES[best] as string);
  });
}

/**
 * Keeps the `max − 1` most frequent labels and folds the rest into "Other", so a legend stays readable
 * (categorical palettes have about ten distinguishable colours).
 */
export function foldRareLabels(labels: readonly string[], max = 10): string[] {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  if (counts.size <= max) return [...labels];
  const kept = new Set(
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, max - 1)
      .map(([l]) => l),
  );
  return labels.map((l) => (kept.has(l) ? l : OTHER_GENRES));
}
