/**
 * Side features in the embeddings (content-aware collaborative filtering, the idea of LightFM and factorization
 * machines): a movie's embedding is its free id row plus learned rows for its genres and its release year; a
 * user's, their free id row plus learned rows for their birth year and gender, when the data has them. Shared
 * rows are trained by every rating of every movie (user) that has the feature, so they are well estimated where
 * an id row is not: the L2 prior pulls a free row towards zero, i.e. a user (movie) with few ratings towards "what
 * people of that age (movies of those genres and that year) are like", instead of towards the average.
 *
 * Numeric features (years) are encoded on a grid with linear interpolation between the two nearest grid points, so
 * the representation changes smoothly with the value. The exported weights hold the sum (see foldFeatures), so
 * ModelWeights and every consumer downstream (export, edge) are unchanged.
 */
import { GENRES } from '../../../shared/src/schemas/genres.ts';
import type { RatingsTable } from '../data/types.ts';

/** Spacing of the year grids (years): finer than the ~5-year structure age × era preferences have. */
export const YEAR_GRID = 2;
/**
 * Features write only the first FEATURE_WIDTH coordinates of an embedding: the gathers and gradient sums they
 * add to every training row are scalar JS, so their width is what they cost in throughput.
 */
export const FEATURE_WIDTH = 16;
const SECONDS_PER_YEAR = 365.25 * 86400;

/**
 * The features of one side (users or movies) and their learned rows.
 * Features of entity e: index[starts[e] .. starts[e+1]) with weights weight[same range] (CSR).
 */
export interface FeatureSide {
  /** Number of entities (users or movies). */
  count: number;
  starts: Int32Array;
  index: Int32Array;
  weight: Float32Array;
  /** Feature names (e.g. "genre:Comedy", "year:1994"), one per row of `table`. */
  names: string[];
  /** Width of a feature row: the first `dim` coordinates of an embedding (min(embedding size, FEATURE_WIDTH)). */
  dim: number;
  /** Embedding size (the row stride of the embedding tables the features are added to). */
  stride: number;
  /** [names.length, dim] learned rows (start at zero: the free rows carry the initial randomness). */
  table: Float32Array;
  /** Gradient accumulator of one step, [names.length, dim]. */
  grad: Float32Array;
}

interface Builder {
  names: string[];
  ids: Map<string, number>;
  perEntity: { index: number[]; weight: number[] }[];
}

function builder(count: number): Builder {
  return {
    names: [],
    ids: new Map(),
    perEntity: Array.from({ length: count }, () => ({ index: [], weight: [] })),
  };
}

function add(b: Builder, e: number, name: string, weight: number): void {
  let id = b.ids.get(name);
  if (id === undefined) {
    id = b.names.length;
    b.ids.set(name, id);
    b.names.push(name);
  }
  b.perEntity[e]!.index.push(id);
  b.perEntity[e]!.weight.push(weight);
}

/** Adds `value` on the `prefix` grid: the two nearest grid points, weighted by closeness. */
function addOnGrid(b: Builder, e: number, prefix: string, value: number): void {
  const p = value / YEAR_GRID;
  const lo = Math.floor(p);
  const frac = p - lo;
  add(b, e, `${prefix}:${lo * YEAR_GRID}`, 1 - frac);
  if (frac > 0) add(b, e, `${prefix}:${(lo + 1) * YEAR_GRID}`, frac);
}

/** Adds each genre of `mask` as `prefix:Genre`, weight 1/√genres (the same scale however many there are). */
function addGenres(b: Builder, e: number, prefix: string, mask: number): void {
  const genres = GENRES.filter((_, g) => (mask >>> g) & 1);
  for (const g of genres) add(b, e, `${prefix}:${g}`, 1 / Math.sqrt(genres.length));
}

function finish(b: Builder, embeddingDim: number): FeatureSide | undefined {
  if (b.names.length === 0) return undefined;
  const dim = Math.min(embeddingDim, FEATURE_WIDTH);
  const count = b.perEntity.length;
  const starts = new Int32Array(count + 1);
  for (let e = 0; e < count; e++) starts[e + 1] = starts[e]! + b.perEntity[e]!.index.length;
  const index = new Int32Array(starts[count]!);
  const weight = new Float32Array(starts[count]!);
  b.perEntity.forEach((f, e) => {
    index.set(f.index, starts[e]!);
    weight.set(f.weight, starts[e]!);
  });
  const size = b.names.length * dim;
  return {
    count,
    starts,
    index,
    weight,
    names: b.names,
    dim,
    stride: embeddingDim,
    table: new Float32Array(size),
    grad: new Float32Array(size),
  };
}

