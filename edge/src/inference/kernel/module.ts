/**
 * The compiled kernel module in the Worker: wrangler's CompiledWasm rule turns the `.wasm` import into a
 * precompiled WebAssembly.Module (workerd refuses to compile bytes at run time). Kept apart from mlp-kernel.ts so
 * Node tests can build kernels from a module they compile themselves.
 */
import mlpWasm from './mlp.wasm';

export { mlpWasm };
