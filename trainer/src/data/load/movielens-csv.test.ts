import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genreMask } from '../../../../shared/src/schemas/genres.ts';
import { loadRatings } from './index.ts';
import { externalRows, movieOf, writeFixtures } from '../../../../tools/loader-files.ts';

const RATINGS = [
  'userId,movieId,rating,timestamp',
  '1,1,4.0,964982703',
  '1,3,4.5,964981247',
  '5,1,0.5,847434962',
  '5,193609,3.5,1537109082',
];
const MOVIES = [
  'movieId,title,genres',
  '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
  '3,"American President, The (1995)",Comedy|Drama|Romance',
  '193609,"Andrew Dice Clay: ""Dice"" Rules (1991)",Comedy',
  '7,"Babylon 5 (1993–1998)",Sci-Fi|IMAX',
];

describe('MovieLens latest / 20M / 25M', () => {
  it('loads half-star ratings.csv and infers the 0.5-5 scale', async () => {
    const dir = await writeFixtures({
      'ratings.csv': RATINGS.join('\n') + '\n',
      'movies.csv': MOVIES.join('\n'),
    });
    const { table } = await loadRatings(dir);
    expect(table.source.format).toBe('movielens-csv');
    expect(externalRows(table)).toEqual([
      [1, 1, 4, 964982703],
      [1, 3, 4.5, 964981247],
      [5, 1, 0.5, 847434962],
      [5, 193609, 3.5, 1537109082],
    ]);
    expect(table.scale).toEqual({ min: 0.5, max: 5, step: 0.5 });
  });

  it('reads quoted titles holding commas and doubled quotes', async () => {
    const dir = await writeFixtures({ 'ratings.csv': RATINGS.join('\n'), 'movies.csv': MOVIES.join('\n') });
    const { table } = await loadRatings(dir);
    expect(movieOf(table, 3)).toEqual({
      title: 'American President, The',
      genres: genreMask(['Comedy', 'Drama', 'Romance']),
      year: 1995,
    });
    expect(movieOf(table, 193609).title).toBe('Andrew Dice Clay: "Dice" Rules');
    expect(movieOf(table, 1).genres).toBe(
      genreMask(['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy']),
    );
  });

  it('handles CRLF line ends, a BOM, reordered and extra columns', async () => {
    const dir = await writeFixtures({
      'ratings.csv': '\uFEFFmovieId,userId,source,rating,timestamp\r\n10,2,web,3,100\r\n11,2,app,5,200\r\n',
    });
    const { table } = await loadRatings(join(dir, 'ratings.csv'));
    expect(externalRows(table)).toEqual([
      [2, 10, 3, 100],
      [2, 11, 5, 200],
    ]);
    expect(table.scale).toEqual({ min: 1, max: 5, step: 1 }); // whole stars within the half-star format
    expect(table.movieInfo).toBeUndefined();
  });

  it('reads users.csv (synthetic data) by column name', async () => {
    const dir = await writeFixtures({
      'ratings.csv': 'userId,movieId,rating,timestamp\n3,1,4,10\n4,1,2,20\n',
      'users.csv': 'userId,age,gender,favoriteGenres\n4,31,F,Drama|Comedy\n3,19,M,Action\n9,50,F,Crime\n',
    });
    const { table } = await loadRatings(dir);
    expect(Array.from(table.userInfo!.ages)).toEqual([19, 31]);
    expect(table.userInfo!.genders).toEqual(['M', 'F']);
    // Declared favourites (no disliked column here): user 3 likes Action, user 4 Drama and Comedy.
    expect(Array.from(table.userInfo!.likedGenres)).toEqual([
      genreMask(['Action']),
      genreMask(['Drama', 'Comedy']),
    ]);
    expect(Array.from(table.userInfo!.dislikedGenres)).toEqual([0, 0]);
  });

  it('reads declared disliked genres, empty cells and unknown genre names as none', async () => {
    const dir = await writeFixtures({
      'ratings.csv': 'userId,movieId,rating\n1,1,4\n2,1,2\n3,1,5\n',
      'users.csv':
        'userId,age,gender,favoriteGenres,dislikedGenre,occupation\n1,20,M,,Horror,Nurse\n2,30,F,Comedy|Spaghetti,,\n3,40,M,Sci-Fi,War, nurse\n',
    });
    const { table } = await loadRatings(dir);
    expect(Array.from(table.userInfo!.likedGenres)).toEqual([
      0,
      genreMask(['Comedy']),
      genreMask(['Sci-Fi']),
    ]);
    expect(table.userInfo!.occupations).toEqual(['nurse', '', 'nurse']);
    expect(Array.from(table.userInfo!.dislikedGenres)).toEqual([
      genreMask(['Horror']),
      0,
      genreMask(['War']),
    ]);
  });

  it('detects a ratings CSV by its header whatever the file is called', async () => {
    const dir = await writeFixtures({ 'my-ratings.txt': 'userId,movieId,rating\n1,2,3\n' });
    const { table } = await loadRatings(join(dir, 'my-ratings.txt'));
    expect(table.source.format).toBe('movielens-csv');
    expect(externalRows(table)).toEqual([[1, 2, 3, 0]]);
  });
});
