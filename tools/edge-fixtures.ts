/**
 * Model versions for the edge tests and benchmark: seeded random weights of the real shape (with a random
 * preference head and a two-stage plan unless told otherwise) and synthetic seen lists, built into a version by the
 * real exporter (buildVersion: ONNX graph, tables, manifest), plus the offline answers (the trainer's scorer and
 * two-stage ranker, the shared kernels) the Worker's answers are compared with. Publishing goes through Miniflare's R2 API, in
 * the order `marquee publish` uses: files, then manifest.json, then channels.json.
 */
import { mulberry32, randomFloats } from '../shared/src/kernels/prng.ts';
import { topK } from '../shared/src/kernels/top-k.ts';
import { blendCandidates, retrieveCandidates, type TwoStagePlan } from '../shared/src/kernels/two-stage.ts';
import { l2NormalizeRows, matVec } from '../shared/src/kernels/vectors.ts';
import { CLASSIC_GENRE_COUNT } from '../shared/src/schemas/genres.ts';
import { parseManifest } from '../shared/src/schemas/manifest.ts';
import { randomWeights } from './random-weights.ts';
import { buildVersion } from '../trainer/src/export/artifacts/build-version.ts';
import { versionInputFromRun } from '../trainer/src/export/artifacts/from-run.ts';
import { seenLists } from '../trainer/src/export/artifacts/training-stats.ts';
import type { RatingsTable } from '../trainer/src/data/types.ts';
import { initPreference } from '../trainer/src/model/init.ts';
import { Ranker } from '../trainer/src/model/ranker.ts';
import { prepareScorer, scoreAllMovies, type Scorer } from '../trainer/src/model/scoring.ts';
import type { Arch, ModelWeights } from '../trainer/src/model/weights.ts';

/** The part of an R2 bucket publishing needs (Miniflare's R2 API satisfies it). */
export interface BucketWriter {
  put(key: string, value: ArrayBuffer): Promise<unknown>;
}

