/**
 * Popularity bias of recommendations: how popular the recommended movies are, as the percentile of each movie's
 * training-rating count among all movies. A list of the most-rated movies scores near 100; a random list ~50.
 */

/**
 * Popularity percentile of every movie: 100 × the share of movies with at most as many training ratings
 * (ties share a value; the most-rated movie is 100).
 * @param counts [numMovies] training ratings per movie
 * @returns [numMovies] percentiles in (0, 100]
 */
export function popularityPercentiles(counts: ArrayLike<number>): Float32Array {
  const n = counts.length;
  const order = Array.from({ length: n }, (_, m) => m).sort(
    (a, b) => (counts[a] as number) - (counts[b] as number),
  );
  const out = new Float32Array(n);
  // Walk groups of equal counts in ascending order: each gets the number of movies up to its group's end.
  for (let i = 0; i < n;) {
    const c = counts[order[i] as number] as number;
    let j = i;
    while (j < n && counts[order[j] as number] === c) j++;
    const pct = (100 * j) / n;
    for (let t = i; t < j; t++) out[order[t] as number] = pct;
    i = j;
  }
  return out;
}

/**
 * Mean popularity percentile of a list of movies (NaN for an empty list).
 * @param percentiles from `popularityPercentiles`
 */
export function meanPercentile(movies: ArrayLike<number>, percentiles: Float32Array): number {
  if (movies.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < movies.length; i++) s += percentiles[movies[i] as number] as number;
  return s / movies.length;
}

/**
 * Accumulates the popularity of ranked lists: each user's list's mean percentile, averaged over users (so every
 * user weighs the same whatever their list length), and every recommended movie's percentile for distributions.
 * A class because it is accumulating state.
 */
export class PopularityTally {
  private sum = 0;
  private lists = 0;
  private readonly all: number[] = [];

  constructor(readonly percentiles: Float32Array) {}

  /** Adds one user's ranked list (empty lists are not counted). */
  add(movies: ArrayLike<number>): void {
    if (movies.length === 0) return;
    this.sum += meanPercentile(movies, this.percentiles);
    this.lists++;
    for (let i = 0; i < movies.length; i++) this.all.push(this.percentiles[movies[i] as number] as number);
  }

  /** Mean over the added lists of their mean percentile (NaN when none was added). */
  mean(): number {
    return this.lists > 0 ? this.sum / this.lists : NaN;
  }

  /** The percentile of every recommended movie, in the order added (a movie recommended twice counts twice). */
  values(): Float32Array {
    return Float32Array.from(this.all);
  }
}
