/**
 * TensorFlow.js backend selection. `auto` takes the fastest backend that loads here, in the order
 * tfjs-node-gpu (CUDA) → tfjs-node (libtensorflow) → wasm → cpu. The native packages are optional dependencies whose
 * install downloads libtensorflow; when they are missing or broken the import fails and the next one is tried.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../../../shared/src/errors.ts';

export const BACKEND_CHOICES = ['auto', 'gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendKind = Exclude<BackendChoice, 'auto'>;

/** The backend in use, as printed and recorded in a run's config.json. */
export interface BackendInfo {
  /** What was asked for. */
  requested: BackendChoice;
  /** What runs. */
  kind: BackendKind;
  /** tfjs backend name (`tensorflow`, `wasm`, `cpu`). */
  tfjsName: string;
  /** Human-readable device, e.g. "CPU (WebAssembly SIMD, 1 thread)". */
  device: string;
}

const AUTO_ORDER: readonly BackendKind[] = ['gpu', 'node', 'wasm', 'cpu'];

/** Package names kept in variables so TypeScript does not try to resolve modules that are usually absent. */
const NATIVE_PACKAGES: Record<'gpu' | 'node', string> = {
  gpu: '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};

let current: BackendInfo | undefined;
/** setWasmPaths throws once the wasm backend has initialised, so it is called once per process. */
let wasmPathsSet = false;

async function loadNative(kind: 'gpu' | 'node'): Promise<BackendInfo> {
  const pkg = NATIVE_PACKAGES[kind];
  // Importing the package registers the 'tensorflow' backend with the shared tfjs-core engine.
  await import(pkg);
  if (!(await tf.setBackend('tensorflow')))
    throw new Error(`${pkg} loaded but its backend did not initialise`);
  if (kind === 'gpu') {
    // tfjs-node-gpu silently falls back to the CPU when CUDA is missing; only claim a GPU when TensorFlow sees one.
    const native = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
    if (native.isUsingGpuDevice === false) throw new Error('TensorFlow found no CUDA GPU');
    return { requested: 'gpu', kind, tfjsName: 'tensorflow', device: 'GPU (CUDA, libtensorflow)' };
  }
  return { requested: 'node', kind, tfjsName: 'tensorflow', device: 'CPU (libtensorflow)' };
}

async function loadWasm(): Promise<BackendInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Load the .wasm binaries from node_modules by file path: no network, whatever the working directory.
  if (!wasmPathsSet) {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(dist + path.sep);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? wasm.getThreadsCount() : 1;
  const device = `CPU (WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'})`;
  return { requested: 'wasm', kind: 'wasm', tfjsName: 'wasm', device };
}

async function loadCpu(): Promise<BackendInfo> {
  await import('@tensorflow/tfjs-backend-cpu');
  // The cpu backend prints a "install tfjs-node" banner on first use; the choice is already reported by us.
  tf.env().set('PROD', true);
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  return { requested: 'cpu', kind: 'cpu', tfjsName: 'cpu', device: 'CPU (plain JavaScript)' };
}

function load(kind: BackendKind): Promise<BackendInfo> {
  switch (kind) {
    case 'gpu':
    case 'node':
      return loadNative(kind);
    case 'wasm':
      return loadWasm();
    case 'cpu':
      return loadCpu();
  }
}

/**
 * Selects and initialises a tfjs backend. Switching to another backend later in the same process is allowed
 * (tests do it); tensors made on the previous backend must not be reused.
 * @param choice `auto` tries gpu → node → wasm → cpu; any other value forces that backend.
 * @returns what was chosen and the device it runs on.
 * @throws UsageError when a forced backend cannot be loaded (naming the package and the reason) or the choice is
 *   unknown.
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new UsageError(
      `--backend: expected one of ${BACKEND_CHOICES.join(', ')} (got "${String(choice)}").`,
    );
  }
  if (current !== undefined && (current.requested === choice || current.kind === choice)) {
    if (tf.getBackend() === current.tfjsName) return { ...current, requested: choice };
  }
  if (choice !== 'auto') {
    try {
      current = { ...(await load(choice)), requested: choice };
      return current;
    } catch (err) {
      const pkg =
        choice === 'gpu' || choice === 'node'
          ? NATIVE_PACKAGES[choice]
          : `@tensorflow/tfjs-backend-${choice}`;
      throw new UsageError(
        `--backend ${choice}: ${pkg} is not usable here (${(err as Error).message.split('\n')[0]}). ` +
          `Install it (npm install ${pkg}) or use --backend auto.`,
        { cause: err },
      );
    }
  }
  const failures: string[] = [];
  for (const kind of AUTO_ORDER) {
    try {
      current = { ...(await load(kind)), requested: 'auto' };
      return current;
    } catch (err) {
      failures.push(`${kind}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new UsageError(`no TensorFlow.js backend could be loaded (${failures.join('; ')}).`);
}

/** One line for the console, e.g. "backend: wasm — CPU (WebAssembly SIMD, 1 thread)". */
export function describeBackend(info: BackendInfo): string {
  const forced = info.requested === 'auto' ? ' (auto)' : '';
  return `backend: ${info.kind}${forced} — ${info.device}`;
}
