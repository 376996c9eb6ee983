/**
 * `npm run build:kernel`: compiles edge/src/inference/kernel/mlp.wat to mlp.wasm (committed next to it; the Worker
 * imports the .wasm because workerd cannot compile WebAssembly at run time). test/edge-kernel.test.ts fails when
 * the committed binary is not a fresh compile of the text.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import { compileWat } from '../edge/src/inference/kernel/compile-wat.ts';

/** The kernel's text and binary paths. */
export const KERNEL_DIR = path.resolve(import.meta.dirname, '../edge/src/inference/kernel');
export const KERNEL_WAT = path.join(KERNEL_DIR, 'mlp.wat');
export const KERNEL_WASM = path.join(KERNEL_DIR, 'mlp.wasm');

/**
 * The committed mlp.wasm compiled in Node. Node 20's V8 ships relaxed SIMD behind a flag (workerd's V8 has it on),
 * read when a module compiles. Beware: Node 20's V8 mis-lowers i32x4.relaxed_dot_i8x16_i7x16_add_s in some register
 * assignments, so the kernel's approximate pass is only right inside workerd (edge/src/inference/quantized.test.ts).
 */
export async function nodeKernelModule(): Promise<WebAssembly.Module> {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return new WebAssembly.Module(await readFile(KERNEL_WASM));
}

/**
 * CPU time (user + system, ms, in 10 ms ticks) of the workerd processes this Node process started (Linux /proc),
 * for edge/bench/kernel.ts: unlike wall time it does not grow when other jobs compete for the cores.
 */
export async function workerdCpuMillis(): Promise<number> {
  let ticks = 0;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (match?.[1] !== 'workerd' || Number(match[2]) !== process.pid) continue;
    // After the command: state is field 3, so utime (14) and stime (15) are at offsets 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

/** mlp.wat compiled to bytes. */
export async function compileKernel(): Promise<Uint8Array> {
  return compileWat('mlp.wat', await readFile(KERNEL_WAT, 'utf8'));
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const bytes = await compileKernel();
  await writeFile(KERNEL_WASM, bytes);
  process.stdout.write(`${path.relative(process.cwd(), KERNEL_WASM)}: ${bytes.length} bytes\n`);
}
