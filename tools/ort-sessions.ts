/**
 * Runs the serving graph in Node with onnxruntime-node (native) and onnxruntime-web (its wasm backend, as the
 * edge does) — for parity tests and measurements. The edge has its own loader; this one is for tests and benchmarks in Node.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { ServingInputs } from './serving-inputs.ts';

/** A loaded serving model: scores the pairs of one call, returning rating [B]. */
export interface ServingSession {
  score(inputs: ServingInputs): Promise<Float32Array>;
  release(): Promise<void>;
}

interface TensorFactory<T> {
  f32(data: Float32Array, dims: number[]): T;
  i64(data: BigInt64Array, dims: number[]): T;
}

function feeds<T>(make: TensorFactory<T>, dim: number, x: ServingInputs): Record<string, T> {
  const B = x.pairUser.length;
  return {
    user_vec: make.f32(x.userVec, [x.numUsers, dim]),
    user_bias: make.f32(x.userBias, [x.numUsers]),
    pair_user: make.i64(x.pairUser, [B]),
    pair_movie: make.i64(x.pairMovie, [B]),
  };
}

function rating(out: Record<string, { data: unknown } | undefined>): Float32Array {
  const data = out['rating']?.data;
  if (!(data instanceof Float32Array)) throw new Error('serving graph returned no float32 "rating" output');
  return data;
}

/** A session on onnxruntime-node's native CPU provider. */
export async function createNodeSession(model: Uint8Array, dim: number): Promise<ServingSession> {
  const session = await ortNode.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const make: TensorFactory<ortNode.Tensor> = {
    f32: (data, dims) => new ortNode.Tensor('float32', data, dims),
    i64: (data, dims) => new ortNode.Tensor('int64', data, dims),
  };
  return {
    score: async (inputs) => rating(await session.run(feeds(make, dim, inputs))),
    release: () => session.release(),
  };
}

/**
 * A session on onnxruntime-web's wasm backend, single-threaded like the edge (workerd has no worker threads).
 * Under Node, onnxruntime-web resolves to its "node" build, which loads the .wasm that sits next to it in
 * node_modules/onnxruntime-web/dist, so no wasmPaths are needed.
 */
export async function createWebSession(model: Uint8Array, dim: number): Promise<ServingSession> {
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const make: TensorFactory<ortWeb.Tensor> = {
    f32: (data, dims) => new ortWeb.Tensor('float32', data, dims),
    i64: (data, dims) => new ortWeb.Tensor('int64', data, dims),
  };
  return {
    score: async (inputs) => rating(await session.run(feeds(make, dim, inputs))),
    release: () => session.release(),
  };
}
