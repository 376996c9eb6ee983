/**
 * The genre vocabulary. The first 18 are MovieLens' classic genres (100K/1M); MovieLens "latest" adds IMAX and
 * "(no genres listed)". Genres are stored as bit masks (bit i = GENRES[i]) so a movie's genre set is one uint32.
 */
export const GENRES = [
  'Action',
  'Adventure',
  'Animation',
  'Children',
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
  'IMAX',
] as const;

export type Genre = (typeof GENRES)[number];

/** The 18 classic MovieLens genres (everything but IMAX), used by the synthetic generator. */
export const CLASSIC_GENRE_COUNT = 18;

const INDEX = new Map<string, number>(GENRES.map((g, i) => [g.toLowerCase(), i]));
// MovieLens 100K/1M spell it "Children's".
INDEX.set("children's", GENRES.indexOf('Children'));

/** Index of a genre name (case-insensitive, "Children's" accepted), or -1 when unknown. */
export function genreIndex(name: string): number {
  return INDEX.get(name.trim().toLowerCase()) ?? -1;
}

/** Bit mask of a list of genre names; unknown names and "(no genres listed)" are ignored. */
export function genreMask(names: readonly string[]): number {
  let mask = 0;
  for (const name of names) {
    const i = genreIndex(name);
    if (i >= 0) mask |= 1 << i;
  }
  return mask >>> 0;
}

/** Genre names of a bit mask, in vocabulary order. */
export function genreNames(mask: number): Genre[] {
  const out: Genre[] = [];
  for (let i = 0; i < GENRES.length; i++) if (mask & (1 << i)) out.push(GENRES[i] as Genre);
  return out;
}
