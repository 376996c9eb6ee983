/**
 * The synthetic movie catalogue: multi-label genres, release dates skewed to recent years, Zipf popularity and the
 * movie side of the latent process. Columnar typed arrays indexed by movie index (movieId = index + 1).
 */
import { CLASSIC_GENRE_COUNT } from '../../../../shared/src/schemas/genres.ts';
import { FACTOR_ENTRY_SD, FACTOR_RANK, MOVIE_QUALITY_SD, POPULARITY_QUALITY } from './latent.ts';
import { Sfc32 } from '../../../../shared/src/kernels/prng.ts';
import { AliasTable, pickDistinctMask, Stream } from './random.ts';
import { movieTitle } from './titles.ts';

/** First and last instant (Unix seconds) of the rating period: 1996-01-01 to 2024-01-01 UTC, as in MovieLens. */
export const DATA_START = Date.UTC(1996, 0, 1) / 1000;
export const DATA_END = Date.UTC(2024, 0, 1) / 1000;
/** Release years span [FIRST_YEAR, LAST_YEAR]; every movie is released before DATA_END. */
export const FIRST_YEAR = 1915;
export const LAST_YEAR = 2023;
/** Exponent s of the Zipf popularity weight 1 / rank^s. */
export const ZIPF_EXPONENT = 1.0;

/**
 * How common each of the 18 classic genres is among movies (MovieLens-like; same order as GENRES).
 * Action, Adventure, Animation, Children, Comedy, Crime, Documentary, Drama, Fantasy, Film-Noir, Horror,
 * Musical, Mystery, Romance, Sci-Fi, Thriller, War, Western.
 */
export const GENRE_FREQUENCY = [
  0.12, 0.08, 0.04, 0.04, 0.3, 0.1, 0.06, 0.41, 0.05, 0.01, 0.09, 0.02, 0.05, 0.13, 0.06, 0.14, 0.03, 0.02,
] as const;

/** Probability that a movie has 1, 2, 3 or 4 genres. */
const GENRE_COUNT_WEIGHTS = [0.45, 0.35, 0.15, 0.05];

/** The movie side of a synthetic data set. */
export interface SyntheticMovies {
  count: number;
  /** Titles without the year, e.g. "Silent River, The". */
  titles: string[];
  /** Genre bit mask (bit i = GENRES[i]). */
  genres: Uint32Array;
  /** Release year. */
  years: Int32Array;
  /** Release instant, Unix seconds (within `years`). */
  releases: Float64Array;
  /** Zipf popularity weight (unnormalized), used to choose which movies get rated. */
  popularity: Float64Array;
  /** Movie bias of the latent score (rating units). */
  quality: Float64Array;
  /** Taste factors q_m, row-major count × FACTOR_RANK. */
  factors: Float64Array;
  /** Position on the light-hearted (0) ↔ grim (1) mood axis. */
  moods: Float64Array;
  /** Movie indices sorted by release time, and `releases` in that order: the movies a user active until t
   * can rate are a prefix of this order. */
  byRelease: Int32Array;
  sortedReleases: Float64Array;
  /** Draws a movie index with probability ∝ popularity. */
  popularitySampler: AliasTable;
}

/** Generates the catalogue of `count` movies from `seed`. Pure: same arguments, same catalogue. */
export function makeMovies(seed: number, count: number): SyntheticMovies {
  const titles = new Array<string>(count);
  const genres = new Uint32Array(count);
  const years = new Int32Array(count);
  const releases = new Float64Array(count);
  const quality = new Float64Array(count);
  const factors = new Float64Array(count * FACTOR_RANK);
  const moods = new Float64Array(count);
  const genreWeights = GENRE_FREQUENCY.slice(0, CLASSIC_GENRE_COUNT);
  for (let m = 0; m < count; m++) {
    const rng = new Sfc32(seed, Stream.movies, m);
    genres[m] = pickDistinctMask(rng, genreWeights, 1 + rng.pick(GENRE_COUNT_WEIGHTS));
    // Most movies are recent (exponential age, mean 15 years); a fifth are spread over the whole century.
    const year =
      rng.nextOpenFloat() < 0.8
        ? LAST_YEAR - Math.floor(rng.exponential(15))
        : FIRST_YEAR + rng.belowFast(LAST_YEAR - FIRST_YEAR + 1);
    years[m] = Math.max(FIRST_YEAR, year);
    releases[m] = Date.UTC(years[m]!, 0, 1) / 1000 + rng.belowFast(364) * 86400;
    quality[m] = MOVIE_QUALITY_SD * rng.normal();
    for (let r = 0; r < FACTOR_RANK; r++) factors[m * FACTOR_RANK + r] = FACTOR_ENTRY_SD * rng.normal();
    moods[m] = rng.nextOpenFloat();
    titles[m] = movieTitle(new Sfc32(seed, Stream.titles, m));
  }
  const popularity = zipfPopularity(seed, count);
  addPopularityToQuality(popularity, quality);
  const byRelease = Int32Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => releases[a]! - releases[b]! || a - b,
  );
  const sortedReleases = Float64Array.from(byRelease, (m) => releases[m]!);
  return {
    count,
    titles,
    genres,
    years,
    releases,
    popularity,
    quality,
    factors,
    moods,
    byRelease,
    sortedReleases,
    popularitySampler: new AliasTable(popularity),
  };
}

/** Zipf weights 1/rank^s over a seeded random permutation of ranks (a Fisher–Yates shuffle). */
function zipfPopularity(seed: number, count: number): Float64Array {
  const rank = Int32Array.from({ length: count }, (_, i) => i);
  const rng = new Sfc32(seed, Stream.popularity, 0);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.belowFast(i + 1);
    const t = rank[i]!;
    rank[i] = rank[j]!;
    rank[j] = t;
  }
  return Float64Array.from(rank, (r) => (r + 1) ** -ZIPF_EXPONENT);
}

/** Popular movies are somewhat better liked: add POPULARITY_QUALITY per sd of log popularity. */
function addPopularityToQuality(popularity: Float64Array, quality: Float64Array): void {
  const n = popularity.length;
  let mean = 0;
  for (let m = 0; m < n; m++) mean += Math.log(popularity[m]!);
  mean /= n;
  let variance = 0;
  for (let m = 0; m < n; m++) variance += (Math.log(popularity[m]!) - mean) ** 2;
  const sd = Math.sqrt(variance / n) || 1;
  for (let m = 0; m < n; m++) {
    quality[m] = quality[m]! + (POPULARITY_QUALITY * (Math.log(popularity[m]!) - mean)) / sd;
  }
}

/** Number of movies released strictly before `t` (Unix seconds): the length of the eligible prefix of byRelease. */
export function releasedBefore(movies: SyntheticMovies, t: number): number {
  const a = movies.sortedReleases;
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
