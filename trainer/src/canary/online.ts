/**
 * Online quality of each arm from the app's feedback events, with the definitions the judge tests:
 *
 * - An impression belongs to the arm that served it: its `modelVersion` and `channel` (what the response said).
 * - Click-through: the share of an arm's impressions after which the same user clicked one of the listed movies
 *   (a click received at or after the impression, inside the window). Each impression counts once however many
 *   of its movies were clicked; one click can make several earlier impressions listing that movie count.
 * - Watch-through: the same with `watch` events.
 * - Rating hit rate: of the `rating` events whose movie was listed in an earlier (or simultaneous) impression to
 *   that user, the share with a value ≥ the good-rating threshold (default 4). A rating belongs to the arm of the
 *   latest such impression. Ratings of movies the user was never shown are not counted for either arm.
 *
 * Times are the Worker's `received` stamps (one clock); an app's own `at` is not trusted for ordering. Events are
 * compared per user only, so the cost is O(events + listed movies).
 */
import type { StoredEvent } from '../../../shared/src/schemas/events.ts';

export type ArmName = 'stable' | 'canary';
export const ARM_NAMES: readonly ArmName[] = ['stable', 'canary'];

/** The versions the two arms serve. */
export interface Arms {
  stable: string;
  canary: string;
}

/** Counts of one arm. */
export interface OnlineTally {
  impressions: number;
  /** Impressions followed by a click on a listed movie. */
  clicked: number;
  /** Impressions followed by a watch of a listed movie. */
  watched: number;
  /** Ratings of movies shown by this arm before. */
  ratings: number;
  /** Those ratings ≥ the threshold. */
  goodRatings: number;
}

const emptyTally = (): OnlineTally => ({
  impressions: 0,
  clicked: 0,
  watched: 0,
  ratings: 0,
  goodRatings: 0,
});

/** The arm an impression belongs to, if any of the two. */
function armOf(e: Extract<StoredEvent, { type: 'impression' }>, arms: Arms): ArmName | undefined {
  if (e.channel === 'stable' && e.modelVersion === arms.stable) return 'stable';
  if (e.channel === 'canary' && e.modelVersion === arms.canary) return 'canary';
  return undefined;
}

const ORDER: Record<StoredEvent['type'], number> = { impression: 0, click: 1, watch: 1, rating: 1 };

/**
 * Tallies both arms over `events` (already restricted to the window).
 * @param goodRating a rating at least this high is a hit
 */
export function tallyOnline(
  events: readonly StoredEvent[],
  arms: Arms,
  goodRating: number,
): Record<ArmName, OnlineTally> {
  const tally = { stable: emptyTally(), canary: emptyTally() };
  const byUser = new Map<number, { e: StoredEvent; t: number }[]>();
  for (const e of events) {
    const list = byUser.get(e.user) ?? [];
    list.push({ e, t: Date.parse(e.received) });
    byUser.set(e.user, list);
  }
  for (const list of byUser.values()) {
    // At equal times the impression comes first: a click sent in the same batch followed it.
    list.sort((a, b) => a.t - b.t || ORDER[a.e.type] - ORDER[b.e.type]);
    // Backwards: which movies this user clicks / watches from here on.
    const clickedLater = new Set<number>();
    const watchedLater = new Set<number>();
    for (let i = list.length - 1; i >= 0; i--) {
      const { e } = list[i]!;
      if (e.type === 'click') clickedLater.add(e.movie);
      else if (e.type === 'watch') watchedLater.add(e.movie);
      else if (e.type === 'impression') {
        const arm = armOf(e, arms);
        if (arm === undefined) continue;
        tally[arm].impressions++;
        if (e.movies.some((m) => clickedLater.has(m))) tally[arm].clicked++;
        if (e.movies.some((m) => watchedLater.has(m))) tally[arm].watched++;
      }
    }
    // Forwards: the arm of the latest impression that listed each movie.
    const shownBy = new Map<number, ArmName>();
    for (const { e } of list) {
      if (e.type === 'impression') {
        const arm = armOf(e, arms);
        // A later list from another version takes the movie's attribution away from both arms.
        for (const m of e.movies) {
          if (arm === undefined) shownBy.delete(m);
          else shownBy.set(m, arm);
        }
      } else if (e.type === 'rating') {
        const arm = shownBy.get(e.movie);
        if (arm === undefined) continue;
        tally[arm].ratings++;
        if (e.value >= goodRating) tally[arm].goodRatings++;
      }
    }
  }
  return tally;
}
