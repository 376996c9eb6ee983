import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../errors.ts';
import { l2NormalizeRows } from '../kernels/vectors.ts';
import { mulberry32, randomFloats } from '../kernels/prng.ts';
import { readMoviesBin, writeMoviesBin, MOVIES_BIN } from './movies-bin.ts';
import { genreRanking, readPopularityBin, writePopularityBin, POPULARITY_BIN } from './popularity-bin.ts';
import {
  parseSeenHeader,
  parseSeenSlice,
  readSeenBin,
  seenRange,
  writeSeenBin,
  SEEN_BIN,
} from './seen-bin.ts';
import { neighboursOf, readSimilarBin, writeSimilarBin, SIMILAR_BIN } from './similar-bin.ts';
import { readUsersBin, writeUsersBin, USERS_BIN } from './users-bin.ts';

const M = 37;
const DIM = 8;
const rand = mulberry32(1);
const emb = randomFloats(rand, M * DIM);
const norm = l2NormalizeRows(emb, M, DIM);
norm.fill(0, 5 * DIM, 6 * DIM); // an all-zero row is legal

const formats: { file: string; bytes: Uint8Array; read: (b: Uint8Array) => unknown }[] = [
  {
    file: MOVIES_BIN,
    bytes: writeMoviesBin({ numMovies: M, dim: DIM, norm, emb, bias: randomFloats(rand, M) }, { int8: true }),
    read: (b) => readMoviesBin(b),
  },
  {
    file: USERS_BIN,
    bytes: writeUsersBin(
      {
        dim: DIM,
        ids: Int32Array.from({ length: 10 }, (_, i) => i * 3 + 1),
        bias: randomFloats(rand, 10),
        vecs: randomFloats(rand, 10 * DIM),
        seenOffsets: new Uint32Array(10),
        seenCounts: new Uint32Array(10),
      },
      4,
    ),
    read: (b) => readUsersBin(b),
  },
  { file: SEEN_BIN, bytes: writeSeenBin(Int32Array.from([0, 5, 36, 2]), M), read: (b) => readSeenBin(b, M) },
  {
    file: POPULARITY_BIN,
    bytes: writePopularityBin({
      overall: Int32Array.from({ length: M }, (_, i) => M - 1 - i),
      genreOffsets: Uint32Array.from([0, 2, 2, 3]),
      genreMovies: Int32Array.from([4, 1, 30]),
    }),
    read: (b) => readPopularityBin(b, M),
  },
  {
    file: SIMILAR_BIN,
    bytes: writeSimilarBin({
      numMovies: M,
      k: 2,
      indices: Int32Array.from({ length: M * 2 }, (_, i) => (i + 1) % M),
      scores: randomFloats(rand, M * 2),
    }),
    read: (b) => readSimilarBin(b, M),
  },
];

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe.each(formats)('$file faults', ({ file, bytes, read }) => {
  const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['truncated', (b) => b.slice(0, b.length - 1), /truncated/],
    ['cut inside the header', (b) => b.slice(0, 40), /truncated/],
    ['bad magic', (b) => Object.assign(b.slice(), { 1: 0x00 }), /bad magic/],
    ['unknown version', (b) => Object.assign(b.slice(), { 4: 9 }), /unknown format version 9/],
    ['empty', () => new Uint8Array(0), /truncated/],
  ];
  it.each(cases)('%s → ArtifactError naming the file', (_name, corrupt, pattern) => {
    expect(() => read(bytes)).not.toThrow();
    const err = thrownBy(() => read(corrupt(bytes)));
    expect(err).toBeInstanceOf(ArtifactError);
    expect((err as ArtifactError).file).toBe(file);
    expect((err as Error).message).toMatch(pattern);
  });

  it('refuses a file of another kind', () => {
    const other = formats.find((f) => f.file !== file) as (typeof formats)[number];
    expect((thrownBy(() => read(other.bytes)) as Error).message).toMatch(/bad magic/);
  });
});

