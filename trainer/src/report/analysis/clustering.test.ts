import { describe, expect, it } from 'vitest';
import { assignNearest, chooseClusters, kmeansCluster, silhouetteScore } from './clustering.ts';
import { gaussianBlobs, samePartition } from '../../../../tools/gaussian-blobs.ts';

describe('silhouetteScore', () => {
  it('matches a hand computation on four points in 1-D', () => {
    // Clusters {0, 1} and {10, 11}.
    const m = Float32Array.from([0, 1, 10, 11]);
    const s0 = (10.5 - 1) / 10.5; // point 0: a = 1, b = mean(10, 11)
    const s1 = (9.5 - 1) / 9.5; // point 1: a = 1, b = mean(9, 10)
    const expected = (2 * s0 + 2 * s1) / 4; // symmetric
    expect(silhouetteScore(m, 4, 1, Int32Array.from([0, 0, 1, 1]), 2)).toBeCloseTo(expected, 10);
  });

  it('scores singletons 0, a bad split lower, and one cluster NaN', () => {
    const m = Float32Array.from([0, 1, 10, 11]);
    expect(silhouetteScore(m, 4, 1, Int32Array.from([0, 1, 1, 1]), 2)).toBeLessThan(0.5);
    expect(silhouetteScore(m, 4, 1, Int32Array.from([0, 1, 0, 1]), 2)).toBeLessThan(0);
    expect(silhouetteScore(m, 4, 1, Int32Array.from([0, 0, 0, 0]), 2)).toBeNaN();
    expect(() => silhouetteScore(m, 4, 1, Int32Array.from([0, 0, 0, 5]), 2)).toThrow(/label 5/);
  });
});

describe('kmeansCluster', () => {
  it('recovers well-separated blobs and is deterministic for a seed', () => {
    const blobs = gaussianBlobs(
      [
        [0, 0, 0],
        [8, 0, 0],
        [0, 8, 8],
      ],
      40,
      0.7,
    );
    const a = kmeansCluster(blobs.matrix, blobs.rows, blobs.dim, 3, 1);
    const b = kmeansCluster(blobs.matrix, blobs.rows, blobs.dim, 3, 1);
    expect(samePartition(a.labels, blobs.truth)).toBe(true);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(assignNearest(blobs.matrix, blobs.rows, blobs.dim, a.centroids))).toEqual(
      Array.from(a.labels),
    );
  });

  it('rejects k larger than the number of rows', () => {
    expect(() => kmeansCluster(new Float32Array(4), 2, 2, 3, 1)).toThrow(/k must be/);
  });
});

describe('chooseClusters', () => {
  for (const k of [2, 4, 6]) {
    it(`picks k = ${k} for ${k} separated blobs in 8-D and labels every row`, () => {
      const centres = Array.from({ length: k }, (_, b) =>
        Array.from({ length: 8 }, (_, d) => (d === b ? 10 : 0)),
      );
      const blobs = gaussianBlobs(centres, 50, 1, 3 + k);
      const c = chooseClusters(blobs.matrix, blobs.rows, blobs.dim, {
        seed: 42,
        fitSample: 200,
        silhouetteSample: 120,
      });
      expect(c.k).toBe(k);
      expect(c.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(c.labels.length).toBe(blobs.rows); // rows outside the fit sample are assigned too
      expect(samePartition(c.labels, blobs.truth)).toBe(true);
      expect(c.silhouetteRows).toBe(Math.min(120, blobs.rows));
    });
  }

  it('caps k below the number of rows and rejects too few rows', () => {
    const blobs = gaussianBlobs([[0], [5]], 3, 0.1);
    expect(chooseClusters(blobs.matrix, 6, 1, { seed: 1 }).scores.at(-1)?.k).toBe(5);
    expect(() => chooseClusters(new Float32Array(2), 2, 1, { seed: 1 })).toThrow(/more than kMin rows/);
  });
});
