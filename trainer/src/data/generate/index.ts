/**
 * The synthetic rating data generator: users, movies and ratings from a known latent process, written in the
 * MovieLens "latest" CSV layout plus users.csv and truth.csv (the exact expected rating of every rated pair).
 */
import path from 'node:path';
import { genreNames } from '../../../../shared/src/schemas/genres.ts';
import { RatingSampler } from './interactions.ts';
import { makeMovies, type SyntheticMovies } from './movies.ts';
import { resolveOptions, type GenerateOptions, type PresetName } from './presets.ts';
import { makeUsers, type SyntheticUsers } from './users.ts';
import { BufferedFile, csvField, writeAtomically } from './writer.ts';

export { PRESETS, PRESET_NAMES, DEFAULT_SEED, MIN_RATINGS_PER_USER, resolveOptions } from './presets.ts';
export type { GenerateOptions, PresetName, ResolvedOptions, DatasetSize } from './presets.ts';
export { normalCdf, erf, expectedRoundedRating } from './normal.ts';

/** The files a generated data set consists of, in the order they are written. */
export const DATASET_FILES = ['movies.csv', 'users.csv', 'ratings.csv', 'truth.csv'] as const;

/** What `generateDataset` produced. */
export interface GenerateSummary {
  preset: PresetName;
  seed: number;
  /** Absolute path of the output directory. */
  outDir: string;
  users: number;
  movies: number;
  ratings: number;
  /** ratings / (users × movies). */
  density: number;
  /** Movies with at least one rating. */
  ratedMovies: number;
  minRatingsPerUser: number;
  maxRatingsPerUser: number;
  meanRating: number;
  /** Standard deviation of the observed ratings. */
  ratingSd: number;
  /** Number of ratings with value 1..5 (index 0 = rating 1). */
  histogram: number[];
  /** RMSE of truth.csv against ratings.csv: the error of the Bayes-optimal predictor, no model can do better. */
  noiseFloorRmse: number;
  /** Wall-clock time of the whole generation, seconds. */
  seconds: number;
}

/**
 * Generates a synthetic data set into `outDir` (written to a temporary sibling, then renamed into place).
 * Memory is bounded by the user and movie tables: ratings are generated and written one user at a time.
 * @param onProgress called with the fraction of ratings written (0..1), about a hundred times per run.
 * @throws UsageError for impossible sizes or a non-empty `outDir` without `force`; StorageError when a file
 *   cannot be written.
 */
export async function generateDataset(
  options: GenerateOptions,
  outDir: string,
  onProgress?: (fraction: number) => void,
): Promise<GenerateSummary> {
  const started = performance.now();
  const o = resolveOptions(options);
  const movies = makeMovies(o.seed, o.movies);
  const users = makeUsers(o.seed, o.users, movies, o.ratings);
  const stats = await writeAtomically(outDir, options.force ?? false, async (dir) => {
    await writeMovies(path.join(dir, 'movies.csv'), movies);
    await writeUsers(path.join(dir, 'users.csv'), users);
    return writeRatings(dir, o.seed, users, movies, onProgress);
  });
  const mean = stats.sum / stats.count;
  return {
    preset: o.preset,
    seed: o.seed,
    outDir: path.resolve(outDir),
    users: o.users,
    movies: o.movies,
    ratings: stats.count,
    density: stats.count / (o.users * o.movies),
    ratedMovies: stats.ratedMovies,
    minRatingsPerUser: users.ratingCounts.reduce((a, b) => Math.min(a, b), Infinity),
    maxRatingsPerUser: users.ratingCounts.reduce((a, b) => Math.max(a, b), 0),
    meanRating: mean,
    ratingSd: Math.sqrt(Math.max(0, stats.sumSquares / stats.count - mean * mean)),
    histogram: stats.histogram,
    noiseFloorRmse: Math.sqrt(stats.squaredError / stats.count),
    seconds: (performance.now() - started) / 1000,
  };
}

async function writeMovies(file: string, movies: SyntheticMovies): Promise<void> {
  const out = new BufferedFile(file);
  await out.write('movieId,title,genres\n');
  for (let m = 0; m < movies.count; m++) {
    const title = csvField(`${movies.titles[m]} (${movies.years[m]})`);
    await out.write(`${m + 1},${title},${genreNames(movies.genres[m]!).join('|')}\n`);
  }
  await out.close();
}

async function writeUsers(file: string, users: SyntheticUsers): Promise<void> {
  const out = new BufferedFile(file);
  await out.write(
    'userId,age,gender,favoriteGenres,dislikedGenre,ratingOffset,ratingSpread,ratingCount,activeFrom,activeTo\n',
  );
  for (let u = 0; u < users.count; u++) {
    const favorites = genreNames(users.favorites[u]!).join('|');
    const disliked = genreNames(users.disliked[u]!).join('|');
    await out.write(
      `${u + 1},${users.ages[u]},${users.genders[u] ? 'F' : 'M'},${favorites},${disliked},` +
        `${users.offsets[u]!.toFixed(4)},${users.spreads[u]!.toFixed(4)},${users.ratingCounts[u]},` +
        `${users.activeFrom[u]},${users.activeTo[u]}\n`,
    );
  }
  await out.close();
}

interface RatingStats {
  count: number;
  sum: number;
  sumSquares: number;
  squaredError: number;
  histogram: number[];
  ratedMovies: number;
}

async function writeRatings(
  dir: string,
  seed: number,
  users: SyntheticUsers,
  movies: SyntheticMovies,
  onProgress?: (fraction: number) => void,
): Promise<RatingStats> {
  const ratingsFile = new BufferedFile(path.join(dir, 'ratings.csv'));
  const truthFile = new BufferedFile(path.join(dir, 'truth.csv'));
  const stats: RatingStats = {
    count: 0,
    sum: 0,
    sumSquares: 0,
    squaredError: 0,
    histogram: [0, 0, 0, 0, 0],
    ratedMovies: 0,
  };
  const perMovie = new Int32Array(movies.count);
  let total = 0;
  for (let u = 0; u < users.count; u++) total += users.ratingCounts[u]!;
  const progressEvery = Math.max(1, Math.floor(users.count / 100));
  try {
    await ratingsFile.write('userId,movieId,rating,timestamp\n');
    await truthFile.write('userId,movieId,expected\n');
    const sampler = new RatingSampler(seed, users, movies);
    for (let u = 0; u < users.count; u++) {
      const k = sampler.generate(u);
      const userId = u + 1;
      let ratingLines = '';
      let truthLines = '';
      for (let i = 0; i < k; i++) {
        const m = sampler.movies[i]!;
        const r = sampler.ratings[i]!;
        const e = sampler.expected[i]!;
        ratingLines += `${userId},${m + 1},${r},${sampler.timestamps[i]}\n`;
        truthLines += `${userId},${m + 1},${e.toFixed(6)}\n`;
        stats.sum += r;
        stats.sumSquares += r * r;
        stats.squaredError += (e - r) * (e - r);
        stats.histogram[r - 1]!++;
        perMovie[m]!++;
      }
      stats.count += k;
      await ratingsFile.write(ratingLines);
      await truthFile.write(truthLines);
      if (onProgress && (u + 1) % progressEvery === 0) onProgress(stats.count / total);
    }
    await ratingsFile.close();
    await truthFile.close();
  } catch (err) {
    ratingsFile.destroy();
    truthFile.destroy();
    throw err;
  }
  onProgress?.(1);
  for (let m = 0; m < movies.count; m++) if (perMovie[m]! > 0) stats.ratedMovies++;
  return stats;
}
