/**
 * The known latent process behind every synthetic rating. For user u and movie m the latent score is
 *
 *   x = mu + offset_u + quality_m + spread_u · ( p_u · q_m + genre(u, m) + nostalgia(u, m) + mood(u, m) )
 *
 * and the observed rating is clip(round(x + ε), 1, 5) with ε ~ N(0, NOISE_SD²).
 *
 * * offset_u: the user's habit (generous > 0, harsh < 0); spread_u: how strongly they express taste.
 * * quality_m: movie bias, partly correlated with popularity (popular movies are somewhat better liked).
 * * p_u · q_m: low-rank taste factors (rank FACTOR_RANK) — the part matrix factorization models exactly.
 * * genre(u, m): a logical, non-additive genre interaction: a bonus when the movie has any of the user's
 *   favourite genres (saturating in the number of matches), otherwise a penalty when it has the user's disliked
 *   genre — a favourite genre cancels the dislike (OR/AND-NOT logic over multi-label genres).
 * * nostalgia(u, m): age × era — a bump for movies released when the user was a teenager, a narrow function of
 *   (release year − birth year) whose user × movie matrix has high rank.
 * * mood(u, m): an ideal-point preference — each movie sits on a light-hearted ↔ grim axis (mood_m in [0, 1]),
 *   each user likes a narrow band around their own point; a Gaussian bump of the distance, again high rank.
 *
 * The three last terms are functions of a few user and movie attributes, easy for an MLP over learned embeddings,
 * but spread over many ranks of the rating matrix, so a low-rank model cannot fit them with the data it has.
 */
import type { SyntheticMovies } from './movies.ts';
import type { SyntheticUsers } from './users.ts';

/** Global mean of the latent score (rating units). */
export const MU = 2.88;
/** Standard deviation of the user's generous/harsh offset. */
export const USER_OFFSET_SD = 0.3;
/** Log-normal sd of the user's spread (1 = average). */
export const USER_SPREAD_LOG_SD = 0.15;
/** Standard deviation of the popularity-independent part of movie quality. */
export const MOVIE_QUALITY_SD = 0.28;
/** Quality added per standard deviation of log popularity. */
export const POPULARITY_QUALITY = 0.1;
/** Rank of the bilinear taste factors. */
export const FACTOR_RANK = 2;
/** Standard deviation of p_u · q_m (each factor entry is N(0, FACTOR_ENTRY_SD²)). */
export const FACTOR_DOT_SD = 0.15;
export const FACTOR_ENTRY_SD = Math.sqrt(FACTOR_DOT_SD / Math.sqrt(FACTOR_RANK));
/** Bonus for a movie with one of the user's favourite genres, and per extra matching favourite. */
export const GENRE_MATCH = 0.45;
export const GENRE_EXTRA_MATCH = 0.15;
/** Penalty for a movie with the user's disliked genre and none of their favourites. */
export const GENRE_CLASH = 0.6;
/** Height of the nostalgia bump, the age at which it peaks, and its width (sd, years). */
export const NOSTALGIA_AMPLITUDE = 1.0;
export const NOSTALGIA_AGE = 17;
export const NOSTALGIA_WIDTH = 5;
/** Height and width (sd, on the [0, 1] mood axis) of the mood bump. */
export const MOOD_AMPLITUDE = 0.9;
export const MOOD_WIDTH = 0.1;
/** Standard deviation of the Gaussian rating noise (rating units, before rounding). */
export const NOISE_SD = 0.88;

/** Number of set bits of a 32-bit mask. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** genre(u, m): the logical genre interaction (rating units). */
export function genreEffect(favorites: number, disliked: number, genres: number): number {
  const matches = popcount(favorites & genres);
  if (matches > 0) return GENRE_MATCH + GENRE_EXTRA_MATCH * (matches - 1);
  return (disliked & genres) !== 0 ? -GENRE_CLASH : 0;
}

/** nostalgia(u, m) for a user born in `birthYear` (fractional) and a movie released in `year`. */
export function nostalgiaEffect(birthYear: number, year: number): number {
  const z = (year + 0.5 - birthYear - NOSTALGIA_AGE) / NOSTALGIA_WIDTH;
  return NOSTALGIA_AMPLITUDE * Math.exp(-0.5 * z * z);
}

/** mood(u, m) for a user who likes `preferred` and a movie at `mood` (both on the [0, 1] axis). */
export function moodEffect(preferred: number, mood: number): number {
  const z = (mood - preferred) / MOOD_WIDTH;
  return MOOD_AMPLITUDE * Math.exp(-0.5 * z * z);
}

/** The latent score x of user index `u` and movie index `m` (rating units, before noise). */
export function latentScore(users: SyntheticUsers, u: number, movies: SyntheticMovies, m: number): number {
  let dot = 0;
  const pu = u * FACTOR_RANK;
  const qm = m * FACTOR_RANK;
  for (let r = 0; r < FACTOR_RANK; r++) dot += users.factors[pu + r]! * movies.factors[qm + r]!;
  const taste =
    dot +
    genreEffect(users.favorites[u]!, users.disliked[u]!, movies.genres[m]!) +
    nostalgiaEffect(users.birthYears[u]!, movies.years[m]!) +
    moodEffect(users.moods[u]!, movies.moods[m]!);
  return MU + users.offsets[u]! + movies.quality[m]! + users.spreads[u]! * taste;
}
