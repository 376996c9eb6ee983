/**
 * One user's ratings: which movies (popularity × genre affinity, only movies already released during the user's
 * active period), when (uniform within the period, never before release), the rating drawn from the latent
 * process and its exact expectation.
 */
import { latentScore, NOISE_SD, popcount } from './latent.ts';
import { releasedBefore, type SyntheticMovies } from './movies.ts';
import { expectedRoundedRating, roundedRating } from './normal.ts';
import { type Rng, Sfc32 } from '../../../../shared/src/kernels/prng.ts';
import { Stream } from './random.ts';
import type { SyntheticUsers } from './users.ts';

/** Selection weight multiplier per favourite genre a movie has (at most two count). */
const FAVORITE_SELECTION = 1.5;
/** Selection weight multiplier of a movie with the disliked genre and no favourite. */
const DISLIKED_SELECTION = 0.35;
const MAX_AFFINITY = 1 + 2 * FAVORITE_SELECTION;

/** How much more likely user (favorites, disliked) is to rate a movie of `genres`, relative to popularity. */
export function genreAffinity(favorites: number, disliked: number, genres: number): number {
  const matches = Math.min(2, popcount(favorites & genres));
  if (matches > 0) return 1 + FAVORITE_SELECTION * matches;
  return (disliked & genres) !== 0 ? DISLIKED_SELECTION : 1;
}

/**
 * Generates users' ratings one user at a time into reusable buffers (a class because the scratch arrays are
 * real state: sized by the catalogue once, reused for every user, so the per-user cost is O(ratings)).
 */
export class RatingSampler {
  /** Movie indices of the current user's ratings, ascending (valid up to `length`). */
  readonly movies: Int32Array;
  /** Integer rating 1..5 per entry. */
  readonly ratings: Uint8Array;
  /** Unix seconds per entry. */
  readonly timestamps: Float64Array;
  /** E[rating | latent state] per entry. */
  readonly expected: Float64Array;
  length = 0;

  private readonly stamp: Int32Array;
  private readonly keys: Float64Array;
  private readonly cumulativePopularity: Float64Array;
  private generation = 0;

  constructor(
    private readonly seed: number,
    private readonly users: SyntheticUsers,
    private readonly catalogue: SyntheticMovies,
  ) {
    const n = catalogue.count;
    this.movies = new Int32Array(n);
    this.ratings = new Uint8Array(n);
    this.timestamps = new Float64Array(n);
    this.expected = new Float64Array(n);
    this.stamp = new Int32Array(n);
    this.keys = new Float64Array(n);
    this.cumulativePopularity = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      this.cumulativePopularity[i + 1] =
        this.cumulativePopularity[i]! + catalogue.popularity[catalogue.byRelease[i]!]!;
    }
  }

  /** Fills the buffers with user `u`'s ratings; returns their number. */
  generate(u: number): number {
    const users = this.users;
    const rng = new Sfc32(this.seed, Stream.ratings, u);
    const k = users.ratingCounts[u]!;
    const end = users.activeTo[u]!;
    const eligible = releasedBefore(this.catalogue, end);
    const eligibleShare =
      this.cumulativePopularity[eligible]! / this.cumulativePopularity[this.catalogue.count]!;
    // Rejection sampling costs about k / eligibleShare draws while the user takes a small part of the eligible
    // pool; otherwise exponential keys over the whole pool (O(eligible)) are cheaper. Both draw successively
    // ∝ weight without replacement, i.e. from the same distribution.
    if (3 * k <= eligible && 4 * k <= eligibleShare * eligible) this.chooseByRejection(rng, u, k, end);
    else this.chooseByKeys(rng, u, k, eligible);
    const chosen = this.movies.subarray(0, k).sort();
    const start = users.activeFrom[u]!;
    for (let i = 0; i < k; i++) {
      const m = chosen[i]!;
      const from = Math.max(start, this.catalogue.releases[m]!);
      this.timestamps[i] = Math.floor(from + rng.nextOpenFloat() * (end - from));
      const x = latentScore(users, u, this.catalogue, m);
      this.ratings[i] = roundedRating(x, NOISE_SD * rng.normal());
      this.expected[i] = expectedRoundedRating(x, NOISE_SD);
    }
    this.length = k;
    return k;
  }

  private weight(u: number, m: number): number {
    return (
      this.catalogue.popularity[m]! *
      genreAffinity(this.users.favorites[u]!, this.users.disliked[u]!, this.catalogue.genres[m]!)
    );
  }

  /** Propose ∝ popularity, accept ∝ genre affinity; reject duplicates and movies not yet released by `end`. */
  private chooseByRejection(rng: Rng, u: number, k: number, end: number): void {
    const generation = ++this.generation;
    const fav = this.users.favorites[u]!;
    const dis = this.users.disliked[u]!;
    const { genres, releases, popularitySampler } = this.catalogue;
    let n = 0;
    while (n < k) {
      const m = popularitySampler.sample(rng);
      if (this.stamp[m] === generation || releases[m]! >= end) continue;
      if (rng.nextOpenFloat() * MAX_AFFINITY >= genreAffinity(fav, dis, genres[m]!)) continue;
      this.stamp[m] = generation;
      this.movies[n++] = m;
    }
  }

  /** Efraimidis–Spirakis: the k largest keys log(U)/w among the `eligible` earliest-released movies. */
  private chooseByKeys(rng: Rng, u: number, k: number, eligible: number): void {
    const keys = this.keys.subarray(0, eligible);
    for (let i = 0; i < eligible; i++)
      keys[i] = Math.log(rng.nextOpenFloat()) / this.weight(u, this.catalogue.byRelease[i]!);
    // The k-th largest key is the threshold; a native numeric sort of a copy beats a comparator sort of indices.
    const threshold = Float64Array.from(keys).sort()[eligible - k]!;
    let n = 0;
    for (let i = 0; i < eligible && n < k; i++) {
      if (keys[i]! >= threshold) this.movies[n++] = this.catalogue.byRelease[i]!;
    }
  }
}
