import { describe, expect, it } from 'vitest';
import { pcaProject, umapProject } from './projection.ts';
import { gaussianBlobs } from '../../../../tools/gaussian-blobs.ts';

describe('pcaProject', () => {
  it('reports the explained variance of axis-aligned data exactly', () => {
    // Variance 4.5 along x, 0.5 along y, 0 along z: ratios 0.9, 0.1, 0.
    const m = Float32Array.from([3, 0, 0, -3, 0, 0, 0, 1, 0, 0, -1, 0]);
    const p = pcaProject(m, 4, 3);
    expect(p.explained[0]).toBeCloseTo(0.9, 6);
    expect(p.explained[1]).toBeCloseTo(0.1, 6);
    expect(p.explained.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    // The first coordinate of each point is its signed position along x (sign is arbitrary).
    expect(Math.abs(p.coords[0] as number)).toBeCloseTo(3, 5);
    expect(Math.abs(p.coords[4] as number)).toBeCloseTo(0, 5);
    expect(Math.abs(p.coords[5] as number)).toBeCloseTo(1, 5);
  });

  it('finds a rotated direction of variance', () => {
    // Points on the line y = x in 2-D plus a tiny orthogonal wobble: PC1 explains almost everything.
    const rows = 50;
    const m = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const t = i - 25;
      const w = i % 2 === 0 ? 0.01 : -0.01;
      m[2 * i] = t + w;
      m[2 * i + 1] = t - w;
    }
    expect(pcaProject(m, rows, 2).explained[0]).toBeGreaterThan(0.9999);
  });
});

describe('umapProject', () => {
  it('keeps separated blobs apart and is reproducible from its seed', () => {
    const blobs = gaussianBlobs(
      [
        [0, 0, 0, 0],
        [20, 0, 0, 0],
      ],
      30,
      1,
    );
    const a = umapProject(blobs.matrix, blobs.rows, blobs.dim, { seed: 5, nEpochs: 100 });
    const b = umapProject(blobs.matrix, blobs.rows, blobs.dim, { seed: 5, nEpochs: 100 });
    expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
    // Every point's nearest neighbour in the 2-D map comes from its own blob.
    for (let i = 0; i < blobs.rows; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < blobs.rows; j++) {
        if (j === i) continue;
        const d =
          ((a.coords[2 * i] as number) - (a.coords[2 * j] as number)) ** 2 +
          ((a.coords[2 * i + 1] as number) - (a.coords[2 * j + 1] as number)) ** 2;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      expect(blobs.truth[best]).toBe(blobs.truth[i]);
    }
  });
});