/** A standalone copy: Miniflare's R2 proxy only accepts views that span their whole buffer. */
function own(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

export interface FixtureOptions {
  version: string;
  arch: Arch;
  numUsers: number;
  numMovies: number;
  dim: number;
  hidden: number[];
  seed: number;
  /** Training ratings per user (movies excluded from their recommendations). */
  seenPerUser: number;
  /** Neighbours per movie in similar.bin; 0 = no similar.bin. */
  similarK?: number;
  /**
   * The two-stage plan that goes with the model's random preference head (default FIXTURE_PLAN); null: a model
   * without a preference head (trained with `--pref-weight 0`), which the Worker ranks exhaustively.
   */
  plan?: TwoStagePlan | null;
  /**
   * Seed of a permutation of the movies' embedding rows, applied to the random weights before anything else uses
   * them: the same catalogue, users, seen lists, biases and preference head as the fixture without it, but each
   * movie carries another movie's vector, so the version ranks worse than the unshuffled one (canary tests).
   */
  shuffleMovieEmbeddings?: number;
}

/** The plan of fixtures with a preference head: C = 40, so limits above 40 exercise C = limit. */
export const FIXTURE_PLAN: TwoStagePlan = { candidates: 40, ratingWeight: 1 };

/** A built version: its files and what the tests need to predict the Worker's answers. */
export interface Fixture {
  options: FixtureOptions;
  /** The version's two-stage plan (manifest `ranking`, with the model's history weight), when it has a head. */
  plan?: TwoStagePlan & { historyWeight?: number };
  weights: ModelWeights;
  scorer: Scorer;
  /** File name -> bytes, manifest.json included. */
  files: Map<string, Uint8Array>;
  /** External user id per dense user (ascending). */
  userIds: Int32Array;
  /** External movie id per dense movie. */
  movieIds: Int32Array;
  /** Dense movie indices each user rated, ascending. */
  seen: Int32Array[];
  /** Genre mask per movie (GENRES bit order). */
  genres: Uint32Array;
  /** L2-normalized movie embeddings. */
  norm: Float32Array;
  ratingScale: { min: number; max: number; step: number };
}

/** External id of dense user i: sparse on purpose, so lookups cannot get away with dense indexing. */
export const userIdOf = (i: number): number => 1 + 3 * i;
/** External id of dense movie m. */
export const movieIdOf = (m: number): number => 10 + 7 * m;

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** Permutes the rows (of `width` floats) of `table` in place (Fisher–Yates with `rand`). */
function shuffleRows(table: Float32Array, width: number, rand: () => number): void {
  const row = new Float32Array(width);
  for (let i = table.length / width - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    row.set(table.subarray(i * width, (i + 1) * width));
    table.copyWithin(i * width, j * width, (j + 1) * width);
    table.set(row, j * width);
  }
}

/** Builds every file of a version from seeded random weights. */
export async function buildFixture(options: FixtureOptions): Promise<Fixture> {
  const { numUsers, numMovies, dim, seed } = options;
  const weights = randomWeights({ ...options, hidden: options.hidden });
  if (options.shuffleMovieEmbeddings !== undefined) {
    shuffleRows(weights.movieEmb, dim, mulberry32(options.shuffleMovieEmbeddings));
  }
  const plan = options.plan === undefined ? FIXTURE_PLAN : options.plan;
  if (plan !== null) {
    // The trainer's fresh head, then a random gate and bias. A gate of 2–6 lets the user's embedding move the
    // preference about as much as the movie bias does (±0.3 per entry); with a gate of 1 the bias alone would pick
    // nearly the same candidates for every user.
    const prefRand = mulberry32(seed ^ 0x9e3f);
    weights.pref = initPreference(dim, new Int32Array(numMovies));
    weights.pref.gate.set(randomFloats(prefRand, dim, 2, 6));
    weights.pref.movieBias.set(randomFloats(prefRand, numMovies, -0.5, 0.5));
  }
  const rand = mulberry32(seed ^ 0x5eed);
  const userIds = Int32Array.from({ length: numUsers }, (_, i) => userIdOf(i));
  const movieIds = Int32Array.from({ length: numMovies }, (_, m) => movieIdOf(m));
  const genres = Uint32Array.from({ length: numMovies }, () => {
    let mask = 0;
    const count = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < count; k++) mask |= 1 << Math.floor(rand() * CLASSIC_GENRE_COUNT);
    return mask >>> 0;
  });
  const seen: Int32Array[] = [];
  for (let u = 0; u < numUsers; u++) {
    const set = new Set<number>();
    // Skewed towards low indices so popularity is not uniform.
    while (set.size < Math.min(options.seenPerUser, numMovies)) set.add(Math.floor(numMovies * rand() ** 2));
    const list = Int32Array.from(set).sort();
    seen.push(list);
  }
  // The version itself comes from the real exporter: a rating table whose training rows are the seen lists.
  const rows = seen.reduce((n, list) => n + list.length, 0);
  const table: RatingsTable = {
    users: new Int32Array(rows),
    movies: new Int32Array(rows),
    ratings: new Float32Array(rows).fill(4),
    timestamps: new Uint32Array(rows),
    count: rows,
    userIds,
    movieIds,
    scale: { min: 1, max: 5, step: 1 },
    movieInfo: {
      titles: Array.from(movieIds, (id) => `Movie ${id}`),
      genres,
      years: Int32Array.from(movieIds, (_, m) => (m % 11 === 0 ? 0 : 1950 + (m % 70))),
    },
    source: { format: 'edge-fixture', path: `fixture:${options.version}` },
  };
  let row = 0;
  seen.forEach((list, u) => {
    for (const m of list) {
      table.users[row] = u;
      table.movies[row++] = m;
    }
  });
  const built = await buildVersion({
    weights,
    table,
    trainRows: Int32Array.from({ length: rows }, (_, r) => r),
    config: { seed },
    metrics: { test: { rmse: 0.9 } },
    backend: 'random weights',
    created: new Date(Date.UTC(2026, 0, 1)),
    similarK: options.similarK ?? 0,
    int8: false,
    ...(plan === null ? {} : { ranking: plan }),
  });
  // Tests name their versions; the manifest is not among the hashed files, so renaming is one field.
  const manifest = { ...built.manifest, version: options.version };
  parseManifest(manifest);
  const files = new Map(built.files).set('manifest.json', json(manifest));
  const norm = l2NormalizeRows(weights.movieEmb, numMovies, dim);
  const ratingScale = table.scale;
  return {
    options,
    ...(manifest.ranking === undefined ? {} : { plan: manifest.ranking }),
    weights,
    scorer: prepareScorer(weights),
    files,
    userIds,
    movieIds,
    seen,
    genres,
    norm,
    ratingScale,
  };
}

