import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../shared/src/errors.ts';
import { loadRatings, type LoadOptions } from './index.ts';
import { externalRows, writeFixtures } from '../../../../tools/loader-files.ts';

/** Loads `files` and returns the DataError it must throw. */
async function dataError(
  files: Record<string, string>,
  path = '',
  options: LoadOptions = {},
): Promise<DataError> {
  const dir = await writeFixtures(files);
  const err = await loadRatings(join(dir, path), options).then(
    () => new Error('expected a DataError'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('bad input stops the load with file, line and problem', () => {
  it('a malformed line (too few fields)', async () => {
    const err = await dataError({ 'u.data': '1\t2\t3\t4\n1\t2\n' });
    expect(err.file).toMatch(/u\.data$/);
    expect(err.line).toBe(2);
    expect(err.problem).toBe('expected 4 fields separated by "\\t" (got 2): "1\t2"');
  });

  it('a rating outside the scale', async () => {
    const err = await dataError({ 'ratings.dat': '1::2::3::4\n1::3::6::4\n' });
    expect(err.message).toMatch(/ratings\.dat:2: rating 6 is outside the scale 0\.5–5 \(step 0\.5\)/);
    const whole = await dataError({ 'u.data': '1\t2\t3\t4\n1\t3\t0\t4\n' });
    expect(whole.message).toMatch(/u\.data:2: rating 0 is outside the scale 1–5 \(step 1\)/);
  });

  it('a rating between the steps of the scale', async () => {
    const err = await dataError({ 'ratings.csv': 'userId,movieId,rating,timestamp\n1,2,3.25,4\n' });
    expect(err.line).toBe(2);
    expect(err.problem).toMatch(/^rating 3\.25 is outside the scale 0\.5–5 \(step 0\.5\)/);
  });

  it('a non-numeric id', async () => {
    const err = await dataError({
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,2,3,4\n1,2,3,4\nabc,2,3,4\n',
    });
    expect(err.line).toBe(4);
    expect(err.problem).toMatch(/^user id "abc" is not a non-negative whole number/);
  });

  it('a non-numeric rating and timestamp', async () => {
    expect((await dataError({ 'u.data': '1\t2\tgood\t4\n' })).problem).toMatch(
      /^rating "good" is not a number/,
    );
    expect((await dataError({ 'u.data': '1\t2\t3\t4s\n' })).problem).toMatch(
      /^timestamp "4s" is not a whole/,
    );
  });

  it('a missing column in a ratings.csv header', async () => {
    const err = await dataError({ 'ratings.csv': 'userId,rating,timestamp\n1,3,4\n' });
    expect(err.line).toBe(1);
    expect(err.problem).toBe('missing column "movieId" (the header has: userId, rating, timestamp).');
  });

  it('an unknown format', async () => {
    const err = await dataError({ 'x.txt': 'hello world\n' }, 'x.txt');
    expect(err.line).toBe(1);
    expect(err.problem).toMatch(
      /^unknown format: expected MovieLens 100K .*--columns .*\(first line: "hello world"\)/,
    );
  });

  it('a directory with no known rating file lists what was looked for', async () => {
    const err = await dataError({ 'notes.txt': 'x' });
    expect(err.problem).toMatch(/looked for u\.data .*, ratings\.dat .*, ratings\.csv/);
  });

  it('a path that does not exist, and a file without ratings', async () => {
    expect((await dataError({}, 'nope')).problem).toBe('no such file or directory.');
    expect((await dataError({ 'ratings.csv': 'userId,movieId,rating\n' })).problem).toMatch(
      /^no ratings found/,
    );
  });

  it('a CSV syntax error in a quoted side file', async () => {
    const err = await dataError({
      'ratings.csv': 'userId,movieId,rating\n1,1,3\n',
      'movies.csv': 'movieId,title,genres\n1,"Fine (1990)",Drama\n2,"Unclosed (1991),Drama\n',
    });
    expect(err.file).toMatch(/movies\.csv$/);
    expect(err.problem).toMatch(/^CSV syntax: /);
  });

  it('a malformed side-file line', async () => {
    const err = await dataError({
      'ratings.dat': '1::2::3::4\n',
      'movies.dat': '2::Title (1990)::Drama\n2::oops\n',
    });
    expect(err.file).toMatch(/movies\.dat$/);
    expect(err.line).toBe(2);
  });
});

describe('--skip-invalid', () => {
  it('skips and counts every bad line, keeping the good ones', async () => {
    const dir = await writeFixtures({
      'ratings.csv': [
        'userId,movieId,rating,timestamp',
        '1,10,4,100',
        '1,11,9,100', // out of scale
        'x,12,3,100', // non-numeric id
        '2,10', // missing fields
        '',
        '2,11,2.5,300',
        '2,12,3,300,extra', // too many fields
      ].join('\n'),
    });
    const { table, report } = await loadRatings(dir, { skipInvalid: true });
    expect(externalRows(table)).toEqual([
      [1, 10, 4, 100],
      [2, 11, 2.5, 300],
    ]);
    expect(report.skippedInvalid).toBe(4);
    expect(report.warnings.slice(0, 4).map((w) => w.replace(/^.*ratings\.csv:/, ''))).toEqual([
      '3: rating 9 is outside the scale 0.5–5 (step 0.5): "1,11,9,100" (skipped)',
      '4: user id "x" is not a non-negative whole number: "x,12,3,100" (skipped)',
      '5: expected 4 fields separated by "," (got 2): "2,10" (skipped)',
      '8: expected 4 fields separated by "," (got 5): "2,12,3,300,extra" (skipped)',
    ]);
  });

  it('applies to the generic CSV path too', async () => {
    const dir = await writeFixtures({ 'a.csv': 'u,m,r\n1,2,3\n1,x,3\n1,3,\n2,2,4\n' });
    const { table, report } = await loadRatings(join(dir, 'a.csv'), {
      columns: 'user=u,movie=m,rating=r',
      skipInvalid: true,
    });
    expect(table.count).toBe(2);
    expect(report.skippedInvalid).toBe(2);
  });
});
