/**
 * zod schemas of the request values every route shares (ids, limit, flags, genres). Their messages say what is
 * expected and what came; `validate` (validate.ts) prefixes the field. Path and query values arrive as text, body
 * values as JSON, hence two schemas for some.
 */
import { z } from 'zod';
import { GENRES, genreIndex } from '../../../shared/src/schemas/genres.ts';

/** Largest id accepted: ids are stored as int32. */
const MAX_ID = 2 ** 31 - 1;
/** Bounds of `limit`. */
export const MIN_LIMIT = 1;
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 10;

/** A body value as a message quotes it: JSON ("5" vs 5), shortened; "nothing" when missing. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Text from a path or query, shortened. */
function showText(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** zod's `error` option giving one message whichever check fails: "must be <what> (got <input>)". */
function expecting(what: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `must be ${what} (got ${show(issue.input)})` };
}

/**
 * `expecting` for a path or query value, quoted as sent; a query parameter given more than once arrives as an
 * array.
 */
function expectingText(what: string): { error: (issue: { input?: unknown }) => string } {
  return {
    error: (issue) =>
      Array.isArray(issue.input)
        ? `must be given once (got ${issue.input.length} values)`
        : `must be ${what} (got ${typeof issue.input === 'string' ? showText(issue.input) : show(issue.input)})`,
  };
}

const ID_RULE = `a whole number between 0 and ${MAX_ID}`;
const id = expecting(ID_RULE);
const idText = expectingText(ID_RULE);
/** An external user or movie id in a JSON body: a whole number in [0, 2^31-1]. */
export const IdSchema = z.int(id).min(0, id).max(MAX_ID, id);
/** An id in a path or query: decimal digits, then as IdSchema. */
export const IdTextSchema = z
  .string(idText)
  .regex(/^[0-9]{1,10}$/, idText)
  .transform(Number)
  .pipe(IdSchema);

const LIMIT_RULE = `a whole number from ${MIN_LIMIT} to ${MAX_LIMIT}`;
const limit = expecting(LIMIT_RULE);
const limitText = expectingText(LIMIT_RULE);
const LimitNumber = z.int(limit).min(MIN_LIMIT, limit).max(MAX_LIMIT, limit);
/** `limit` in a body: how many results, 1..100; DEFAULT_LIMIT when absent. */
export const LimitSchema = LimitNumber.default(DEFAULT_LIMIT);
/** `limit` in a query. */
export const LimitTextSchema = z
  .string(limitText)
  .regex(/^[0-9]{1,4}$/, limitText)
  .transform(Number)
  .pipe(LimitNumber)
  .default(DEFAULT_LIMIT);

/** A boolean query flag: true/false/1/0; `fallback` when absent. */
export function flagSchema(fallback: boolean) {
  return z
    .enum(['true', '1', 'false', '0'], expectingText('true or false'))
    .transform((v) => v === 'true' || v === '1')
    .default(fallback);
}

/** The bit mask (bit i = GENRES[i]) of genre names, or a custom issue listing the valid genres. */
function genreMaskOf(names: readonly string[], ctx: z.core.$RefinementCtx): number {
  let mask = 0;
  for (const name of names) {
    const g = genreIndex(name);
    if (g < 0) {
      ctx.issues.push({
        code: 'custom',
        input: name,
        message: `unknown genre ${showText(name)}; valid genres: ${GENRES.join(', ')}`,
        params: { validGenres: GENRES },
      });
      return z.NEVER;
    }
    mask |= 1 << g;
  }
  return mask >>> 0;
}

/** `genres` in a query: "Comedy,Drama" (any case) → bit mask; 0 when absent. */
export const GenresTextSchema = z
  .string(expectingText('a comma-separated list of genre names'))
  .transform((text, ctx) => genreMaskOf(text.split(','), ctx))
  .default(0);

/** `genres` in a body: ["Comedy", "Drama"] (any case) → bit mask; 0 when absent. */
export const GenresSchema = z
  .array(z.string(), expecting('an array of genre names'))
  .max(GENRES.length * 2, expecting(`an array of at most ${GENRES.length * 2} genre names`))
  .transform((names, ctx) => genreMaskOf(names, ctx))
  .default(0);

/**
 * The schema of a route's query: unknown parameters (e.g. a typo, `limt`) are rejected with the list of the
 * known ones rather than ignored.
 */
export function querySchema<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown query parameter; this route accepts: ${known.join(', ') || 'none'}`
        : undefined,
  });
}