/**
 * A version exported from a training run directory (what `marquee export` builds from the run's weights, its data
 * reloaded with the recorded split and seen lists from the training side, except that by default it has no
 * similar.bin and no int8 copy of the normalized embeddings, which top-N ranking does not read), as a Fixture for
 * the benchmark: users and movies keep the data's ids (`userIds` / `movieIds`), not userIdOf / movieIdOf.
 * @param similarK neighbours per movie in similar.bin (0 skips the 10k × 10k scan)
 */
export async function fixtureFromRun(runDir: string, version: string, similarK = 0): Promise<Fixture> {
  const input = await versionInputFromRun(runDir, { similarK, int8: false });
  const { weights, table, trainRows } = input;
  const built = await buildVersion({ ...input, created: new Date(Date.UTC(2026, 0, 1)) });
  const manifest = { ...built.manifest, version };
  parseManifest(manifest);
  const lists = seenLists(table, trainRows);
  const seen: Int32Array[] = Array.from({ length: weights.numUsers }, () => new Int32Array(0));
  lists.users.forEach((u, k) => {
    const at = lists.offsets[k] as number;
    seen[u] = lists.movies.subarray(at, at + (lists.counts[k] as number));
  });
  return {
    options: {
      version,
      arch: weights.arch,
      numUsers: weights.numUsers,
      numMovies: weights.numMovies,
      dim: weights.dim,
      hidden: weights.hidden.map((layer) => layer.outSize),
      seed: Number((input.config.train as { seed?: unknown } | undefined)?.seed ?? 0),
      seenPerUser: Math.round(trainRows.length / Math.max(1, weights.numUsers)),
      similarK,
    },
    weights,
    scorer: prepareScorer(weights),
    files: new Map(built.files).set('manifest.json', json(manifest)),
    userIds: table.userIds,
    movieIds: table.movieIds,
    seen,
    genres: table.movieInfo?.genres ?? new Uint32Array(weights.numMovies),
    norm: l2NormalizeRows(weights.movieEmb, weights.numMovies, weights.dim),
    ratingScale: table.scale,
    ...(built.manifest.ranking === undefined ? {} : { plan: built.manifest.ranking }),
  };
}

/** Puts a version's files into the bucket, manifest.json last (what publish does). */
export async function publishFixture(bucket: BucketWriter, fixture: Fixture, prefix = ''): Promise<void> {
  const dir = `${prefix}models/${fixture.options.version}/`;
  for (const [name, bytes] of fixture.files)
    if (name !== 'manifest.json') await bucket.put(dir + name, own(bytes));
  await bucket.put(dir + 'manifest.json', own(fixture.files.get('manifest.json') as Uint8Array));
}

/** Writes channels.json. */
export async function setChannelsJson(
  bucket: BucketWriter,
  channels: { stable: string; canary?: { version: string; percent: number } | null; history?: string[] },
  prefix = '',
): Promise<void> {
  await bucket.put(
    `${prefix}channels.json`,
    own(
      json({
        schema: 1,
        stable: channels.stable,
        canary: channels.canary ?? null,
        updated: new Date().toISOString(),
        history: channels.history ?? [],
      }),
    ),
  );
}

