/**
 * movies.bin: the movie-side tables the edge caches per isolate. Sections (docs/artifacts.md):
 * `norm` f32 [M, dim] L2-normalized embeddings (cosine similarity = dot product), `emb` f32 [M, dim] raw
 * embeddings (hybrid dot-product retrieval, fold-in), `bias` f32 [M] movie biases (without mu), and optionally
 * `norm_i8` i8 [M, dim] with `norm_scale` f32 [M] (norm[r][i] ≈ norm_i8[r][i] × norm_scale[r]), and, for a model
 * with a preference head, `pref_emb` f32 [M, dim] and `pref_bias` f32 [M] (pref(u, m) = e_u · pref_emb[m] + pref_bias[m],
 * shared/src/kernels/two-stage.ts).
 */
import { ArtifactError } from '../errors.ts';
import { assertFinite } from './checks.ts';
import { expectDim, openContainer, writeContainer, type SectionSpec } from './container.ts';

export const MOVIES_BIN = 'movies.bin';
export const MOVIES_MAGIC = 'MQMV';

/** Movie tables indexed by dense movie index; matrices row-major. */
export interface MovieTables {
  numMovies: number;
  dim: number;
  /** [numMovies, dim], each row of unit L2 norm (or all zero). */
  norm: Float32Array;
  /** [numMovies, dim], as trained. */
  emb: Float32Array;
  /** [numMovies]. */
  bias: Float32Array;
  /** [numMovies, dim] int8 quantization of `norm`, present when written with `int8`. */
  normI8?: Int8Array;
  /** [numMovies] per-row dequantization scale of `normI8`. */
  normScale?: Float32Array;
  /** The preference head (both or neither): [numMovies, dim] preference vectors and [numMovies] biases. */
  prefEmb?: Float32Array;
  prefBias?: Float32Array;
}

/**
 * Symmetric per-row int8 quantization: scale = max|x| / 127, q = round(x / scale). All-zero rows get scale 0.
 * @param rows [numRows, dim] row-major
 */
export function quantizeRowsInt8(
  rows: Float32Array,
  numRows: number,
  dim: number,
): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(numRows * dim);
  const scale = new Float32Array(numRows);
  for (let r = 0, base = 0; r < numRows; r++, base += dim) {
    let max = 0;
    for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(rows[base + i] as number));
    const s = max / 127;
    scale[r] = s;
    if (s === 0) continue;
    for (let i = 0; i < dim; i++) q[base + i] = Math.round((rows[base + i] as number) / s);
  }
  return { q, scale };
}

/** Rows of `norm` must have unit L2 norm (all-zero rows are allowed: a movie without direction). */
function assertUnitRows(norm: Float32Array, m: number, dim: number): void {
  for (let r = 0, base = 0; r < m; r++, base += dim) {
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += (norm[base + i] as number) ** 2;
    if (ss !== 0 && Math.abs(Math.sqrt(ss) - 1) > 1e-3) {
      throw new ArtifactError(MOVIES_BIN, `norm: row ${r} has L2 norm ${Math.sqrt(ss)}, expected 1 (or 0)`);
    }
  }
}

/**
 * Serializes movie tables; with `int8` the quantized copy of `norm` is computed and added.
 * @throws ArtifactError when a table's length does not match numMovies × dim or a value is not finite
 */
