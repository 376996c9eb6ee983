/**
 * Validation of JSON artifacts against their zod schemas, with errors that name the file, the field and what was
 * expected. An unknown `schema` version is reported as such before any field-level check.
 */
import type { z } from 'zod';
import { ArtifactError } from '../errors.ts';
import { utf8Decode, utf8Encode } from '../formats/web.ts';

/**
 * Validates a parsed JSON value.
 * @param file file name for errors, e.g. "manifest.json"
 * @param schemaVersion the `schema` value this reader understands
 * @throws ArtifactError naming the file and the first few offending fields
 */
export function parseArtifact<S extends z.ZodType>(
  schema: S,
  file: string,
  schemaVersion: number,
  value: unknown,
): z.output<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArtifactError(
      file,
      `expected a JSON object (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})`,
    );
  }
  const version = (value as { schema?: unknown }).schema;
  if (version !== schemaVersion) {
    throw new ArtifactError(
      file,
      `unknown schema version ${JSON.stringify(version)} (this reader understands ${schemaVersion})`,
    );
  }
  return parseWithSchema(schema, file, value);
}

/**
 * Validates a parsed JSON value against `schema` (for files without a `schema` version field).
 * @param file file name or path for errors
 * @throws ArtifactError naming the file and the first few offending fields, e.g.
 *   "config.json: invalid: train.epochs: Invalid input: expected number, received string"
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, file: string, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    const more = result.error.issues.length > 3 ? ` (+${result.error.issues.length - 3} more)` : '';
    throw new ArtifactError(file, `invalid: ${issues.join('; ')}${more}`);
  }
  return result.data;
}

/**
 * Decodes UTF-8 JSON bytes.
 * @throws ArtifactError naming the file when the bytes are not UTF-8 or not JSON
 */
export function parseJsonBytes(file: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8Decode(bytes));
  } catch (err) {
    throw new ArtifactError(file, `not valid UTF-8 JSON (${(err as Error).message})`, { cause: err });
  }
}

/**
 * UTF-8 JSON bytes with a trailing newline: indented for the small files people read (manifest, channels),
 * compact for bulk tables (movies.json).
 */
export function jsonBytes(value: unknown, pretty = true): Uint8Array {
  return utf8Encode(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);
}
