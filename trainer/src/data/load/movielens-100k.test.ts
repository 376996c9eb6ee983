import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENRES, genreMask } from '../../../../shared/src/schemas/genres.ts';
import { loadRatings } from './index.ts';
import { externalRows, latin1, movieOf, writeFixtures } from '../../../../tools/loader-files.ts';

// 19 genre flags: unknown, then GENRES[0..17].
const flags = (...genres: string[]) =>
  ['unknown', ...GENRES.slice(0, 18)].map((g) => (genres.includes(g) ? '1' : '0')).join('|');

const U_DATA = [
  '196\t242\t3\t881250949',
  '186\t302\t3\t891717742',
  '22\t377\t1\t878887116',
  '196\t302\t5\t881251000',
];
const U_ITEM = [
  `242|Kolya (1996)|24-Jan-1997||http://x|${flags('Comedy')}`,
  `302|L.A. Confidential (1997)|01-Jan-1997||http://x|${flags('Crime', 'Film-Noir', 'Mystery', 'Thriller')}`,
  `377|Café Flore|01-Jan-1994||http://x|${flags('Children', 'Drama')}`,
  `999|Unrated (1990)|01-Jan-1990||http://x|${flags('Action')}`,
];
const U_USER = ['22|25|M|writer|40206', '186|39|F|executive|00000', '196|49|M|writer|55105'];

async function ml100k(): Promise<string> {
  return writeFixtures({
    'u.data': U_DATA.join('\n') + '\n',
    'u1.base': U_DATA.slice(0, 3).join('\n') + '\n',
    'u.item': latin1(U_ITEM.join('\n') + '\n'),
    'u.user': latin1(U_USER.join('\n') + '\n'),
  });
}

describe('MovieLens 100K', () => {
  it('loads u.data from a directory with dense ids in ascending external order', async () => {
    const { table, report } = await loadRatings(await ml100k());
    expect(table.source.format).toBe('movielens-100k');
    expect(table.count).toBe(4);
    expect(Array.from(table.userIds)).toEqual([22, 186, 196]);
    expect(Array.from(table.movieIds)).toEqual([242, 302, 377]);
    expect(externalRows(table)).toEqual(
      U_DATA.map((l) => l.split('\t').map(Number) as [number, number, number, number]),
    );
    expect(table.scale).toEqual({ min: 1, max: 5, step: 1 });
    expect(report).toEqual({ skippedInvalid: 0, duplicatesResolved: 0, warnings: [] });
  });

  it('decodes latin-1 titles, parses years and genre flags from u.item', async () => {
    const { table } = await loadRatings(await ml100k());
    // The fixture holds the single byte 0xE9 for "é".
    expect(movieOf(table, 377)).toEqual({
      title: 'Café Flore',
      genres: genreMask(['Children', 'Drama']),
      year: 1994, // no "(year)" in the title: taken from the release date
    });
    expect(movieOf(table, 302)).toEqual({
      title: 'L.A. Confidential',
      genres: genreMask(['Crime', 'Film-Noir', 'Mystery', 'Thriller']),
      year: 1997,
    });
    expect(table.movieInfo?.titles).toHaveLength(3); // movie 999 has no ratings
  });

  it('reads ages, genders and occupations from u.user', async () => {
    const { table } = await loadRatings(await ml100k());
    expect(Array.from(table.userInfo!.ages)).toEqual([25, 39, 49]);
    expect(table.userInfo!.genders).toEqual(['M', 'F', 'M']);
    expect(table.userInfo!.occupations).toEqual(['writer', 'executive', 'writer']);
  });

  it('loads a single split file such as u1.base with the side files beside it', async () => {
    const dir = await ml100k();
    const { table } = await loadRatings(join(dir, 'u1.base'));
    expect(table.count).toBe(3);
    expect(table.source).toEqual({ format: 'movielens-100k', path: join(dir, 'u1.base') });
    expect(movieOf(table, 242).title).toBe('Kolya');
    expect(table.userInfo?.genders).toEqual(['M', 'F', 'M']);
  });

  it('reports rated movies missing from u.item', async () => {
    const dir = await writeFixtures({
      'u.data': '1\t5\t4\t100\n1\t6\t2\t100\n',
      'u.item': latin1(`5|Five (1995)|||x|${flags('Drama')}\n`),
    });
    const { table, report } = await loadRatings(dir);
    expect(movieOf(table, 6)).toEqual({ title: '', genres: 0, year: 0 });
    expect(report.warnings.join()).toMatch(/1 rated movies have no entry \(e\.g\. id 6\)/);
    expect(table.userInfo).toBeUndefined();
  });
});
