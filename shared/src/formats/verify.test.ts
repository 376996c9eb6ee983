import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../errors.ts';
import { digestOf, verifyFile } from './verify.ts';
import { sha256, utf8Encode } from './web.ts';

describe('sha256 and verifyFile', () => {
  it('computes the FIPS 180-2 test vector', async () => {
    expect(await sha256(utf8Encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('accepts a matching file and names the file on a size or checksum mismatch', async () => {
    const bytes = utf8Encode('hello world');
    const entry = await digestOf(bytes);
    await expect(verifyFile('models/v1/movies.bin', bytes, entry)).resolves.toBeUndefined();
    await expect(verifyFile('models/v1/movies.bin', bytes.subarray(1), entry)).rejects.toThrow(
      /models\/v1\/movies.bin: size 10 bytes does not match the manifest \(11 bytes\)/,
    );
    const flipped = bytes.slice();
    flipped[0] = 0x48;
    const err = await verifyFile('models/v1/movies.bin', flipped, entry).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect((err as ArtifactError).file).toBe('models/v1/movies.bin');
    expect((err as Error).message).toMatch(/sha256 [0-9a-f]{64} does not match the manifest/);
  });
});
