/**
 * The quantized ranking strategy and the kernel's int8 pass, inside workerd (see quantized.fixture-worker.ts for why
 * not in Node): the approximate ratings stay within the calibrated margin for users calibration never saw, the
 * strategy returns exactly the exhaustive top-N (indices and exact ratings) with exclusions and genre filters, a
 * margin below the real error is caught and the request ranked exhaustively, and a model the int8 pass cannot
 * represent gets a margin that makes the strategy worthless (so calibration does not pick it).
 */
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = new URL('.', import.meta.url).pathname;

let mf: Miniflare;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [`${HERE}quantized.fixture-worker.ts`],
    bundle: true,
    format: 'esm',
    write: false,
    external: ['*.wasm'],
  });
  mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: `${HERE}kernel/worker.js`, contents: bundle.outputFiles[0]?.text ?? '' },
      { type: 'CompiledWasm', path: `${HERE}kernel/mlp.wasm` },
    ],
    modulesRoot: `${HERE}kernel`,
    compatibilityDate: '2025-01-01',
  });
});

afterAll(async () => {
  await mf?.dispose();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted field by field
async function run(query: string): Promise<any> {
  const res = await mf.dispatchFetch(`http://test/?${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

interface Case {
  limit: number;
  genreMask: number;
  strategy: string;
  scored: number;
  quantized: { indices: number[]; ratings: number[] };
  exhaustive: { indices: number[]; ratings: number[] };
  excluded: number[];
}

describe.each(['dcf', 'hybrid'])('%s, 3,001 movies, hidden 128-64-32', (arch) => {
  it('approximates every movie within the calibrated margin, also for users calibration did not sample', async () => {
    const r = await run(`case=accuracy&arch=${arch}`);
    expect(r.maxDiff).toBeGreaterThan(0);
    // A few hundredths on ratings whose spread over the catalogue is several tenths.
    expect(r.margin).toBeLessThan(0.1);
    expect(r.othersMaxDiff).toBeLessThanOrEqual(r.margin);
    // Few candidates: the strategy rates a small share of the catalogue exactly.
    expect(r.share).toBeLessThan(0.05);
  });

  it('returns exactly the exhaustive top-N with exclusions and genre filters', async () => {
    const r = await run(`case=ranking&arch=${arch}`);
    const cases = r.cases as Case[];
    expect(cases).toHaveLength(40);
    for (const c of cases) {
      expect(c.strategy).toBe('quantized');
      expect(c.quantized.indices).toEqual(c.exhaustive.indices);
      // The ratings are the exact kernel's, bit for bit.
      expect(c.quantized.ratings).toEqual(c.exhaustive.ratings);
      expect(c.quantized.indices).toHaveLength(c.limit);
      const excluded = new Set(c.excluded);
      expect(c.quantized.indices.filter((m) => excluded.has(m))).toEqual([]);
      if (c.genreMask !== 0)
        for (const m of c.quantized.indices)
          expect(((1 << (m % 8)) | (1 << ((m * 7) % 8))) & c.genreMask).not.toBe(0);
      expect(c.scored).toBeGreaterThanOrEqual(c.limit);
      expect(c.scored).toBeLessThan(300);
    }
    expect(cases.some((c) => c.genreMask !== 0)).toBe(true);
  });

  it('ranks exhaustively when a candidate is off by more than the margin', async () => {
    const r = await run(`case=fallback&arch=${arch}`);
    for (const c of r.cases as Case[]) {
      expect(c.strategy).toBe('exhaustive');
      expect(c.quantized).toEqual(c.exhaustive);
    }
  });
});

it('a model the int8 pass cannot represent gets a margin that leaves nothing to prune', async () => {
  // One movie's first-layer values are 500 in every unit: the activation scales follow it and every other movie
  // rounds to zero, so the measured error is large and most of the catalogue would be candidates.
  const r = await run('case=outlier');
  expect(r.maxDiff).toBeGreaterThan(0.1);
  expect(r.share).toBeGreaterThan(0.5);
});
