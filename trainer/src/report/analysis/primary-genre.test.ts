import { describe, expect, it } from 'vitest';
import { genreMask } from '../../../../shared/src/schemas/genres.ts';
import { foldRareLabels, NO_GENRE, OTHER_GENRES, primaryGenres } from './primary-genre.ts';

describe('primaryGenres', () => {
  it("picks each movie's least common genre", () => {
    const masks = Uint32Array.from([
      genreMask(['Action', 'Sci-Fi']),
      genreMask(['Action']),
      genreMask(['Action', 'Drama']),
      genreMask(['Drama', 'Sci-Fi']),
      0,
    ]);
    // Action 3, Sci-Fi 2, Drama 2: ties between Sci-Fi and Drama go to vocabulary order (Drama first).
    expect(primaryGenres(masks)).toEqual(['Sci-Fi', 'Action', 'Drama', 'Drama', NO_GENRE]);
  });
});

describe('foldRareLabels', () => {
  it('keeps the most frequent labels and folds the rest', () => {
    const labels = ['a', 'a', 'a', 'b', 'b', 'c', 'd'];
    expect(foldRareLabels(labels, 3)).toEqual(['a', 'a', 'a', 'b', 'b', OTHER_GENRES, OTHER_GENRES]);
    expect(foldRareLabels(labels, 4)).toEqual(labels);
  });
});
