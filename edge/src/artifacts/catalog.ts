/**
 * The movie side of one model version as the Worker holds it per isolate: metadata (ids, titles, genres, years),
 * the tables of movies.bin, the popularity rankings and, when published, the precomputed neighbours. Its size
 * depends on the number of movies only.
 */
import { ArtifactError } from '../../../shared/src/errors.ts';
import type { MovieTables } from '../../../shared/src/formats/movies-bin.ts';
import type { PopularityTables } from '../../../shared/src/formats/popularity-bin.ts';
import type { SimilarTables } from '../../../shared/src/formats/similar-bin.ts';
import { genreIndex, genreNames, type Genre } from '../../../shared/src/schemas/genres.ts';
import type { MoviesMeta } from '../../../shared/src/schemas/movies.ts';

export interface MovieCatalog {
  numMovies: number;
  dim: number;
  /** [M] external id per dense index. */
  ids: Int32Array;
  titles: string[];
  /** [M] genre masks in GENRES bit order (remapped from the file's vocabulary). */
  genres: Uint32Array;
  /** [M] release years, null when unknown. */
  years: (number | null)[];
  /** [M] training ratings per movie (popularity). */
  ratingCounts: number[];
  tables: MovieTables;
  popularity: PopularityTables;
  similar: SimilarTables | undefined;
  /** External id -> dense index. */
  byId: Map<number, number>;
}

/** A movie as the API returns it. */
export interface MovieJson {
  movieId: number;
  title: string;
  genres: Genre[];
  year: number | null;
}

/**
 * Builds the catalog and checks that the files agree on the number of movies.
 * @throws ArtifactError naming movies.json when counts disagree or a genre of its vocabulary is unknown
 */
export function buildCatalog(
  meta: MoviesMeta,
  tables: MovieTables,
  popularity: PopularityTables,
  similar: SimilarTables | undefined,
): MovieCatalog {
  const n = meta.ids.length;
  if (n !== tables.numMovies) {
    throw new ArtifactError('movies.json', `has ${n} movies but movies.bin has ${tables.numMovies}`);
  }
  const remap = meta.genreVocabulary.map((name) => genreIndex(name));
  const ids = Int32Array.from(meta.ids);
  const genres = new Uint32Array(n);
  for (let m = 0; m < n; m++) {
    const mask = meta.genreMasks[m] as number;
    let out = 0;
    for (let b = 0; b < remap.length; b++) {
      // Genres outside our vocabulary (e.g. "(no genres listed)") cannot be filtered on; they are dropped.
      const g = remap[b] as number;
      if (mask & (1 << b) && g >= 0) out |= 1 << g;
    }
    genres[m] = out >>> 0;
  }
  const byId = new Map<number, number>();
  for (let m = 0; m < n; m++) byId.set(ids[m] as number, m);
  return {
    numMovies: n,
    dim: tables.dim,
    ids,
    titles: meta.titles,
    genres,
    years: meta.years,
    ratingCounts: meta.ratingCounts,
    tables,
    popularity,
    similar,
    byId,
  };
}

/** Dense index of an external movie id, or -1 when the version does not know it. */
export function movieIndex(catalog: MovieCatalog, movieId: number): number {
  return catalog.byId.get(movieId) ?? -1;
}

/** The API form of movie `index`. */
export function movieJson(catalog: MovieCatalog, index: number): MovieJson {
  return {
    movieId: catalog.ids[index] as number,
    title: catalog.titles[index] ?? '',
    genres: genreNames(catalog.genres[index] as number),
    year: catalog.years[index] ?? null,
  };
}
