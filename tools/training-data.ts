/**
 * Small rating sets with planted structure for the training tests: biases plus a rank-2 interaction plus a
 * non-linear genre-like bump, rounded to whole stars with mild noise.
 */
import { writeFile } from 'node:fs/promises';
import type { RatingsTable } from '../trainer/src/data/types.ts';
import { fillNormal, modelRng } from '../trainer/src/model/random.ts';

/** A planted table: about `density` of all (user, movie) pairs rated. */
export function plantedTable(
  numUsers: number,
  numMovies: number,
  density: number,
  seed: number,
): RatingsTable {
  const rng = modelRng(seed, 'init', 7);
  const f = new Float32Array(2 * (numUsers + numMovies) + numUsers + numMovies);
  fillNormal(f, 1, rng);
  const uf = f.subarray(0, 2 * numUsers);
  const mf = f.subarray(2 * numUsers, 2 * (numUsers + numMovies));
  const ub = f.subarray(2 * (numUsers + numMovies), 2 * (numUsers + numMovies) + numUsers);
  const mb = f.subarray(2 * (numUsers + numMovies) + numUsers);
  const users: number[] = [];
  const movies: number[] = [];
  const ratings: number[] = [];
  const noise = new Float32Array(1);
  for (let u = 0; u < numUsers; u++) {
    for (let m = 0; m < numMovies; m++) {
      if (rng.nextFloat() >= density) continue;
      fillNormal(noise, 0.3, rng);
      const dot = uf[2 * u]! * mf[2 * m]! + uf[2 * u + 1]! * mf[2 * m + 1]!;
      const bump = (u % 3 === m % 3 ? 0.8 : -0.4) * (u % 2 === 0 ? 1 : -1);
      const x = 3.2 + 0.4 * ub[u]! + 0.5 * mb[m]! + 0.6 * dot + bump + noise[0]!;
      users.push(u);
      movies.push(m);
      ratings.push(Math.min(5, Math.max(1, Math.round(x))));
    }
  }
  const n = users.length;
  return {
    users: Int32Array.from(users),
    movies: Int32Array.from(movies),
    ratings: Float32Array.from(ratings),
    timestamps: Uint32Array.from({ length: n }, (_, i) => 1_000_000 + i),
    count: n,
    userIds: Int32Array.from({ length: numUsers }, (_, i) => i + 1),
    movieIds: Int32Array.from({ length: numMovies }, (_, i) => i + 1),
    scale: { min: 1, max: 5, step: 1 },
    source: { format: 'test', path: 'planted' },
  };
}

/** Writes `table` as a MovieLens-style ratings.csv (userId,movieId,rating,timestamp). */
export async function writeRatingsCsv(path: string, table: RatingsTable): Promise<void> {
  const lines = ['userId,movieId,rating,timestamp'];
  for (let i = 0; i < table.count; i++) {
    lines.push(
      `${table.userIds[table.users[i]!]},${table.movieIds[table.movies[i]!]},${table.ratings[i]},${table.timestamps[i]}`,
    );
  }
  await writeFile(path, `${lines.join('\n')}\n`);
}
