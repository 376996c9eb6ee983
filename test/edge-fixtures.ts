/**
 * Model versions for the edge tests and benchmark: seeded random weights of the real shape, exported with the real
 * ONNX export and serialized with the real artifact writers, plus the offline answers (trainer/src/model/scoring.ts
 * and the shared kernels) the Worker's answers are compared with. Publishing goes through Miniflare's R2 API, in
 * the order `marquee publish` uses: files, then manifest.json, then channels.json.
 */
import { writeMoviesBin } from '../shared/src/formats/movies-bin.ts';
import { writePopularityBin } from '../shared/src/formats/popularity-bin.ts';
import { writeSeenBin } from '../shared/src/formats/seen-bin.ts';
import { writeSimilarBin } from '../shared/src/formats/similar-bin.ts';
import { writeUsersBin } from '../shared/src/formats/users-bin.ts';
import { digestOf } from '../shared/src/formats/verify.ts';
import { sha256 } from '../shared/src/formats/web.ts';
import { mulberry32 } from '../shared/src/kernels/prng.ts';
import { topK } from '../shared/src/kernels/top-k.ts';
import { l2NormalizeRows, matVec } from '../shared/src/kernels/vectors.ts';
import { CLASSIC_GENRE_COUNT, GENRES } from '../shared/src/schemas/genres.ts';
import { parseManifest } from '../shared/src/schemas/manifest.ts';
import { buildServingOnnx } from '../trainer/src/export/onnx/serving-graph.ts';
import { randomWeights } from '../trainer/src/export/onnx/random-weights.ts';
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
   * Multiplies both embedding tables (default 1). Above 1 the hybrid dot term outweighs the MLP, as in trained
   * hybrid models, which makes pruned ranking worthwhile; random Glorot weights alone make the MLP dominate.
   */
  embeddingScale?: number;
}

