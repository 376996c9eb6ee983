import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../errors.ts';
import { openContainer, parseContainerHeader, SECTION_ALIGN, writeContainer } from './container.ts';

const FILE = 'test.bin';
const MAGIC = 'MQTS';

function sample(): Uint8Array {
  return writeContainer(
    FILE,
    MAGIC,
    [
      { name: 'a', dtype: 'f32', dims: [2, 3], data: Float32Array.from([1, -2.5, 3, 4, 5, Math.PI]) },
      { name: 'b', dtype: 'i8', dims: [5], data: Int8Array.from([-128, -1, 0, 1, 127]) },
      { name: 'c', dtype: 'u32', dims: [1, 1, 2], data: Uint32Array.from([0, 0xffffffff]) },
      { name: 'empty', dtype: 'i32', dims: [0], data: new Int32Array(0) },
    ],
    7,
  );
}

function expectArtifactError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ArtifactError);
  expect((caught as ArtifactError).file).toBe(FILE);
  expect((caught as Error).message).toMatch(pattern);
}

describe('container', () => {
  it('round-trips sections of every dtype with aligned offsets', () => {
    const bytes = sample();
    const c = openContainer(FILE, MAGIC, bytes);
    expect(c.header.param).toBe(7);
    expect(c.header.fileLength).toBe(bytes.length);
    expect([...c.get('a', 'f32', 2).data]).toEqual([...Float32Array.from([1, -2.5, 3, 4, 5, Math.PI])]);
    expect([...c.get('b', 'i8', 1).data]).toEqual([-128, -1, 0, 1, 127]);
    expect([...c.get('c', 'u32', 3).data]).toEqual([0, 0xffffffff]);
    expect(c.get('empty', 'i32', 1).data.length).toBe(0);
    for (const s of c.header.sections.values()) expect(s.offset % SECTION_ALIGN).toBe(0);
  });

  it('reads from a buffer at an unaligned offset (copies instead of viewing)', () => {
    const bytes = sample();
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expect([...openContainer(FILE, MAGIC, shifted).get('a', 'f32', 2).data]).toEqual([
      ...Float32Array.from([1, -2.5, 3, 4, 5, Math.PI]),
    ]);
  });

  it('rejects bad magic, unknown version, truncation and padding, naming the file', () => {
    const bytes = sample();
    const magic = bytes.slice();
    magic[0] = 0x50;
    expectArtifactError(
      () => parseContainerHeader(FILE, MAGIC, magic),
      /bad magic: expected "MQTS".*got "PQTS"/,
    );
    const version = bytes.slice();
    version[4] = 2;
    expectArtifactError(() => parseContainerHeader(FILE, MAGIC, version), /unknown format version 2/);
    expectArtifactError(() => parseContainerHeader(FILE, MAGIC, bytes.subarray(0, 10)), /truncated/);
    expectArtifactError(
      () => parseContainerHeader(FILE, MAGIC, bytes.subarray(0, bytes.length - 1)),
      /truncated or padded/,
    );
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes);
    expectArtifactError(() => parseContainerHeader(FILE, MAGIC, padded), /truncated or padded/);
  });

  it('rejects a corrupt section table', () => {
    const bytes = sample();
    const dtype = bytes.slice();
    dtype[32 + 16] = 99; // dtype code of section "a"
    expectArtifactError(() => parseContainerHeader(FILE, MAGIC, dtype), /unknown dtype code 99/);
    const dims = bytes.slice();
    new DataView(dims.buffer).setUint32(32 + 20, 3, true); // a: [3, 3] no longer matches its byte length
    expectArtifactError(
      () => parseContainerHeader(FILE, MAGIC, dims),
      /needs 36 bytes but the table says 24/,
    );
    const offset = bytes.slice();
    new DataView(offset.buffer).setBigUint64(32 + 48 + 32, 8n, true); // b overlaps the header
    expectArtifactError(() => parseContainerHeader(FILE, MAGIC, offset), /overlaps/);
  });

  it('reports a missing section or a wrong dtype', () => {
    const c = openContainer(FILE, MAGIC, sample());
    expectArtifactError(() => c.get('zzz', 'f32', 1), /missing section "zzz" \(has: a, b, c, empty\)/);
    expectArtifactError(() => c.get('a', 'i32', 2), /section a: expected i32 of rank 2 \(got f32 \[2,3\]\)/);
  });

  it('refuses to write data that does not match its dims', () => {
    expectArtifactError(
      () => writeContainer(FILE, MAGIC, [{ name: 'a', dtype: 'f32', dims: [4], data: new Float32Array(3) }]),
      /expected f32 data of 4 elements/,
    );
    expectArtifactError(
      () => writeContainer(FILE, MAGIC, [{ name: 'a', dtype: 'f32', dims: [3], data: new Int32Array(3) }]),
      /got Int32Array/,
    );
  });
});