describe('movies.bin', () => {
  it('round-trips all tables and quantizes within half a step', () => {
    const bias = randomFloats(rand, M);
    const t = readMoviesBin(writeMoviesBin({ numMovies: M, dim: DIM, norm, emb, bias }, { int8: true }), {
      numMovies: M,
      dim: DIM,
    });
    expect(t.norm).toEqual(norm);
    expect(t.emb).toEqual(emb);
    expect(t.bias).toEqual(bias);
    const q = t.normI8 as Int8Array;
    const scale = t.normScale as Float32Array;
    for (let i = 0; i < M * DIM; i++) {
      const s = scale[Math.floor(i / DIM)] as number;
      expect(Math.abs((q[i] as number) * s - (norm[i] as number))).toBeLessThanOrEqual(s / 2 + 1e-7);
    }
    expect(scale[5]).toBe(0);
  });

  it('omits the int8 copy unless asked', () => {
    const t = readMoviesBin(writeMoviesBin({ numMovies: M, dim: DIM, norm, emb, bias: new Float32Array(M) }));
    expect(t.normI8).toBeUndefined();
  });

  it('checks dims against the manifest and rejects non-normalized or non-finite rows', () => {
    const bytes = writeMoviesBin({ numMovies: M, dim: DIM, norm, emb, bias: new Float32Array(M) });
    expect(() => readMoviesBin(bytes, { dim: 16 })).toThrow(
      /movies.bin: norm columns \(dim\): expected 16 \(got 8\)/,
    );
    expect(() =>
      writeMoviesBin({ numMovies: M, dim: DIM, norm: emb, emb, bias: new Float32Array(M) }),
    ).toThrow(/norm: row 0 has L2 norm/);
    const nan = new Float32Array(M).fill(Number.NaN);
    expect(() => writeMoviesBin({ numMovies: M, dim: DIM, norm, emb, bias: nan })).toThrow(
      /bias: element 0 is NaN/,
    );
  });
});

describe('seen.bin', () => {
  it('round-trips and serves slices by range', () => {
    const movies = Int32Array.from([3, 7, 1, 2, 9, 11]);
    const bytes = writeSeenBin(movies, 12);
    expect(readSeenBin(bytes, 12)).toEqual(movies);
    const header = parseSeenHeader(bytes.slice(0, 128), bytes.length);
    expect(header.length).toBe(6);
    const r = seenRange(header, 2, 3);
    expect(parseSeenSlice(bytes.slice(r.offset, r.offset + r.length), 12)).toEqual(
      Int32Array.from([1, 2, 9]),
    );
    expect(() => seenRange(header, 5, 2)).toThrow(/users.bin and seen.bin disagree/);
    expect(() => readSeenBin(bytes, 10)).toThrow(/seen.bin: movies: element 5 is 11/);
  });
});

describe('popularity.bin', () => {
  it('round-trips overall and per-genre rankings', () => {
    const t = readPopularityBin(formats[3]?.bytes as Uint8Array, M);
    expect(t.overall[0]).toBe(M - 1);
    expect([...genreRanking(t, 0)]).toEqual([4, 1]);
    expect([...genreRanking(t, 1)]).toEqual([]);
    expect([...genreRanking(t, 2)]).toEqual([30]);
    expect([...genreRanking(t, 3)]).toEqual([]); // beyond the file's genres
  });

  it('rejects a ranking that is not a permutation', () => {
    expect(() =>
      writePopularityBin({
        overall: Int32Array.from([0, 0, 1]),
        genreOffsets: Uint32Array.from([0]),
        genreMovies: new Int32Array(0),
      }),
    ).toThrow(/movie 0 appears twice/);
  });
});

describe('similar.bin', () => {
  it('round-trips neighbours and rejects out-of-range indices', () => {
    const t = readSimilarBin(formats[4]?.bytes as Uint8Array, M);
    expect(t.k).toBe(2);
    expect([...neighboursOf(t, 0).indices]).toEqual([1, 2]);
    expect([...neighboursOf(t, M - 1).indices]).toEqual([M - 1, 0]);
    expect(() =>
      writeSimilarBin({
        numMovies: 3,
        k: 1,
        indices: Int32Array.from([1, 2, 3]),
        scores: new Float32Array(3),
      }),
    ).toThrow(/element 2 is 3, expected an index in \[0, 3\)/);
  });
});