/**
 * The offline top-N of a known user (dense index), rated movies excluded, genre filter: the shared two-stage path
 * when the version has a plan, else the highest predicted ratings over every movie.
 */
export function expectedTopN(
  fixture: Fixture,
  user: number,
  limit: number,
  options: { excludeRated?: boolean; genreMask?: number } = {},
): { movieIds: number[]; ratings: number[] } {
  if (fixture.plan !== undefined && fixture.weights.pref !== undefined) {
    return expectedTwoStage(fixture, fixture.plan, user, limit, options);
  }
  const scores = scoreAllMovies(fixture.scorer, user, new Float32Array(fixture.options.numMovies));
  const mask = options.genreMask ?? 0;
  if (mask !== 0)
    for (let m = 0; m < scores.length; m++) if (((fixture.genres[m] as number) & mask) === 0) scores[m] = NaN;
  const best = topK(scores, limit, options.excludeRated === false ? {} : { sorted: fixture.seen[user] });
  return {
    movieIds: Array.from(best.indices, (m) => fixture.movieIds[m] as number),
    ratings: Array.from(best.scores),
  };
}

const rankers = new WeakMap<Fixture, Ranker>();

/**
 * expectedTopN for a version with a preference head: the trainer's preference scores (its Ranker) and the shared
 * retrieve and blend steps, as `marquee recommend` runs them. The user's history is every movie they rated, even
 * when rated movies may be recommended; a genre filter leaves the other movies out of the candidates.
 */
function expectedTwoStage(
  fixture: Fixture,
  plan: TwoStagePlan,
  user: number,
  limit: number,
  options: { excludeRated?: boolean; genreMask?: number },
): { movieIds: number[]; ratings: number[] } {
  let ranker = rankers.get(fixture);
  if (ranker === undefined) {
    ranker = new Ranker(fixture.scorer, 'blend', plan);
    rankers.set(fixture, ranker);
  }
  const rated = fixture.seen[user] as Int32Array;
  const pref = ranker.preference(user, rated).slice();
  const mask = options.genreMask ?? 0;
  if (mask !== 0)
    for (let m = 0; m < pref.length; m++) if (((fixture.genres[m] as number) & mask) === 0) pref[m] = NaN;
  const exclude = options.excludeRated === false ? new Int32Array(0) : rated;
  const candidates = retrieveCandidates(pref, Math.max(plan.candidates, limit), exclude);
  const ratings = ranker.ratingsOf(user, candidates.indices);
  const best = blendCandidates(candidates, ratings, plan.ratingWeight, limit);
  return {
    movieIds: Array.from(best.movies, (m) => fixture.movieIds[m] as number),
    ratings: Array.from(best.ratings),
  };
}

/** The offline nearest movies of a movie (dense index) by cosine. */
export function expectedSimilar(
  fixture: Fixture,
  movie: number,
  limit: number,
): { movieIds: number[]; scores: number[] } {
  const { numMovies, dim } = fixture.options;
  const cos = matVec(fixture.norm, numMovies, dim, fixture.norm.subarray(movie * dim, (movie + 1) * dim));
  const best = topK(cos, limit, { sorted: Int32Array.of(movie) });
  return {
    movieIds: Array.from(best.indices, (m) => fixture.movieIds[m] as number),
    scores: Array.from(best.scores),
  };
}

/**
 * A copy of a fixture whose file `name` no longer matches its manifest entry: one byte flipped (checksum
 * mismatch) or, with `truncate`, the last 64 bytes cut (size mismatch).
 */
export function corrupted(fixture: Fixture, name: string, how: 'flip' | 'truncate' = 'flip'): Fixture {
  const bytes = fixture.files.get(name);
  if (bytes === undefined) throw new Error(`fixture has no ${name}`);
  const copy = how === 'flip' ? bytes.slice() : bytes.slice(0, Math.max(0, bytes.length - 64));
  if (how === 'flip') copy[copy.length >> 1] = (copy[copy.length >> 1] as number) ^ 0xff;
  return { ...fixture, files: new Map(fixture.files).set(name, copy) };
}
