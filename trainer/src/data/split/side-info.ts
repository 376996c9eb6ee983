/**
 * Side information (movie titles/genres/years, user ages/genders) for a table merged from a train and a test
 * table: train's entries for the indices train defines, test's for the ones test appends.
 */
import type { MovieTable, RatingsTable, UserTable } from '../types.ts';

/**
 * Side information for the merged index space: train's entry for indices it has, test's for the appended ones.
 * Undefined when some merged index would have no entry (a side lacks the info and contributes entries).
 */
function mergeSide<T>(
  trainInfo: T | undefined,
  testInfo: T | undefined,
  trainCount: number,
  testToMerged: Int32Array,
  mergedCount: number,
  build: (pick: (merged: number) => { from: T; index: number }) => T,
): T | undefined {
  if (mergedCount === trainCount) return trainInfo;
  if (trainInfo === undefined || testInfo === undefined) return undefined;
  const fromTest = new Int32Array(mergedCount - trainCount);
  for (let i = 0; i < testToMerged.length; i++) {
    const merged = testToMerged[i]!;
    if (merged >= trainCount) fromTest[merged - trainCount] = i;
  }
  return build((merged) =>
    merged < trainCount
      ? { from: trainInfo, index: merged }
      : { from: testInfo, index: fromTest[merged - trainCount]! },
  );
}

function buildMovies(pick: (merged: number) => { from: MovieTable; index: number }, n: number): MovieTable {
  const titles: string[] = new Array<string>(n);
  const genres = new Uint32Array(n);
  const years = new Int32Array(n);
  for (let m = 0; m < n; m++) {
    const { from, index } = pick(m);
    titles[m] = from.titles[index] ?? '';
    genres[m] = from.genres[index] ?? 0;
    years[m] = from.years[index] ?? 0;
  }
  return { titles, genres, years };
}

function buildUsers(pick: (merged: number) => { from: UserTable; index: number }, n: number): UserTable {
  const ages = new Int32Array(n);
  const genders: string[] = new Array<string>(n);
  const occupations: string[] = new Array<string>(n);
  const likedGenres = new Uint32Array(n);
  const dislikedGenres = new Uint32Array(n);
  for (let u = 0; u < n; u++) {
    const { from, index } = pick(u);
    ages[u] = from.ages[index] ?? 0;
    genders[u] = from.genders[index] ?? '';
    occupations[u] = from.occupations[index] ?? '';
    likedGenres[u] = from.likedGenres[index] ?? 0;
    dislikedGenres[u] = from.dislikedGenres[index] ?? 0;
  }
  return { ages, genders, occupations, likedGenres, dislikedGenres };
}

/**
 * Movie side information for the merged movie index space, or undefined when it would not cover every movie.
 * @param testToMerged merged movie index per test dense movie index.
 */
export function mergeMovieInfo(
  train: RatingsTable,
  test: RatingsTable,
  testToMerged: Int32Array,
  numMovies: number,
): MovieTable | undefined {
  return mergeSide(train.movieInfo, test.movieInfo, train.movieIds.length, testToMerged, numMovies, (pick) =>
    buildMovies(pick, numMovies),
  );
}

/**
 * User side information for the merged user index space, or undefined when it would not cover every user.
 * @param testToMerged merged user index per test dense user index.
 */
export function mergeUserInfo(
  train: RatingsTable,
  test: RatingsTable,
  testToMerged: Int32Array,
  numUsers: number,
): UserTable | undefined {
  return mergeSide(train.userInfo, test.userInfo, train.userIds.length, testToMerged, numUsers, (pick) =>
    buildUsers(pick, numUsers),
  );
}
