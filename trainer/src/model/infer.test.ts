import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend.ts';
import { predictTf } from './infer.ts';
import { predictReference } from './reference.ts';
import { tinyModel } from '../../../tools/tiny-model.ts';

describe('predictTf (tfjs inference) against predictReference', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const cases = [
    { arch: 'dcf', batchNorm: true },
    { arch: 'hybrid', batchNorm: true },
    { arch: 'dcf', batchNorm: false },
    { arch: 'hybrid', batchNorm: false },
  ] as const;
  for (const c of cases) {
    it(`${c.arch}${c.batchNorm ? ' with batch norm' : ''}: within 1e-4 on every pair, across chunks`, () => {
      const w = tinyModel({ ...c, dim: 8, hidden: [16, 8, 4] }, 7, 6);
      const users = new Int32Array(42);
      const movies = new Int32Array(42);
      for (let i = 0; i < 42; i++) {
        users[i] = i % 7;
        movies[i] = Math.floor(i / 7);
      }
      const expected = predictReference(w, users, movies);
      const actual = predictTf(w, users, movies, 16);
      let worst = 0;
      for (let i = 0; i < 42; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
      expect(worst).toBeLessThan(1e-4);
      // The pairs differ: a constant prediction would also "match" a broken reference.
      expect(new Set(Array.from(expected, (v) => v.toFixed(3))).size).toBeGreaterThan(30);
    });
  }

  it('rejects out-of-range indices and mismatched lengths', () => {
    const w = tinyModel({}, 3, 3);
    expect(() => predictTf(w, new Int32Array([3]), new Int32Array([0]))).toThrow(/user index 3/);
    expect(() => predictTf(w, new Int32Array([0]), new Int32Array([-1]))).toThrow(/movie index -1/);
    expect(() => predictTf(w, new Int32Array(2), new Int32Array(1))).toThrow(/same length/);
  });
});
