/**
 * Profiles of user segments: size, mean rating, favourite genres and mean age of each cluster of users.
 * A cluster's favourite genres are those it rates most often compared with everyone (lift of its rating share):
 * plain shares would crown the most common genre (Drama) in every cluster.
 */
import { GENRES } from '../../../../shared/src/schemas/genres.ts';

/** Label of users left out of the clustering; their ratings are not profiled. */
export const UNCLUSTERED = -1;

/** A genre's place in one cluster's ratings. */
export interface GenreShare {
  genre: string;
  /** Share of the cluster's ratings on movies of this genre (multi-genre movies split their rating evenly). */
  share: number;
  /** share / the same share over all users: > 1 means the cluster favours the genre. */
  lift: number;
}

/** Profile of one cluster. */
export interface SegmentProfile {
  cluster: number;
  users: number;
  /** users / all clustered users. */
  userShare: number;
  ratings: number;
  /** NaN when the cluster has no ratings. */
  meanRating: number;
  /** Genres with at least 1% of all ratings, in vocabulary order. */
  genres: GenreShare[];
  /** Up to `topGenres` of `genres` by lift, highest first. */
  favouriteGenres: GenreShare[];
  /** Mean age of users whose age is known (> 0); NaN when none is. */
  meanAge: number;
  ageKnown: number;
}

/** Inputs of `profileSegments`: ratings in columnar form plus optional side information. */
export interface SegmentInputs {
  /** Cluster of every user, in [0, k), or UNCLUSTERED (e.g. users without training ratings). */
  labels: Int32Array;
  k: number;
  users: Int32Array;
  movies: Int32Array;
  ratings: Float32Array;
  /** Genre bit mask per movie (GENRES order); favourite genres are empty without it. */
  movieGenres?: Uint32Array;
  /** Age per user, 0 when unknown. */
  ages?: Int32Array;
}

/**
 * Profiles every cluster.
 * @param topGenres favourite genres listed per cluster
 * @throws RangeError when the rating columns differ in length or a label is out of range
 */
export function profileSegments(inputs: SegmentInputs, topGenres = 3): SegmentProfile[] {
  const { labels, k, users, movies, ratings, movieGenres, ages } = inputs;
  if (users.length !== movies.length || users.length !== ratings.length) {
    throw new RangeError(
      `profileSegments: rating columns differ in length (${users.length}, ${movies.length}, ${ratings.length})`,
    );
  }
  const g = GENRES.length;
  const userCount = new Float64Array(k);
  const ratingCount = new Float64Array(k);
  const ratingSum = new Float64Array(k);
  const genreWeight = new Float64Array(k * g);
  const ageSum = new Float64Array(k);
  const ageCount = new Float64Array(k);
  labels.forEach((c, u) => {
    if (c === UNCLUSTERED) return;
    if (!(c >= 0 && c < k))
      throw new RangeError(`profileSegments: label ${c} of user ${u} outside [0, ${k})`);
    userCount[c]!++;
    const age = ages?.[u] ?? 0;
    if (age > 0) {
      ageSum[c] = (ageSum[c] as number) + age;
      ageCount[c]!++;
    }
  });
  for (let i = 0; i < users.length; i++) {
    const c = labels[users[i] as number] as number;
    if (c === UNCLUSTERED) continue;
    ratingCount[c]!++;
    ratingSum[c] = (ratingSum[c] as number) + (ratings[i] as number);
    const mask = movieGenres?.[movies[i] as number] ?? 0;
    const n = popcount(mask);
    if (n === 0) continue;
    for (let b = 0; b < g; b++)
      if (mask & (1 << b)) genreWeight[c * g + b] = (genreWeight[c * g + b] as number) + 1 / n;
  }
  const overall = new Float64Array(g);
  for (let c = 0; c < k; c++)
    for (let b = 0; b < g; b++) overall[b] = (overall[b] as number) + (genreWeight[c * g + b] as number);
  const overallTotal = overall.reduce((s, x) => s + x, 0);
  const totalUsers = userCount.reduce((s, x) => s + x, 0);
  return Array.from({ length: k }, (_, c) => {
    const clusterTotal = genreWeight.subarray(c * g, (c + 1) * g).reduce((s, x) => s + x, 0);
    const genres: GenreShare[] = [];
    for (let b = 0; b < g; b++) {
      const all = (overall[b] as number) / overallTotal;
      if (!(all >= 0.01) || clusterTotal === 0) continue;
      const share = (genreWeight[c * g + b] as number) / clusterTotal;
      genres.push({ genre: GENRES[b] as string, share, lift: share / all });
    }
    const favourites = [...genres].sort((a, b) => b.lift - a.lift || b.share - a.share);
    const n = ratingCount[c] as number;
    return {
      cluster: c,
      users: userCount[c] as number,
      userShare: totalUsers > 0 ? (userCount[c] as number) / totalUsers : 0,
      ratings: n,
      meanRating: n > 0 ? (ratingSum[c] as number) / n : NaN,
      genres,
      favouriteGenres: favourites.slice(0, topGenres),
      meanAge: (ageCount[c] as number) > 0 ? (ageSum[c] as number) / (ageCount[c] as number) : NaN,
      ageKnown: ageCount[c] as number,
    };
  });
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}
