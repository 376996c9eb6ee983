/**
 * Compiles the kernel's WebAssembly text to binary with wabt (a devDependency): used by `npm run build:kernel`,
 * which writes mlp.wasm, and by the test that checks the committed mlp.wasm is a fresh compile of mlp.wat. The
 * Worker never imports this file: workerd cannot compile WebAssembly at run time, so it imports mlp.wasm.
 */
import wabt from 'wabt';

/** WebAssembly features the kernel uses beyond the MVP. */
export const KERNEL_FEATURES = { simd: true, relaxed_simd: true } as const;

/**
 * The binary module for WebAssembly text.
 * @param file name used in error messages
 * @throws Error with wabt's message (file:line:column) when the text does not parse or validate
 */
export async function compileWat(file: string, text: string): Promise<Uint8Array> {
  const toolkit = await wabt();
  const module = toolkit.parseWat(file, text, KERNEL_FEATURES);
  try {
    module.validate();
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}
