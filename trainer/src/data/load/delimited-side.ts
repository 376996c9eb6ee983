/**
 * The delimited side files of MovieLens 100K (`u.item`, `u.user`: "|") and 1M/10M (`movies.dat`, `users.dat`:
 * "::"): latin-1 text, one record a line, a fixed number of fields, the movie or user id first.
 */
import type { UserTable } from '../types.ts';
import {
  UserTableBuilder,
  parseId,
  readText,
  rejectSideLine,
  splitLines,
  type SideContext,
} from './side-info.ts';

/** The shape of one delimited side file. */
export interface DelimitedSideLayout {
  delimiter: string;
  /** Number of fields every line must have. */
  fields: number;
  /** What field 0 identifies, for error messages. */
  id: 'movie' | 'user';
}

/**
 * Calls `row` for every non-empty line of a delimited side file whose field count and id (field 0) are valid;
 * other lines are rejected (DataError naming file and line, or counted and skipped with `ctx.skipInvalid`).
 * @param row receives the id, all fields and the 1-based line number; it rejects its own bad fields.
 * @throws DataError when the file cannot be read or a line is bad and invalid lines are not skipped.
 */
export async function forEachDelimitedRow(
  file: string,
  layout: DelimitedSideLayout,
  ctx: SideContext,
  row: (id: number, fields: string[], line: number) => void,
): Promise<void> {
  const { delimiter, fields, id } = layout;
  splitLines(await readText(file, 'latin1')).forEach((text, i) => {
    if (text === '') return;
    const f = text.split(delimiter);
    if (f.length !== fields) {
      return rejectSideLine(
        ctx,
        file,
        i + 1,
        `expected ${fields} "${delimiter}"-separated fields (got ${f.length}).`,
      );
    }
    const value = parseId(f[0]!);
    if (Number.isNaN(value))
      return rejectSideLine(ctx, file, i + 1, `${id} id "${f[0]}" is not a whole number.`);
    row(value, f, i + 1);
  });
}

/**
 * Reads a delimited users file for the rated `userIds` (ascending), taking the age, gender and occupation from the
 * given fields. The age is a whole number (years in 100K, a group code in 1M).
 * @throws DataError as `forEachDelimitedRow`, and for an age that is not a whole number.
 */
export async function readDelimitedUsers(
  file: string,
  userIds: Int32Array,
  ctx: SideContext,
  layout: Omit<DelimitedSideLayout, 'id'> & { age: number; gender: number; occupation: number },
): Promise<UserTable> {
  const out = new UserTableBuilder(userIds);
  await forEachDelimitedRow(file, { ...layout, id: 'user' }, ctx, (id, f, line) => {
    const age = parseId(f[layout.age]!);
    if (Number.isNaN(age))
      return rejectSideLine(ctx, file, line, `age "${f[layout.age]}" is not a whole number.`);
    out.set(id, age, f[layout.gender]!, { occupation: f[layout.occupation]! });
  });
  return out.finish(file, ctx.report);
}
