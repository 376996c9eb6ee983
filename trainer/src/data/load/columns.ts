/**
 * The columnar builder every loader writes into: four growable typed arrays (dense user, dense movie, rating,
 * timestamp) — 16 bytes per rating and no object per rating. Loaders size it from an upper bound on the number
 * of rows (the file's line count), so on clean files it never grows and `finish` hands the arrays over without a
 * copy.
 */

/** Exact-length rating columns. */
export interface Columns {
  users: Int32Array;
  movies: Int32Array;
  ratings: Float32Array;
  timestamps: Uint32Array;
  count: number;
}

export class ColumnBuilder {
  users: Int32Array;
  movies: Int32Array;
  ratings: Float32Array;
  timestamps: Uint32Array;
  count = 0;

  /** @param capacity expected number of rows; the builder grows by 1.5x past it. */
  constructor(capacity: number) {
    const n = Math.max(16, Math.ceil(capacity));
    this.users = new Int32Array(n);
    this.movies = new Int32Array(n);
    this.ratings = new Float32Array(n);
    this.timestamps = new Uint32Array(n);
  }

  /** Appends one rating (dense user, dense movie, value, unix seconds). */
  push(user: number, movie: number, rating: number, timestamp: number): void {
    const i = this.count;
    if (i === this.users.length) this.grow();
    this.users[i] = user;
    this.movies[i] = movie;
    this.ratings[i] = rating;
    this.timestamps[i] = timestamp;
    this.count = i + 1;
  }

  private grow(): void {
    const n = Math.ceil(this.users.length * 1.5);
    this.users = copyInto(new Int32Array(n), this.users);
    this.movies = copyInto(new Int32Array(n), this.movies);
    this.ratings = copyInto(new Float32Array(n), this.ratings);
    this.timestamps = copyInto(new Uint32Array(n), this.timestamps);
  }

  /** The columns trimmed to `count` (a copy only when capacity was overestimated). The builder is spent after. */
  finish(): Columns {
    return trimColumns({
      users: this.users,
      movies: this.movies,
      ratings: this.ratings,
      timestamps: this.timestamps,
      count: this.count,
    });
  }
}

/** Returns columns whose arrays have exactly `count` elements, copying only those that are longer. */
export function trimColumns(c: Columns): Columns {
  const n = c.count;
  return {
    users: c.users.length === n ? c.users : c.users.slice(0, n),
    movies: c.movies.length === n ? c.movies : c.movies.slice(0, n),
    ratings: c.ratings.length === n ? c.ratings : c.ratings.slice(0, n),
    timestamps: c.timestamps.length === n ? c.timestamps : c.timestamps.slice(0, n),
    count: n,
  };
}

function copyInto<T extends Int32Array | Float32Array | Uint32Array>(dst: T, src: T): T {
  dst.set(src as never);
  return dst;
}