/** A built version: its files and what the tests need to predict the Worker's answers. */
export interface Fixture {
  options: FixtureOptions;
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

/** Builds every file of a version from seeded random weights. */
export async function buildFixture(options: FixtureOptions): Promise<Fixture> {
  const { numUsers, numMovies, dim, seed } = options;
  const weights = randomWeights({ ...options, hidden: options.hidden });
  const scale = options.embeddingScale ?? 1;
  if (scale !== 1) {
    for (let i = 0; i < weights.userEmb.length; i++)
      weights.userEmb[i] = (weights.userEmb[i] as number) * scale;
    for (let i = 0; i < weights.movieEmb.length; i++)
      weights.movieEmb[i] = (weights.movieEmb[i] as number) * scale;
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
  const counts = new Int32Array(numMovies);
  for (let u = 0; u < numUsers; u++) {
    const set = new Set<number>();
    // Skewed towards low indices so popularity is not uniform.
    while (set.size < Math.min(options.seenPerUser, numMovies)) set.add(Math.floor(numMovies * rand() ** 2));
    const list = Int32Array.from(set).sort();
    for (const m of list) counts[m] = (counts[m] as number) + 1;
    seen.push(list);
  }
  const seenOffsets = new Uint32Array(numUsers);
  let total = 0;
  seen.forEach((list, u) => {
    seenOffsets[u] = total;
    total += list.length;
  });
  const seenFlat = new Int32Array(total);
  seen.forEach((list, u) => seenFlat.set(list, seenOffsets[u] as number));
  const overall = Int32Array.from({ length: numMovies }, (_, m) => m).sort(
    (a, b) => (counts[b] as number) - (counts[a] as number) || a - b,
  );
  const genreOffsets = new Uint32Array(GENRES.length + 1);
  const genreLists = GENRES.map((_, g) =>
    Array.from(overall).filter((m) => ((genres[m] as number) >>> g) & 1),
  );
  genreLists.forEach((list, g) => (genreOffsets[g + 1] = (genreOffsets[g] as number) + list.length));
  const norm = l2NormalizeRows(weights.movieEmb, numMovies, dim);
  const files = new Map<string, Uint8Array>();
  files.set('model.onnx', buildServingOnnx(weights));
  files.set(
    'movies.bin',
    writeMoviesBin({ numMovies, dim, norm, emb: weights.movieEmb, bias: weights.movieBias }),
  );
  files.set(
    'movies.json',
    json({
      schema: 1,
      genreVocabulary: [...GENRES],
      ids: Array.from(movieIds),
      titles: Array.from(movieIds, (id) => `Movie ${id}`),
      genreMasks: Array.from(genres),
      years: Array.from(movieIds, (_, m) => (m % 11 === 0 ? null : 1950 + (m % 70))),
      ratingCounts: Array.from(counts),
      meanRatings: Array.from(counts, (c) => (c > 0 ? 3.5 : null)),
    }),
  );
  files.set(
    'users.bin',
    writeUsersBin({
      dim,
      ids: userIds,
      bias: weights.userBias,
      vecs: weights.userEmb,
      seenOffsets,
      seenCounts: Uint32Array.from(seen, (l) => l.length),
    }),
  );
  files.set('seen.bin', writeSeenBin(seenFlat, numMovies));
  files.set(
    'popularity.bin',
    writePopularityBin({ overall, genreOffsets, genreMovies: Int32Array.from(genreLists.flat()) }),
  );
  const similarK = options.similarK ?? 0;
  if (similarK > 0) files.set('similar.bin', writeSimilarBin(similarTables(norm, numMovies, dim, similarK)));
  const ratingScale = { min: 1, max: 5, step: 1 };
  const fileEntries: Record<string, { bytes: number; sha256: string }> = {};
  for (const [name, bytes] of files) fileEntries[name] = await digestOf(bytes);
  const manifest = {
    schema: 1,
    version: options.version,
    created: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    model: { arch: options.arch, hidden: options.hidden, mu: weights.mu, ratingScale },
    dims: { users: numUsers, movies: numMovies, dim, similarK },
    counts: {
      trainRatings: total,
      seen: total,
      unratedMovies: counts.filter((c) => c === 0).length,
      untrainedUsers: 0,
    },
    fingerprints: {
      data: await sha256(seenFlat.length ? new Uint8Array(seenFlat.buffer) : json(0)),
      weights: await sha256(new Uint8Array(weights.movieEmb.buffer)),
    },
    training: { backend: 'random', config: { seed } },
    metrics: { test: { rmse: 0.9 } },
    files: fileEntries,
  };
  // Checked here so a schema change shows up as a fixture error, not as a Worker that refuses the version.
  parseManifest(manifest);
  files.set('manifest.json', json(manifest));
  return {
    options,
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

function similarTables(norm: Float32Array, numMovies: number, dim: number, k: number) {
  const indices = new Int32Array(numMovies * k);
  const scores = new Float32Array(numMovies * k);
  for (let m = 0; m < numMovies; m++) {
    const cos = matVec(norm, numMovies, dim, norm.subarray(m * dim, (m + 1) * dim));
    const best = topK(cos, k, { sorted: Int32Array.of(m) });
    indices.set(best.indices, m * k);
    scores.set(best.scores, m * k);
  }
  return { numMovies, k, indices, scores };
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

/** The offline top-N of a known user (dense index): exhaustive scores, rated movies excluded, genre filter. */
export function expectedTopN(
  fixture: Fixture,
  user: number,
  limit: number,
  options: { excludeRated?: boolean; genreMask?: number } = {},
): { movieIds: number[]; ratings: number[] } {
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

/**
 * Exactness of the hybrid retrieve-rerank strategy, simulated offline: the mean over `users` of
 * |exhaustive top-10 ∩ top-10 of the C best candidates by b_movie + e_user·e_movie, re-ranked exactly| / 10.
 */
export function retrieveRerankOverlap(
  fixture: Fixture,
  users: number[],
  candidates: readonly number[],
): number[] {
  const { numMovies, dim } = fixture.options;
  const w = fixture.weights;
  const sums = candidates.map(() => 0);
  for (const u of users) {
    const exact = scoreAllMovies(fixture.scorer, u, new Float32Array(numMovies));
    const seen = { sorted: fixture.seen[u] as Int32Array };
    const truth = new Set(topK(exact, 10, seen).indices);
    const retrieval = matVec(w.movieEmb, numMovies, dim, w.userEmb.subarray(u * dim, (u + 1) * dim));
    for (let m = 0; m < numMovies; m++) retrieval[m] = (retrieval[m] as number) + (w.movieBias[m] as number);
    candidates.forEach((c, k) => {
      const picked = topK(retrieval, c, seen).indices;
      const reranked = new Float32Array(numMovies).fill(NaN);
      for (const m of picked) reranked[m] = exact[m] as number;
      sums[k] = (sums[k] as number) + topK(reranked, 10).indices.filter((m) => truth.has(m)).length / 10;
    });
  }
  return sums.map((s) => s / users.length);
}