/**
 * Movie features from the table's movie information: each genre (weight 1/√genres, so a movie's genre part has
 * the same scale however many it has) and the release year on the grid. Undefined without movie information.
 */
export function movieFeatures(table: RatingsTable, dim: number): FeatureSide | undefined {
  const info = table.movieInfo;
  if (info === undefined) return undefined;
  const b = builder(table.movieIds.length);
  for (let m = 0; m < table.movieIds.length; m++) {
    addGenres(b, m, 'genre', info.genres[m]!);
    const year = info.years[m]!;
    if (year > 0) addOnGrid(b, m, 'year', year);
  }
  return finish(b, dim);
}

/**
 * User features: birth year (the year of the user's first training rating minus their age; the age alone when the
 * data has no timestamps) on the grid, gender and declared genre preferences from the table's user information,
 * and, whenever the ratings are timestamped, the year of the user's last training rating on the grid ("active"):
 * which movies were out when a user was rating is much of what they could choose, and its dot product with the
 * movies' release-year rows lets the preference head learn it. Undefined when there is neither.
 * @param rows training rows: only they date a user's ratings
 */
export function userFeatures(table: RatingsTable, rows: Int32Array, dim: number): FeatureSide | undefined {
  const info = table.userInfo;
  const numUsers = table.userIds.length;
  const first = new Float64Array(numUsers).fill(Infinity);
  const last = new Float64Array(numUsers).fill(-Infinity);
  let dated = false;
  for (const r of rows) {
    const u = table.users[r]!;
    const ts = table.timestamps[r]!;
    if (ts > 0) {
      dated = true;
      if (ts < first[u]!) first[u] = ts;
      if (ts > last[u]!) last[u] = ts;
    }
  }
  if (info === undefined && !dated) return undefined;
  const b = builder(numUsers);
  for (let u = 0; u < numUsers; u++) {
    if (Number.isFinite(last[u]!)) addOnGrid(b, u, 'active', 1970 + last[u]! / SECONDS_PER_YEAR);
    if (info === undefined) continue;
    const age = info.ages[u]!;
    if (age > 0) {
      const ts = first[u]!;
      if (Number.isFinite(ts)) addOnGrid(b, u, 'born', 1970 + ts / SECONDS_PER_YEAR - age);
      else addOnGrid(b, u, 'age', age);
    }
    const gender = info.genders[u];
    if (gender) add(b, u, `gender:${gender}`, 1);
    // Occupation (MovieLens 100K / 1M) is loaded but not a feature: uninformative occupations cost 0.001 RMSE on a
    // MovieLens-100K-shaped set (0.9474 vs 0.9463) and no data here shows a gain (docs/experiments/rating-accuracy.md).
    addGenres(b, u, 'likes', info.likedGenres[u] ?? 0);
    addGenres(b, u, 'dislikes', info.dislikedGenres[u] ?? 0);
  }
  return finish(b, dim);
}

/** Adds entity e's feature part to out[outOffset .. outOffset + side.dim). */
export function addFeatureRow(side: FeatureSide, e: number, out: Float32Array, outOffset: number): void {
  const { starts, index, weight, table, dim } = side;
  for (let j = starts[e]!; j < starts[e + 1]!; j++) {
    const w = weight[j]!;
    const row = index[j]! * dim;
    for (let k = 0; k < dim; k++) out[outOffset + k] = out[outOffset + k]! + w * table[row + k]!;
  }
}

/** Accumulates the gradient g[gOffset .. gOffset + side.dim) of entity e's embedding into its features' rows. */
export function accumulateFeatureGrad(side: FeatureSide, e: number, g: Float32Array, gOffset: number): void {
  const { starts, index, weight, grad, dim } = side;
  for (let j = starts[e]!; j < starts[e + 1]!; j++) {
    const w = weight[j]!;
    const row = index[j]! * dim;
    for (let k = 0; k < dim; k++) grad[row + k] = grad[row + k]! + w * g[gOffset + k]!;
  }
}

/** emb + every entity's feature part, into `out` ([count, stride]; may be `emb` itself). */
export function foldFeatures(
  side: FeatureSide | undefined,
  emb: Float32Array,
  out: Float32Array,
): Float32Array {
  out.set(emb);
  if (side !== undefined) for (let e = 0; e < side.count; e++) addFeatureRow(side, e, out, e * side.stride);
  return out;
}
