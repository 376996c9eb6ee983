import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../../shared/src/errors.ts';
import { genreMask } from '../../../../shared/src/schemas/genres.ts';
import { DATASET_FILES, generateDataset, type GenerateSummary } from './index.ts';
import { makeMovies } from './movies.ts';

const SIZE = { users: 300, movies: 150, density: 0.2 };
let root: string;
let summary: GenerateSummary;
let ratings: { user: number; movie: number; rating: number; time: number }[];
let truth: number[];
let movies: { id: number; title: string; genres: number; year: number }[];
let users: Map<number, { favorites: number; from: number; to: number; count: number }>;

const csv = async (dir: string, file: string): Promise<string[][]> =>
  parse(await readFile(path.join(dir, file), 'utf8'), { relaxColumnCount: false }) as string[][];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'marquee-generate-'));
  const dir = path.join(root, 'a');
  summary = await generateDataset({ ...SIZE, seed: 7 }, dir);
  const [ratingRows, truthRows, movieRows, userRows] = await Promise.all(
    ['ratings.csv', 'truth.csv', 'movies.csv', 'users.csv'].map((f) => csv(dir, f)),
  );
  expect(ratingRows![0]).toEqual(['userId', 'movieId', 'rating', 'timestamp']);
  expect(truthRows![0]).toEqual(['userId', 'movieId', 'expected']);
  expect(movieRows![0]).toEqual(['movieId', 'title', 'genres']);
  expect(userRows![0]!.slice(0, 4)).toEqual(['userId', 'age', 'gender', 'favoriteGenres']);
  ratings = ratingRows!.slice(1).map(([u, m, r, t]) => ({ user: +u!, movie: +m!, rating: +r!, time: +t! }));
  truth = truthRows!.slice(1).map((row, i) => {
    expect(+row[0]! === ratings[i]!.user && +row[1]! === ratings[i]!.movie).toBe(true);
    return +row[2]!;
  });
  movies = movieRows!.slice(1).map(([id, title, genres]) => ({
    id: +id!,
    title: title!,
    genres: genreMask(genres!.split('|')),
    year: Number(/ \((\d{4})\)$/.exec(title!)?.[1]),
  }));
  users = new Map(
    userRows!
      .slice(1)
      .map((row) => [
        +row[0]!,
        { favorites: genreMask(row[3]!.split('|')), count: +row[7]!, from: +row[8]!, to: +row[9]! },
      ]),
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateDataset', () => {
  it('is byte-identical for the same seed and differs for another seed', async () => {
    const again = path.join(root, 'b');
    const other = path.join(root, 'c');
    await generateDataset({ ...SIZE, seed: 7 }, again);
    await generateDataset({ ...SIZE, seed: 8 }, other);
    for (const file of DATASET_FILES) {
      const a = await readFile(path.join(root, 'a', file));
      expect(a.equals(await readFile(path.join(again, file))), file).toBe(true);
      expect(a.equals(await readFile(path.join(other, file))), file).toBe(false);
    }
  });

  it('writes the four files and reports matching counts', async () => {
    expect((await readdir(path.join(root, 'a'))).sort()).toEqual([...DATASET_FILES].sort());
    expect(summary).toMatchObject({ users: 300, movies: 150, ratings: 9_000, density: 0.2, seed: 7 });
    expect(ratings).toHaveLength(9_000);
    expect(movies).toHaveLength(150);
    expect(users.size).toBe(300);
    const mean = ratings.reduce((s, r) => s + r.rating, 0) / ratings.length;
    expect(summary.meanRating).toBeCloseTo(mean, 10);
    expect(summary.histogram.reduce((a, b) => a + b, 0)).toBe(9_000);
  });

  it('gives every user at least 20 distinct movies, rated with integers 1..5, sorted by user then movie', () => {
    const perUser = new Map<number, number>();
    const seen = new Set<number>();
    let previous = -1;
    for (const r of ratings) {
      const key = r.user * 1_000 + r.movie;
      expect(key).toBeGreaterThan(previous); // sorted and no duplicate (user, movie)
      previous = key;
      seen.add(key);
      perUser.set(r.user, (perUser.get(r.user) ?? 0) + 1);
      if (!(Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= 5))
        throw new Error(`rating ${r.rating}`);
    }
    expect(seen.size).toBe(ratings.length);
    expect(perUser.size).toBe(300);
    for (const [user, n] of perUser) {
      expect(n).toBeGreaterThanOrEqual(20);
      expect(n).toBe(users.get(user)!.count);
    }
    // A long tail: the busiest user rates several times the median.
    const counts = [...perUser.values()].sort((a, b) => a - b);
    expect(counts.at(-1)!).toBeGreaterThan(3 * counts[150]!);
  });

  it('never dates a rating before the movie was released, and keeps it in the user active period', () => {
    const catalogue = makeMovies(7, 150);
    let violations = 0;
    for (const r of ratings) {
      const user = users.get(r.user)!;
      const movie = movies[r.movie - 1]!;
      if (r.time < catalogue.releases[r.movie - 1]!) violations++;
      if (r.time < Date.UTC(movie.year, 0, 1) / 1000) violations++;
      if (r.time < user.from || r.time > user.to) violations++;
    }
    expect(violations).toBe(0);
    expect(catalogue.years[0]).toBe(movies[0]!.year);
  });

  it('writes parseable MovieLens titles: " (YEAR)" suffix, quoted when they hold commas or quotes', async () => {
    const raw = await readFile(path.join(root, 'a', 'movies.csv'), 'utf8');
    for (const m of movies) expect(m.year).toBeGreaterThanOrEqual(1915);
    const withComma = movies.filter((m) => m.title.includes(',') && !m.title.includes('"'));
    expect(withComma.length).toBeGreaterThan(10);
    expect(raw).toContain(`"${withComma[0]!.title}"`);
    const withQuote = movies.find((m) => m.title.includes('"'));
    if (withQuote) expect(raw).toContain(withQuote.title.replaceAll('"', '""'));
    for (const m of movies) expect(m.genres).not.toBe(0);
  });

  it('puts the noise floor (truth vs observed) well below the spread of the ratings', () => {
    const n = ratings.length;
    const mean = ratings.reduce((s, r) => s + r.rating, 0) / n;
    const sd = Math.sqrt(ratings.reduce((s, r) => s + (r.rating - mean) ** 2, 0) / n);
    const floor = Math.sqrt(ratings.reduce((s, r, i) => s + (truth[i]! - r.rating) ** 2, 0) / n);
    expect(summary.noiseFloorRmse).toBeCloseTo(floor, 5);
    expect(floor).toBeLessThan(0.9 * sd);
    expect(floor).toBeGreaterThan(0.7);
    for (const t of truth) if (!(t >= 1 && t <= 5)) throw new Error(`expected value ${t}`);
    // truth is calibrated: on average it equals the observed rating.
    expect(Math.abs(truth.reduce((a, b) => a + b, 0) / n - mean)).toBeLessThan(0.03);
  });

  it('shows genre affinity: favourite-genre movies are rated more often and higher', () => {
    let ratedShare = 0;
    let catalogueShare = 0;
    const liked = { sum: 0, n: 0 };
    const others = { sum: 0, n: 0 };
    const byUser = new Map<number, typeof ratings>();
    for (const r of ratings) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r]);
    for (const [user, rows] of byUser) {
      const fav = users.get(user)!.favorites;
      const matches = (movie: number): boolean => (movies[movie - 1]!.genres & fav) !== 0;
      ratedShare += rows.filter((r) => matches(r.movie)).length / rows.length;
      catalogueShare += movies.filter((m) => matches(m.id)).length / movies.length;
      for (const r of rows) {
        const bucket = matches(r.movie) ? liked : others;
        bucket.sum += r.rating;
        bucket.n++;
      }
    }
    expect(ratedShare / byUser.size).toBeGreaterThan(1.3 * (catalogueShare / byUser.size));
    expect(liked.sum / liked.n - others.sum / others.n).toBeGreaterThan(0.3);
  });

  it('makes popularity Zipf-like: the top 10% of movies get a large share of ratings', () => {
    const perMovie = new Array<number>(150).fill(0);
    for (const r of ratings) perMovie[r.movie - 1]!++;
    perMovie.sort((a, b) => b - a);
    const top = perMovie.slice(0, 15).reduce((a, b) => a + b, 0);
    expect(top / ratings.length).toBeGreaterThan(0.3);
    expect(perMovie[0]!).toBeGreaterThan(5 * perMovie[75]!);
  });

  it('refuses a non-empty output directory unless forced, and leaves no temporary directory', async () => {
    const dir = path.join(root, 'a');
    await expect(generateDataset({ ...SIZE, seed: 9 }, dir)).rejects.toThrow(UsageError);
    await expect(generateDataset({ ...SIZE, seed: 9 }, dir)).rejects.toThrow(/--out.*--force/);
    const forced = await generateDataset({ ...SIZE, seed: 9, force: true }, dir);
    expect(forced.seed).toBe(9);
    expect((await readdir(root)).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
    await expect(generateDataset({ ...SIZE, density: 0.05 }, path.join(root, 'd'))).rejects.toThrow(
      /--density/,
    );
    expect((await readdir(root)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('generates at full density: every user rates every movie', async () => {
    const s = await generateDataset({ users: 30, movies: 25, density: 1 }, path.join(root, 'full'));
    expect(s).toMatchObject({ ratings: 750, minRatingsPerUser: 25, maxRatingsPerUser: 25, ratedMovies: 25 });
    await rm(path.join(root, 'full'), { recursive: true });
  });
});