export function writeMoviesBin(
  t: Pick<MovieTables, 'numMovies' | 'dim' | 'norm' | 'emb' | 'bias' | 'prefEmb' | 'prefBias'>,
  options: { int8?: boolean } = {},
): Uint8Array {
  const { numMovies: m, dim } = t;
  assertFinite(MOVIES_BIN, 'norm', t.norm);
  assertFinite(MOVIES_BIN, 'emb', t.emb);
  assertFinite(MOVIES_BIN, 'bias', t.bias);
  if (t.norm.length === m * dim) assertUnitRows(t.norm, m, dim);
  const sections: SectionSpec[] = [
    { name: 'norm', dtype: 'f32', dims: [m, dim], data: t.norm },
    { name: 'emb', dtype: 'f32', dims: [m, dim], data: t.emb },
    { name: 'bias', dtype: 'f32', dims: [m], data: t.bias },
  ];
  if (options.int8) {
    const { q, scale } = quantizeRowsInt8(t.norm, m, dim);
    sections.push({ name: 'norm_i8', dtype: 'i8', dims: [m, dim], data: q });
    sections.push({ name: 'norm_scale', dtype: 'f32', dims: [m], data: scale });
  }
  if ((t.prefEmb === undefined) !== (t.prefBias === undefined)) {
    throw new ArtifactError(MOVIES_BIN, 'pref_emb and pref_bias must be written together');
  }
  if (t.prefEmb && t.prefBias) {
    assertFinite(MOVIES_BIN, 'pref_emb', t.prefEmb);
    assertFinite(MOVIES_BIN, 'pref_bias', t.prefBias);
    sections.push({ name: 'pref_emb', dtype: 'f32', dims: [m, dim], data: t.prefEmb });
    sections.push({ name: 'pref_bias', dtype: 'f32', dims: [m], data: t.prefBias });
  }
  return writeContainer(MOVIES_BIN, MOVIES_MAGIC, sections);
}

/**
 * Parses movies.bin held in memory; the returned arrays are views of `bytes` where alignment allows.
 * @param expected dimensions the manifest promises, checked when given
 * @throws ArtifactError naming movies.bin on any header, shape or content problem
 */
export function readMoviesBin(
  bytes: Uint8Array,
  expected: { numMovies?: number; dim?: number } = {},
): MovieTables {
  const c = openContainer(MOVIES_BIN, MOVIES_MAGIC, bytes);
  const norm = c.get('norm', 'f32', 2);
  const [m, dim] = norm.info.dims as [number, number];
  if (expected.numMovies !== undefined) expectDim(c.header, 'norm rows (movies)', m, expected.numMovies);
  if (expected.dim !== undefined) expectDim(c.header, 'norm columns (dim)', dim, expected.dim);
  const emb = c.get('emb', 'f32', 2);
  expectDim(c.header, 'emb rows', emb.info.dims[0] as number, m);
  expectDim(c.header, 'emb columns', emb.info.dims[1] as number, dim);
  const bias = c.get('bias', 'f32', 1);
  expectDim(c.header, 'bias length', bias.info.dims[0] as number, m);
  assertFinite(MOVIES_BIN, 'norm', norm.data);
  assertUnitRows(norm.data, m, dim);
  assertFinite(MOVIES_BIN, 'emb', emb.data);
  assertFinite(MOVIES_BIN, 'bias', bias.data);
  const out: MovieTables = { numMovies: m, dim, norm: norm.data, emb: emb.data, bias: bias.data };
  const hasI8 = c.header.sections.has('norm_i8');
  if (hasI8 !== c.header.sections.has('norm_scale')) {
    throw new ArtifactError(MOVIES_BIN, 'norm_i8 and norm_scale must be present together');
  }
  if (hasI8) {
    const q = c.get('norm_i8', 'i8', 2);
    expectDim(c.header, 'norm_i8 rows', q.info.dims[0] as number, m);
    expectDim(c.header, 'norm_i8 columns', q.info.dims[1] as number, dim);
    const scale = c.get('norm_scale', 'f32', 1);
    expectDim(c.header, 'norm_scale length', scale.info.dims[0] as number, m);
    assertFinite(MOVIES_BIN, 'norm_scale', scale.data);
    out.normI8 = q.data;
    out.normScale = scale.data;
  }
  const hasPref = c.header.sections.has('pref_emb');
  if (hasPref !== c.header.sections.has('pref_bias')) {
    throw new ArtifactError(MOVIES_BIN, 'pref_emb and pref_bias must be present together');
  }
  if (hasPref) {
    const pe = c.get('pref_emb', 'f32', 2);
    expectDim(c.header, 'pref_emb rows', pe.info.dims[0] as number, m);
    expectDim(c.header, 'pref_emb columns', pe.info.dims[1] as number, dim);
    const pb = c.get('pref_bias', 'f32', 1);
    expectDim(c.header, 'pref_bias length', pb.info.dims[0] as number, m);
    assertFinite(MOVIES_BIN, 'pref_emb', pe.data);
    assertFinite(MOVIES_BIN, 'pref_bias', pb.data);
    out.prefEmb = pe.data;
    out.prefBias = pb.data;
  }
  return out;
}
