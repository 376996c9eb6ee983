/**
 * Parity of the exported serving graph (issue 4): onnxruntime-node and onnxruntime-web (wasm, one thread, in
 * Node) agree with the model contract's reference forward pass (and the trainer's fast scorer) within 1e-4 absolute, for dcf and hybrid models
 * with non-trivial batch-norm statistics, both for multi-user predict calls and one user × every movie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServingOnnx } from '../trainer/src/export/onnx/index.ts';
import { createNodeSession, createWebSession, type ServingSession } from '../tools/ort-sessions.ts';
import { mulberry32 } from '../shared/src/kernels/prng.ts';
import { randomWeights } from '../tools/random-weights.ts';
import { servingInputs } from '../tools/serving-inputs.ts';
import { predictReference } from '../trainer/src/model/reference.ts';
import { predictPairs, prepareScorer } from '../trainer/src/model/scoring.ts';
import type { Arch, ModelWeights } from '../trainer/src/model/weights.ts';

const TOLERANCE = 1e-4;
const PAIRS = 10_000;
/** The predict route scores at most this many pairs per call. */
const CALL_SIZE = 1000;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a).toHaveLength(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return worst;
}

function spread(a: Float32Array): number {
  return Math.max(...a) - Math.min(...a);
}

/** Scores (users[b], movies[b]) in calls of at most CALL_SIZE pairs, each with U = its distinct users. */
async function scoreInCalls(
  session: ServingSession,
  w: ModelWeights,
  users: Int32Array,
  movies: Int32Array,
): Promise<Float32Array> {
  const out = new Float32Array(users.length);
  for (let start = 0; start < users.length; start += CALL_SIZE) {
    const end = Math.min(start + CALL_SIZE, users.length);
    const inputs = servingInputs(w, users.subarray(start, end), movies.subarray(start, end));
    expect(inputs.numUsers).toBeGreaterThan(1);
    out.set(await session.score(inputs), start);
  }
  return out;
}

for (const arch of ['dcf', 'hybrid'] as const satisfies readonly Arch[]) {
  describe(`ONNX serving graph parity (${arch})`, () => {
    const w = randomWeights({
      arch,
      numUsers: 1500,
      numMovies: 3000,
      dim: 64,
      hidden: [128, 64, 32],
      seed: 42,
    });
    const rand = mulberry32(7);
    const users = Int32Array.from({ length: PAIRS }, () => Math.floor(rand() * w.numUsers));
    const movies = Int32Array.from({ length: PAIRS }, () => Math.floor(rand() * w.numMovies));
    const sessions: Record<'node' | 'web', ServingSession | undefined> = { node: undefined, web: undefined };
    let reference: Float32Array;
    let trainerScores: Float32Array;
    const topNUsers = [0, w.numUsers - 1];
    const allMovies = Int32Array.from({ length: w.numMovies }, (_, m) => m);
    const topNReference = new Map<number, Float32Array>();

    beforeAll(async () => {
      const model = buildServingOnnx(w);
      sessions.node = await createNodeSession(model, w.dim);
      sessions.web = await createWebSession(model, w.dim);
      reference = predictReference(w, users, movies);
      trainerScores = predictPairs(prepareScorer(w), users, movies);
      for (const user of topNUsers) {
        topNReference.set(user, predictReference(w, new Int32Array(w.numMovies).fill(user), allMovies));
      }
    });
    afterAll(async () => {
      await sessions.node?.release();
      await sessions.web?.release();
    });

    for (const runtime of ['node', 'web'] as const) {
      it(`onnxruntime-${runtime}: ${PAIRS} random pairs in calls of ≤ ${CALL_SIZE} pairs (U > 1)`, async () => {
        const session = sessions[runtime];
        if (!session) throw new Error('session not created');
        // Guard against a vacuous pass: predictions must actually vary across pairs.
        expect(spread(reference)).toBeGreaterThan(1);
        const got = await scoreInCalls(session, w, users, movies);
        const diff = maxAbsDiff(got, reference);
        expect(diff, `max |onnx - reference| = ${diff}`).toBeLessThan(TOLERANCE);
        // The trainer's fast scorer (evaluation, reports) must give the same numbers as the exported graph.
        const trainerDiff = maxAbsDiff(got, trainerScores);
        expect(trainerDiff, `max |onnx - trainer scorer| = ${trainerDiff}`).toBeLessThan(TOLERANCE);
      });

      it(`onnxruntime-${runtime}: one user × all ${w.numMovies} movies (U = 1)`, async () => {
        const session = sessions[runtime];
        if (!session) throw new Error('session not created');
        for (const user of topNUsers) {
          const inputs = servingInputs(w, new Int32Array(w.numMovies).fill(user), allMovies);
          expect(inputs.numUsers).toBe(1);
          const diff = maxAbsDiff(await session.score(inputs), topNReference.get(user) ?? new Float32Array());
          expect(diff, `user ${user}: max |onnx - reference| = ${diff}`).toBeLessThan(TOLERANCE);
        }
      });
    }
  });
}

describe('ONNX serving graph at the lowest supported opset (13)', () => {
  it('runs on both runtimes (and without the U = 1 branch) with the same results', async () => {
    const w = randomWeights({
      arch: 'hybrid',
      numUsers: 50,
      numMovies: 200,
      dim: 16,
      hidden: [32, 16],
      seed: 9,
    });
    const users = Int32Array.from({ length: 500 }, (_, k) => (k * 7) % w.numUsers);
    const movies = Int32Array.from({ length: 500 }, (_, k) => (k * 13) % w.numMovies);
    const reference = predictReference(w, users, movies);
    // One user (the graph's U = 1 branch) against every movie.
    const allMovies = Int32Array.from({ length: w.numMovies }, (_, m) => m);
    const oneUser = new Int32Array(w.numMovies).fill(3);
    const oneUserReference = predictReference(w, oneUser, allMovies);
    for (const [create, singleUserBranch] of [
      [createNodeSession, true],
      [createWebSession, true],
      [createWebSession, false],
    ] as const) {
      const session = await create(buildServingOnnx(w, { opset: 13, singleUserBranch }), w.dim);
      const diff = maxAbsDiff(await session.score(servingInputs(w, users, movies)), reference);
      const oneUserDiff = maxAbsDiff(
        await session.score(servingInputs(w, oneUser, allMovies)),
        oneUserReference,
      );
      await session.release();
      expect(diff).toBeLessThan(TOLERANCE);
      expect(oneUserDiff).toBeLessThan(TOLERANCE);
    }
  });
});
