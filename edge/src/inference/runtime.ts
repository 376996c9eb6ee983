/**
 * Start-up of the onnxruntime-web WebAssembly runtime inside workerd.
 *
 * workerd refuses to compile WebAssembly from bytes at run time, so the ORT wasm is imported as a precompiled
 * `WebAssembly.Module` (wrangler's CompiledWasm rule). ORT 1.30 offers no hook to hand it a compiled module: with
 * `env.wasm.wasmBinary` set, its emscripten glue calls `WebAssembly.instantiate(new Uint8Array(wasmBinary), imports)`.
 * We therefore give ORT a tiny sentinel buffer as `wasmBinary` and, only while ORT starts, route the instantiate
 * call that receives exactly that buffer to the precompiled module. Every other call passes through untouched.
 */
import * as ort from 'onnxruntime-web/wasm';
import { PROBE_MODEL } from './probe-model.ts';
// wrangler's module collector resolves .wasm imports as file paths (not package exports), hence the relative path.
import ortWasm from '../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';

export { ort };

let started: Promise<void> | undefined;
let memory: WebAssembly.Memory | undefined;

/**
 * Bytes of ORT's WebAssembly memory (its whole native heap: model initializers, prepacked weights, the arena of
 * intermediate tensors); 0 before the runtime starts. wasm memory only ever grows, so this is its high-water mark.
 */
export function runtimeMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/** The WebAssembly.Memory among an instance's imports (emscripten creates it in JS and imports it). */
function findMemory(imports: WebAssembly.Imports | undefined): WebAssembly.Memory | undefined {
  for (const module of Object.values(imports ?? {})) {
    for (const value of Object.values(module)) if (value instanceof WebAssembly.Memory) return value;
  }
  return undefined;
}

/**
 * Starts the ORT wasm runtime once per isolate; concurrent callers share one start. A failed start is not retried
 * (ORT itself refuses a second initialization), so the error is kept and rethrown to every caller.
 * @throws Error when the runtime cannot be instantiated
 */
export function startRuntime(): Promise<void> {
  started ??= initialize();
  return started;
}

async function initialize(): Promise<void> {
  // Threads need Web Workers, which workerd does not have; the proxy worker likewise.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const sentinel = new ArrayBuffer(8);
  ort.env.wasm.wasmBinary = sentinel;
  const original = WebAssembly.instantiate;
  const routed = function instantiate(source: unknown, imports?: WebAssembly.Imports): Promise<unknown> {
    if (source instanceof Uint8Array && source.buffer === sentinel) {
      memory = findMemory(imports);
      return original(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }));
    }
    return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
  };
  WebAssembly.instantiate = routed as typeof WebAssembly.instantiate;
  try {
    // ORT starts its backend lazily on the first session; a one-node model makes that happen here, while the
    // instantiate routing is in place, instead of inside some later model load.
    const probe = await ort.InferenceSession.create(PROBE_MODEL, { executionProviders: ['wasm'] });
    await probe.release();
  } finally {
    WebAssembly.instantiate = original;
  }
}
