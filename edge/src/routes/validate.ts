/**
 * Request validation at the edge of each handler: `@hono/zod-validator` with a hook that turns a zod failure into
 * the app's 400 problem body, naming the field at fault (`field`, e.g. "limit" or "pairs.3.movieId"), with what was
 * expected and what came in `detail`. Handlers read the parsed values with `c.req.valid(target)`.
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { invalid, type ProblemError } from './problem.ts';

/** Issues listed in a problem body (the detail names the first three). */
const MAX_LISTED_ISSUES = 10;

/** What a 400 lists per issue. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** The dotted path of an issue ("pairs.3.movieId"); an unknown key is named itself, the whole input `target`. */
function fieldOf(issue: z.core.$ZodIssue, target: string): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  return path.length > 0 ? path.join('.') : target === 'json' ? 'body' : target;
}

/**
 * The 400 for a failed parse of `target`: detail "field: message; …" (three at most), `field` the first field at
 * fault, `issues` up to ten, and the params of a custom issue (e.g. `validGenres`) as members of the body.
 */
export function problemOf(error: z.core.$ZodError, target: string): ProblemError {
  const issues: FieldIssue[] = error.issues.map((i) => ({ field: fieldOf(i, target), message: i.message }));
  const first = error.issues[0];
  const params = first?.code === 'custom' ? (first.params ?? {}) : {};
  return invalid(
    issues
      .slice(0, 3)
      .map((i) => `${i.field}: ${i.message}`)
      .join('; '),
    {
      ...params,
      field: issues[0]?.field ?? target,
      issues: issues.slice(0, MAX_LISTED_ISSUES),
    },
  );
}

/**
 * The 400 for one field that passed its schema but not a check that needs more than the request (e.g. a rating
 * against the rating scale of the version serving the user), in the same shape as `problemOf`'s.
 */
export function invalidField(
  field: string,
  message: string,
  extensions: Record<string, unknown> = {},
): ProblemError {
  return invalid(`${field}: ${message}`, { ...extensions, field, issues: [{ field, message }] });
}

/**
 * A validator of `target` (param, query, json, header) by a zod schema; a failure throws the 400 of `problemOf`,
 * answered by the app's `onError`.
 */
export function validate<Target extends keyof ValidationTargets, S extends z.ZodType>(
  target: Target,
  schema: S,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw problemOf(result.error, target);
  });
}
