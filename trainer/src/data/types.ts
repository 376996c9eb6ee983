/**
 * The in-memory rating data set: columnar typed arrays, one entry per rating, no object per rating.
 * Users and movies are renumbered densely (0..n-1); `userIds` / `movieIds` map a dense index back to the
 * external id of the source files.
 */

/** The rating scale of a data set, e.g. {min: 1, max: 5, step: 1} or {min: 0.5, max: 5, step: 0.5}. */
export interface RatingScale {
  min: number;
  max: number;
  step: number;
}

/** Movie side information, indexed by dense movie index. */
export interface MovieTable {
  /** Titles (without the trailing "(year)" when the year was parsed out of it). */
  titles: string[];
  /** Bit mask of genres, bit i = GENRES[i] (shared/src/schemas/genres.ts). */
  genres: Uint32Array;
  /** Release year, 0 when unknown. */
  years: Int32Array;
}

/** User side information, indexed by dense user index (present for MovieLens 100K/1M and synthetic data). */
export interface UserTable {
  /** Age in years (MovieLens 1M: the age-group code), 0 when unknown. */
  ages: Int32Array;
  /** 'M' | 'F' | '' per user. */
  genders: string[];
  /** Occupation per user as the source names it ('' when unknown; MovieLens 1M: the occupation code). */
  occupations: string[];
  /**
   * Genres the user declared as favourites (bit g = GENRES[g]; 0 when none or unknown), e.g. picked at sign-up.
   * Only `users.csv` with a `favoriteGenres` column has them; MovieLens' own user files do not.
   */
  likedGenres: Uint32Array;
  /** Genres the user declared they dislike (same encoding; `users.csv` column `dislikedGenre(s)`). */
  dislikedGenres: Uint32Array;
}

/** Ratings in columnar form. All rating columns have length `count`. */
export interface RatingsTable {
  /** Dense user index per rating. */
  users: Int32Array;
  /** Dense movie index per rating. */
  movies: Int32Array;
  /** Rating value per rating, on `scale`. */
  ratings: Float32Array;
  /** Unix time in seconds per rating (0 when the source has none). */
  timestamps: Uint32Array;
  /** Number of ratings. */
  count: number;
  /** Dense user index -> external user id. */
  userIds: Int32Array;
  /** Dense movie index -> external movie id. */
  movieIds: Int32Array;
  scale: RatingScale;
  /** Movie side information (length movieIds.length) when the source has it. */
  movieInfo?: MovieTable;
  /** User side information (length userIds.length) when the source has it. */
  userInfo?: UserTable;
  /** Where the data came from: format name and path, for run configs and reports. */
  source: { format: string; path: string };
}

/** A train/test split: index arrays into the rows of one RatingsTable, disjoint and covering every rating. */
export interface Split {
  /** Rows (indices into the RatingsTable columns) used for training. */
  train: Int32Array;
  /** Rows held out for testing. */
  test: Int32Array;
  /** Test rows whose user has no training rating (reported, never dropped). */
  coldUsers: number;
  /** Test rows whose movie has no training rating (reported, never dropped). */
  coldMovies: number;
  /** Human-readable description, e.g. "random 0.2 seed=42". */
  description: string;
}
