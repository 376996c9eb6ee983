import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../shared/src/errors.ts';
import { ColumnBuilder } from './columns.ts';
import { IdMap } from './id-map.ts';
import { parseRatingLines, type LineLayout } from './line-parser.ts';
import { emptyReport } from './options.ts';
import { countLines } from './read-lines.ts';
import { ANY_RATING, HALF_STARS } from './scale.ts';
import { writeFixtures } from '../../../../tools/loader-files.ts';

const CSV: LineLayout = { delimiter: ',', roles: ['user', 'movie', 'rating', 'timestamp'], headerLines: 1 };

async function parse(file: string, layout: LineLayout, chunkBytes?: number) {
  const target = {
    builder: new ColumnBuilder(4),
    users: new IdMap(),
    movies: new IdMap(),
    scale: HALF_STARS,
    skipInvalid: false,
    report: emptyReport(),
  };
  await parseRatingLines(file, layout, target, chunkBytes);
  const c = target.builder.finish();
  return { ...c, users: Array.from(c.users), movies: Array.from(c.movies), ratings: Array.from(c.ratings) };
}

/** A deterministic ratings.csv with varied line lengths, `n` lines after the header. */
function ratingsCsv(n: number, lineEnd = '\n'): string {
  const lines = ['userId,movieId,rating,timestamp'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `${(i * 7919) % 97},${(i * 104729) % 1000003},${1 + ((i * 3) % 9) / 2},${1000000000 + i * 37}`,
    );
  }
  return lines.join(lineEnd);
}

describe('parseRatingLines', () => {
  it('gives the same rows whatever the chunk size (lines split across reads)', async () => {
    const dir = await writeFixtures({ 'a.csv': ratingsCsv(500), 'b.csv': ratingsCsv(500, '\r\n') });
    const reference = await parse(join(dir, 'a.csv'), CSV);
    expect(reference.count).toBe(500);
    expect(reference.ratings[1]).toBe(2.5);
    for (const chunk of [5, 17, 64, 1000]) {
      expect(await parse(join(dir, 'a.csv'), CSV, chunk)).toEqual(reference);
      expect(await parse(join(dir, 'b.csv'), CSV, chunk)).toEqual(reference);
    }
  });

  it('counts line numbers across chunks for errors', async () => {
    const text = ratingsCsv(300).split('\n');
    text[250] = '1,2,3,x';
    const dir = await writeFixtures({ 'a.csv': text.join('\n') });
    for (const chunk of [7, 100, 1 << 20]) {
      const err = await parse(join(dir, 'a.csv'), CSV, chunk).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect((err as DataError).line).toBe(251);
    }
  });

  it('parses "::" delimiters, skipped fields and decimals', async () => {
    const dir = await writeFixtures({ 'r.dat': '3::x::9::4.5::12\n3::y::8::.5::13' });
    const layout: LineLayout = {
      delimiter: '::',
      roles: ['user', 'skip', 'movie', 'rating', 'timestamp'],
      headerLines: 0,
    };
    const out = await parse(join(dir, 'r.dat'), layout, 9);
    expect(out.ratings).toEqual([4.5, 0.5]);
    expect(Array.from(out.timestamps)).toEqual([12, 13]);
  });

  it('rejects ids beyond int32 and trailing garbage', async () => {
    const dir = await writeFixtures({
      'a.csv': 'userId,movieId,rating,timestamp\n2147483648,1,3,4\n',
      'b.csv': 'h\n1,1,3,4 \n',
    });
    await expect(parse(join(dir, 'a.csv'), CSV)).rejects.toThrow(
      /user id 2147483648 is larger than 2147483647/,
    );
    await expect(parse(join(dir, 'b.csv'), CSV)).rejects.toThrow(
      /b\.csv:2: timestamp "4 " is not a whole number/,
    );
  });

  it('accepts any number on an unconstrained scale', async () => {
    const dir = await writeFixtures({ 'a.tsv': '1\t1\t97.25\t0\n' });
    const target = {
      builder: new ColumnBuilder(1),
      users: new IdMap(),
      movies: new IdMap(),
      scale: ANY_RATING,
      skipInvalid: false,
      report: emptyReport(),
    };
    await parseRatingLines(join(dir, 'a.tsv'), { ...CSV, delimiter: '\t', headerLines: 0 }, target);
    expect(target.builder.ratings[0]).toBe(97.25);
  });
});

describe('countLines', () => {
  it('counts a last line without a newline and nothing for an empty file', async () => {
    const dir = await writeFixtures({ a: 'x\ny\nz', b: 'x\ny\n', c: '' });
    expect(await countLines(join(dir, 'a'), 3)).toBe(3);
    expect(await countLines(join(dir, 'b'))).toBe(2);
    expect(await countLines(join(dir, 'c'))).toBe(0);
  });
});
