/**
 * Synthetic users: demographics, favourite and disliked genres, rating habits, long-tailed activity and an
 * active period. Columnar typed arrays indexed by user index (userId = index + 1).
 */
import { CLASSIC_GENRE_COUNT } from '../../../../shared/src/schemas/genres.ts';
import { allocateCounts } from './activity.ts';
import { FACTOR_ENTRY_SD, FACTOR_RANK, USER_OFFSET_SD, USER_SPREAD_LOG_SD } from './latent.ts';
import { DATA_END, DATA_START, GENRE_FREQUENCY, type SyntheticMovies } from './movies.ts';
import { MIN_RATINGS_PER_USER } from './presets.ts';
import { Sfc32 } from '../../../../shared/src/kernels/prng.ts';
import { pickDistinctMask, Stream } from './random.ts';

/** The user side of a synthetic data set. */
export interface SyntheticUsers {
  count: number;
  /** Age in years when the user started rating. */
  ages: Int32Array;
  /** 0 = 'M', 1 = 'F'. */
  genders: Uint8Array;
  /** Bit mask of 1–3 favourite genres. */
  favorites: Uint32Array;
  /** Bit mask of at most one disliked genre (0 = none). */
  disliked: Uint32Array;
  /** Generous (> 0) or harsh (< 0) offset of the latent score, rating units. */
  offsets: Float64Array;
  /** Multiplier of the taste terms (> 0, median 1). */
  spreads: Float64Array;
  /** Taste factors p_u, row-major count × FACTOR_RANK. */
  factors: Float64Array;
  /** Preferred point on the mood axis [0, 1] (see latent.ts). */
  moods: Float64Array;
  /** Birth year, fractional (start of activity − age). */
  birthYears: Float64Array;
  /** Number of ratings (≥ 20). */
  ratingCounts: Int32Array;
  /** Active period, Unix seconds: every rating time lies in [activeFrom, activeTo]. */
  activeFrom: Float64Array;
  activeTo: Float64Array;
}

const SECONDS_PER_DAY = 86400;
const SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY;

/** How much more often women (index 1) and men (index 0) name a genre a favourite; MovieLens-like tilts. */
const GENDER_TILT: ReadonlyArray<Readonly<Record<number, number>>> = [
  { 0: 1.6, 14: 1.5, 16: 1.6, 17: 1.4, 10: 1.2 }, // Action, Sci-Fi, War, Western, Horror
  { 13: 1.8, 7: 1.3, 11: 1.5, 3: 1.3 }, // Romance, Drama, Musical, Children
];

/** Log-normal sd of the activity weight: the long tail of heavy raters. */
const ACTIVITY_LOG_SD = 1.1;
/** The heaviest users rate at most this share of the catalogue (unless the density demands more). */
const MAX_CATALOGUE_SHARE = 0.7;

function favoriteWeights(gender: number): number[] {
  const tilt = GENDER_TILT[gender] ?? {};
  return GENRE_FREQUENCY.slice(0, CLASSIC_GENRE_COUNT).map((f, g) => Math.sqrt(f) * (tilt[g] ?? 1));
}

/**
 * Generates `count` users who rate `totalRatings` movies of `movies` in all. Pure: same arguments, same users.
 * @throws RangeError when totalRatings is outside [20·count, count·movies.count].
 */
export function makeUsers(
  seed: number,
  count: number,
  movies: SyntheticMovies,
  totalRatings: number,
): SyntheticUsers {
  const ages = new Int32Array(count);
  const genders = new Uint8Array(count);
  const favorites = new Uint32Array(count);
  const disliked = new Uint32Array(count);
  const offsets = new Float64Array(count);
  const spreads = new Float64Array(count);
  const factors = new Float64Array(count * FACTOR_RANK);
  const activity = new Float64Array(count);
  const moods = new Float64Array(count);
  const byGender = [favoriteWeights(0), favoriteWeights(1)];
  for (let u = 0; u < count; u++) {
    const rng = new Sfc32(seed, Stream.users, u);
    ages[u] = Math.min(80, Math.max(13, Math.round(33 + 11 * rng.normal())));
    const gender = rng.nextOpenFloat() < 0.3 ? 1 : 0;
    genders[u] = gender;
    const weights = byGender[gender]!;
    favorites[u] = pickDistinctMask(rng, weights, 1 + rng.pick([0.4, 0.4, 0.2]));
    if (rng.nextOpenFloat() < 0.7) {
      // Disliked genres follow how common a genre is, so the dislike shows up often enough to matter.
      const others = GENRE_FREQUENCY.slice(0, CLASSIC_GENRE_COUNT).map((f, g) =>
        favorites[u]! & (1 << g) ? 0 : f,
      );
      disliked[u] = pickDistinctMask(rng, others, 1);
    }
    offsets[u] = USER_OFFSET_SD * rng.normal();
    spreads[u] = Math.exp(USER_SPREAD_LOG_SD * rng.normal());
    for (let r = 0; r < FACTOR_RANK; r++) factors[u * FACTOR_RANK + r] = FACTOR_ENTRY_SD * rng.normal();
    activity[u] = Math.exp(ACTIVITY_LOG_SD * rng.normal());
    moods[u] = rng.nextOpenFloat();
  }
  const cap = Math.max(Math.floor(MAX_CATALOGUE_SHARE * movies.count), Math.ceil(totalRatings / count));
  const ratingCounts = allocateCounts(
    activity,
    totalRatings,
    MIN_RATINGS_PER_USER,
    Math.min(cap, movies.count),
  );
  const activeFrom = new Float64Array(count);
  const activeTo = new Float64Array(count);
  const birthYears = new Float64Array(count);
  for (let u = 0; u < count; u++) {
    const rng = new Sfc32(seed, Stream.activity, u);
    // The period must end after enough movies are out: 1.5× the user's count (or all), so there is choice left.
    const needed = Math.min(movies.count, Math.ceil(1.5 * ratingCounts[u]!)) - 1;
    const earliestEnd = Math.min(
      DATA_END,
      Math.max(DATA_START + 30 * SECONDS_PER_DAY, movies.sortedReleases[needed]! + SECONDS_PER_DAY),
    );
    const end = Math.floor(earliestEnd + rng.nextOpenFloat() * (DATA_END - earliestEnd));
    // Most users rate within weeks; a tail stays for years (log-normal, median 60 days).
    const duration = 60 * SECONDS_PER_DAY * Math.exp(1.8 * rng.normal());
    const start = Math.max(DATA_START, Math.floor(end - duration));
    activeFrom[u] = start;
    activeTo[u] = end;
    birthYears[u] = 1970 + start / SECONDS_PER_YEAR - ages[u]!;
  }
  return {
    count,
    ages,
    genders,
    favorites,
    disliked,
    offsets,
    spreads,
    factors,
    moods,
    birthYears,
    ratingCounts,
    activeFrom,
    activeTo,
  };
}
