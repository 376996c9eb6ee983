/**
 * movies.json: movie metadata in dense index order, column by column (compact, and the edge indexes it by dense
 * movie index anyway).
 */
import { z } from 'zod';
import { parseArtifact } from './parse.ts';

export const MOVIES_META_FILE = 'movies.json';
export const MOVIES_META_SCHEMA_VERSION = 1;

export const MoviesMetaSchema = z
  .looseObject({
    schema: z.literal(MOVIES_META_SCHEMA_VERSION),
    /** Genre vocabulary: bit i of a mask is genreVocabulary[i] (GENRES at export time). */
    genreVocabulary: z.array(z.string()),
    /** External movie id per dense index; unique. */
    ids: z.array(z.int()),
    /** Title per movie ("" when the source has none). */
    titles: z.array(z.string()),
    /** Genre bit mask per movie. */
    genreMasks: z.array(z.int().min(0).max(0xffffffff)),
    /** Release year per movie, null when unknown. */
    years: z.array(z.int().nullable()),
    /** Training ratings per movie (popularity). */
    ratingCounts: z.array(z.int().min(0)),
    /** Mean training rating per movie, null when it has none. */
    meanRatings: z.array(z.number().nullable()),
  })
  .superRefine((m, ctx) => {
    const n = m.ids.length;
    for (const key of ['titles', 'genreMasks', 'years', 'ratingCounts', 'meanRatings'] as const) {
      if (m[key].length !== n) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `expected ${n} entries (one per id), got ${m[key].length}`,
        });
      }
    }
    if (new Set(m.ids).size !== n)
      ctx.addIssue({ code: 'custom', path: ['ids'], message: 'ids are not unique' });
  });

export type MoviesMeta = z.output<typeof MoviesMetaSchema>;

/**
 * Validates a parsed movies.json.
 * @throws ArtifactError naming the file on an unknown schema version or any invalid field
 */
export function parseMoviesMeta(value: unknown, file: string = MOVIES_META_FILE): MoviesMeta {
  return parseArtifact(MoviesMetaSchema, file, MOVIES_META_SCHEMA_VERSION, value);
}
