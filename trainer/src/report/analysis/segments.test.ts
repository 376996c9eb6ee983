import { describe, expect, it } from 'vitest';
import { genreMask } from '../../../../shared/src/schemas/genres.ts';
import { profileSegments, UNCLUSTERED } from './segments.ts';

describe('profileSegments', () => {
  // Movies: 0 Comedy, 1 Horror, 2 Comedy|Horror. Users 0, 1 in cluster 0 (comedy fans), 2 in cluster 1.
  const movieGenres = Uint32Array.from([
    genreMask(['Comedy']),
    genreMask(['Horror']),
    genreMask(['Comedy', 'Horror']),
  ]);
  const inputs = {
    labels: Int32Array.from([0, 0, 1]),
    k: 2,
    users: Int32Array.from([0, 0, 1, 2, 2, 2]),
    movies: Int32Array.from([0, 2, 0, 1, 1, 2]),
    ratings: Float32Array.from([5, 4, 3, 2, 4, 3]),
    movieGenres,
    ages: Int32Array.from([20, 0, 50]),
  };

  it('profiles size, mean rating, age and genre shares of each cluster', () => {
    const [a, b] = profileSegments(inputs);
    expect(a).toMatchObject({ cluster: 0, users: 2, ratings: 3, meanRating: 4, meanAge: 20, ageKnown: 1 });
    expect(a?.userShare).toBeCloseTo(2 / 3);
    expect(b).toMatchObject({ cluster: 1, users: 1, ratings: 3, meanRating: 3, meanAge: 50, ageKnown: 1 });
    // Cluster 0: Comedy weight 1 + 0.5 + 1 = 2.5 of 3; cluster 1: 0.5 of 3. Overall Comedy 3 of 6.
    const comedy = a?.genres.find((g) => g.genre === 'Comedy');
    expect(comedy?.share).toBeCloseTo(2.5 / 3);
    expect(comedy?.lift).toBeCloseTo(2.5 / 3 / 0.5);
    expect(a?.favouriteGenres[0]?.genre).toBe('Comedy');
    expect(b?.favouriteGenres[0]?.genre).toBe('Horror');
    expect(a?.genres.map((g) => g.genre)).toEqual(['Comedy', 'Horror']);
  });

  it('handles missing side information and empty clusters', () => {
    const [a, , c] = profileSegments({ ...inputs, k: 3, movieGenres: undefined, ages: undefined });
    expect(a?.favouriteGenres).toEqual([]);
    expect(a?.meanAge).toBeNaN();
    expect(c).toMatchObject({ users: 0, ratings: 0 });
    expect(c?.meanRating).toBeNaN();
  });

  it('rejects out-of-range labels', () => {
    expect(() => profileSegments({ ...inputs, labels: Int32Array.from([0, 2, 1]) })).toThrow(
      /label 2 of user 1/,
    );
  });
});

describe('profileSegments with unclustered users', () => {
  it('leaves users labelled UNCLUSTERED and their ratings out', () => {
    const [a] = profileSegments({
      labels: Int32Array.from([0, UNCLUSTERED]),
      k: 1,
      users: Int32Array.from([0, 1]),
      movies: Int32Array.from([0, 0]),
      ratings: Float32Array.from([4, 1]),
    });
    expect(a).toMatchObject({ users: 1, userShare: 1, ratings: 1, meanRating: 4 });
  });
});
