import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genreMask } from '../../../../shared/src/schemas/genres.ts';
import { loadRatings } from './index.ts';
import { externalRows, latin1, movieOf, writeFixtures } from '../../../../tools/loader-files.ts';

const RATINGS = [
  '1::1193::5::978300760',
  '1::661::3::978302109',
  '2::1193::4::978298413',
  '10::3702::2::978299000',
];
const MOVIES = [
  "661::James and the Giant Peach (1996)::Animation|Children's|Musical",
  "1193::One Flew Over the Cuckoo's Nest (1975)::Drama",
  '3702::Mad Max (1979)::Action|Sci-Fi',
  '3703::Léon: The Professional (a.k.a. Léon) (1994)::Crime|Drama',
];
const USERS = ['1::F::1::10::48067', '2::M::56::16::70072', '10::F::35::1::95370'];

describe('MovieLens 1M', () => {
  it('loads "::"-separated ratings.dat with latin-1 movies.dat and users.dat', async () => {
    const dir = await writeFixtures({
      'ratings.dat': RATINGS.join('\n') + '\n',
      'movies.dat': latin1(MOVIES.join('\n') + '\n'),
      'users.dat': latin1(USERS.join('\n') + '\n'),
    });
    const { table, report } = await loadRatings(dir);
    expect(table.source.format).toBe('movielens-1m');
    expect(externalRows(table)).toEqual(
      RATINGS.map((l) => l.split('::').map(Number) as [number, number, number, number]),
    );
    expect(Array.from(table.userIds)).toEqual([1, 2, 10]);
    expect(movieOf(table, 661)).toEqual({
      title: 'James and the Giant Peach',
      genres: genreMask(['Animation', 'Children', 'Musical']),
      year: 1996,
    });
    expect(movieOf(table, 3702).genres).toBe(genreMask(['Action', 'Sci-Fi']));
    // users.dat: id::gender::age-group::occupation::zip
    expect(Array.from(table.userInfo!.ages)).toEqual([1, 56, 35]);
    expect(table.userInfo!.genders).toEqual(['F', 'M', 'F']);
    expect(table.userInfo!.occupations).toEqual(['10', '16', '1']);
    expect(report.warnings).toEqual([]);
  });

  it('decodes latin-1 bytes in titles', async () => {
    const dir = await writeFixtures({
      'ratings.dat': '7::3703::4::978300000\n',
      // 0xE9 is "é" in latin-1; the same bytes would be invalid UTF-8.
      'movies.dat': Buffer.concat([
        Buffer.from('3703::L'),
        Buffer.from([0xe9]),
        Buffer.from('on (1994)::Drama\n'),
      ]),
    });
    const { table } = await loadRatings(join(dir, 'ratings.dat'));
    expect(movieOf(table, 3703)).toEqual({ title: 'Léon', genres: genreMask(['Drama']), year: 1994 });
  });

  it('accepts the half stars of the 10M release, which shares the layout', async () => {
    const dir = await writeFixtures({ 'ratings.dat': '1::122::3.5::838985046\n1::185::5::838983525\n' });
    const { table } = await loadRatings(dir);
    expect(Array.from(table.ratings)).toEqual([3.5, 5]);
    expect(table.scale).toEqual({ min: 0.5, max: 5, step: 0.5 });
  });
});
