import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../errors.ts';
import { utf8Encode } from '../formats/web.ts';
import { parseManifest } from './manifest.ts';
import { parseMoviesMeta } from './movies.ts';
import { jsonBytes, parseJsonBytes } from './parse.ts';

const entry = { bytes: 10, sha256: 'a'.repeat(64) };
const manifest = {
  schema: 1,
  version: '20260102-030405-0a1b2c3d',
  created: '2026-01-02T03:04:05.000Z',
  model: { arch: 'dcf', hidden: [128, 64, 32], mu: 3.5, ratingScale: { min: 1, max: 5, step: 1 } },
  dims: { users: 10, movies: 20, dim: 64, similarK: 0 },
  counts: { trainRatings: 100, seen: 100, unratedMovies: 0, untrainedUsers: 0 },
  fingerprints: { data: 'b'.repeat(64), weights: 'c'.repeat(64) },
  training: { backend: 'wasm', config: { epochs: 3 } },
  metrics: { 'test.rmse': 0.9 },
  files: Object.fromEntries(
    ['model.onnx', 'movies.bin', 'movies.json', 'users.bin', 'seen.bin', 'popularity.bin'].map((f) => [
      f,
      entry,
    ]),
  ),
};

describe('parseManifest', () => {
  it('accepts a valid manifest and survives a JSON round trip', () => {
    expect(parseManifest(parseJsonBytes('manifest.json', jsonBytes(manifest)))).toMatchObject(manifest);
  });

  it('names the file on an unknown schema, a missing file entry or a bad checksum', () => {
    expect(() => parseManifest({ ...manifest, schema: 3 }, 'models/x/manifest.json')).toThrow(
      /models\/x\/manifest.json: unknown schema version 3 \(this reader understands 1\)/,
    );
    const files = { ...manifest.files } as Record<string, unknown>;
    delete files['seen.bin'];
    expect(() => parseManifest({ ...manifest, files })).toThrow(/files: missing seen.bin/);
    expect(() =>
      parseManifest({ ...manifest, files: { ...manifest.files, 'users.bin': { bytes: 1, sha256: 'xyz' } } }),
    ).toThrow(/files.users.bin.sha256/);
    expect(() => parseManifest({ ...manifest, dims: { ...manifest.dims, similarK: 50 } })).toThrow(
      /similar.bin must be listed exactly when dims.similarK > 0/,
    );
  });

  it('rejects bytes that are not JSON, naming the file', () => {
    expect(() => parseJsonBytes('manifest.json', utf8Encode('{"schema": 1,'))).toThrow(ArtifactError);
    expect(() => parseJsonBytes('manifest.json', Uint8Array.from([0xff, 0xfe]))).toThrow(
      /manifest.json: not valid/,
    );
  });
});

describe('parseMoviesMeta', () => {
  const meta = {
    schema: 1,
    genreVocabulary: ['Action'],
    ids: [1, 2],
    titles: ['A', 'B'],
    genreMasks: [1, 0],
    years: [1999, null],
    ratingCounts: [3, 0],
    meanRatings: [4.5, null],
  };
  it('accepts consistent columns and rejects ragged ones or repeated ids', () => {
    expect(parseMoviesMeta(meta).ids).toEqual([1, 2]);
    expect(() => parseMoviesMeta({ ...meta, titles: ['A'] })).toThrow(
      /movies.json: invalid: titles: expected 2/,
    );
    expect(() => parseMoviesMeta({ ...meta, ids: [1, 1] })).toThrow(/ids are not unique/);
  });
});
