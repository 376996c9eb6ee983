/**
 * `npm run build:kernel`: compiles edge/src/inference/kernel/mlp.wat to mlp.wasm (committed next to it; the Worker
 * imports the .wasm because workerd cannot compile WebAssembly at run time). test/edge-kernel.test.ts fails when
 * the committed binary is not a fresh compile of the text.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compileWat } from '../edge/src/inference/kernel/compile-wat.ts';

/** The kernel's text and binary paths. */
export const KERNEL_DIR = path.resolve(import.meta.dirname, '../edge/src/inference/kernel');
export const KERNEL_WAT = path.join(KERNEL_DIR, 'mlp.wat');
export const KERNEL_WASM = path.join(KERNEL_DIR, 'mlp.wasm');

/** mlp.wat compiled to bytes. */
export async function compileKernel(): Promise<Uint8Array> {
  return compileWat('mlp.wat', await readFile(KERNEL_WAT, 'utf8'));
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const bytes = await compileKernel();
  await writeFile(KERNEL_WASM, bytes);
  process.stdout.write(`${path.relative(process.cwd(), KERNEL_WASM)}: ${bytes.length} bytes\n`);
}
