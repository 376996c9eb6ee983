/**
 * One loaded serving graph (see notes "model.onnx — the serving graph"): movie-side tables live inside the graph
 * as initializers, the user side arrives as inputs, and the output is one predicted rating per (user, movie) pair.
 * onnxruntime-web runs it; nothing else rates movies on the edge.
 */
import { ArtifactError } from '../../../shared/src/errors.ts';
import { ort, startRuntime } from './runtime.ts';

/** What the manifest says the graph must serve. */
export interface ExpectedModel {
  /** Embedding size of `user_vec`. */
  dim: number;
  /** Movies `pair_movie` may index (0..numMovies-1). */
  numMovies: number;
}

/** The user side of one scoring call: U users and B (user row, movie index) pairs. */
export interface ScoreRequest {
  /** [U, dim] user embeddings, row-major. */
  userVec: Float32Array;
  /** [U] user biases. */
  userBias: Float32Array;
  /** [B] row in `userVec` of each pair (0..U-1). */
  pairUser: BigInt64Array;
  /** [B] dense movie index of each pair (0..numMovies-1). */
  pairMovie: BigInt64Array;
}

/** A ready-to-run serving graph. */
export interface ServingModel {
  /** Embedding size the graph expects for `user_vec`. */
  readonly dim: number;
  /**
   * Predicted ratings (not clipped) for every pair, in pair order.
   * @throws RangeError when the request's shapes disagree with each other or with `dim`
   */
  score(request: ScoreRequest): Promise<Float32Array>;
  /** Frees the session's wasm memory; the model must not be used afterwards. */
  release(): Promise<void>;
}

const INPUTS = ['user_vec', 'user_bias', 'pair_user', 'pair_movie'] as const;

/**
 * Most pairs per graph run. A run's intermediates are several [pairs, H1] float tensors in ORT's wasm heap, which
 * never shrinks; 2,048 pairs keep them near 1 MB each (H1 = 128) instead of ~5 MB for a whole 10k catalogue, at
 * the price of a few more runs. See edge/README.md for the measured memory and latency.
 */
export const MAX_PAIRS_PER_RUN = 2048;
const OUTPUT = 'rating';

/**
 * Creates an ORT session from model bytes and checks that it speaks the serving contract: its inputs and output
 * are the contract's, and it rates the first and the last movie of the manifest with finite values (a graph with
 * fewer movies fails its Gather there, at load, instead of on some request).
 * @param file the artifact's name, for error messages
 * @param expected embedding size and movie count from the manifest
 * @throws ArtifactError when ORT rejects the bytes or the graph does not serve the contract
 */
export async function createServingModel(
  file: string,
  bytes: Uint8Array,
  expected: ExpectedModel,
): Promise<ServingModel> {
  const { dim } = expected;
  await startRuntime();
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      enableCpuMemArena: false,
    });
  } catch (cause) {
    throw new ArtifactError(file, `onnxruntime-web cannot load the model: ${String(cause)}`, { cause });
  }
  const inputs = [...session.inputNames].sort().join(',');
  const contract = [...INPUTS].sort().join(',');
  if (inputs !== contract || !session.outputNames.includes(OUTPUT)) {
    await session.release();
    throw new ArtifactError(
      file,
      `expected inputs [${contract}] and output "${OUTPUT}" (got inputs [${inputs}], outputs [${session.outputNames.join(',')}])`,
    );
  }
  await checkRuns(file, session, expected);
  return {
    dim,
    score: (request) => run(session, dim, request),
    release: () => session.release(),
  };
}

/** Rates movies 0 and numMovies − 1 for a zero user; releases the session and throws when that fails. */
async function checkRuns(
  file: string,
  session: ort.InferenceSession,
  expected: ExpectedModel,
): Promise<void> {
  const { dim, numMovies } = expected;
  const last = Math.max(0, numMovies - 1);
  let problem: string | undefined;
  try {
    const ratings = await run(session, dim, {
      userVec: new Float32Array(dim),
      userBias: new Float32Array(1),
      pairUser: new BigInt64Array(2),
      pairMovie: BigInt64Array.of(0n, BigInt(last)),
    });
    if (!ratings.every(Number.isFinite)) problem = `rates movies 0 and ${last} as [${ratings.join(', ')}]`;
  } catch (err) {
    problem = `cannot rate movies 0 and ${last} of the manifest's ${numMovies}: ${String(err)}`;
  }
  if (problem !== undefined) {
    await session.release();
    throw new ArtifactError(file, problem);
  }
}

async function run(session: ort.InferenceSession, dim: number, r: ScoreRequest): Promise<Float32Array> {
  const users = r.userBias.length;
  if (r.userVec.length !== users * dim) {
    throw new RangeError(`user_vec must hold ${users} × ${dim} values (got ${r.userVec.length})`);
  }
  if (r.pairUser.length !== r.pairMovie.length) {
    throw new RangeError(
      `pair_user and pair_movie must have the same length (got ${r.pairUser.length} and ${r.pairMovie.length})`,
    );
  }
  const pairs = r.pairMovie.length;
  const out = new Float32Array(pairs);
  const userVec = new ort.Tensor('float32', r.userVec, [users, dim]);
  const userBias = new ort.Tensor('float32', r.userBias, [users]);
  for (let start = 0; start < pairs; start += MAX_PAIRS_PER_RUN) {
    const end = Math.min(pairs, start + MAX_PAIRS_PER_RUN);
    const n = end - start;
    const result = await session.run(
      {
        user_vec: userVec,
        user_bias: userBias,
        pair_user: new ort.Tensor('int64', r.pairUser.subarray(start, end), [n]),
        pair_movie: new ort.Tensor('int64', r.pairMovie.subarray(start, end), [n]),
      },
      [OUTPUT],
    );
    const rating = result[OUTPUT];
    if (rating === undefined || !(rating.data instanceof Float32Array) || rating.data.length !== n) {
      throw new RangeError(`the model's "${OUTPUT}" output must be float32 [${n}]`);
    }
    out.set(rating.data, start);
    rating.dispose();
  }
  return out;
}
