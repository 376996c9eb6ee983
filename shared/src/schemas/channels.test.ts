import { describe, expect, it } from 'vitest';
import { ArtifactError, UsageError } from '../errors.ts';
import { bucketOf, parseChannels, resolveVersion } from './channels.ts';

/** FNV-1a 32 written independently with BigInt arithmetic, as the reference for bucketOf. */
function fnv1aReference(text: string): number {
  let h = 0x811c9dc5n;
  for (const ch of text) h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x01000193n) & 0xffffffffn;
  return Number(h);
}

describe('bucketOf', () => {
  it('is FNV-1a 32 of the decimal id, mod 100', () => {
    for (const id of [0, 1, 42, 943, 6040, 123456, 2147483647, -7]) {
      expect(bucketOf(id)).toBe(fnv1aReference(String(id)) % 100);
    }
    expect(fnv1aReference('')).toBe(0x811c9dc5); // the published offset basis
  });

  it('gives the same bucket for a number and its decimal string (canonicalized)', () => {
    for (const id of [5, 77, 100000]) {
      expect(bucketOf(String(id))).toBe(bucketOf(id));
      expect(bucketOf(`00${id}`)).toBe(bucketOf(id));
    }
  });

  it('spreads ids about uniformly over the 100 buckets', () => {
    const counts = new Array<number>(100).fill(0);
    const n = 100_000;
    for (let id = 1; id <= n; id++) counts[bucketOf(id)] = (counts[bucketOf(id)] as number) + 1;
    const expected = n / 100;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 99 degrees of freedom: the 99.9th percentile of chi-square is ~148.
    expect(chi2).toBeLessThan(148);
    expect(Math.min(...counts)).toBeGreaterThan(expected * 0.85);
  });

  it('rejects ids that are not integers', () => {
    expect(() => bucketOf('12a')).toThrow(UsageError);
    expect(() => bucketOf(1.5)).toThrow(UsageError);
    expect(() => bucketOf('')).toThrow(UsageError);
  });
});

describe('resolveVersion', () => {
  const base = { stable: 'v1', canary: { version: 'v2', percent: 25 } };
  it('sends exactly the users with bucket < percent to the canary', () => {
    let canary = 0;
    for (let id = 0; id < 2000; id++) {
      const r = resolveVersion(base, id);
      expect(r.channel === 'canary').toBe(bucketOf(id) < 25);
      expect(r.version).toBe(r.channel === 'canary' ? 'v2' : 'v1');
      if (r.channel === 'canary') canary++;
    }
    expect(canary / 2000).toBeGreaterThan(0.2);
    expect(canary / 2000).toBeLessThan(0.3);
  });

  it('keeps a user on the canary as the percent grows', () => {
    for (let id = 0; id < 500; id++) {
      const at10 = resolveVersion({ ...base, canary: { version: 'v2', percent: 10 } }, id).channel;
      const at50 = resolveVersion({ ...base, canary: { version: 'v2', percent: 50 } }, id).channel;
      if (at10 === 'canary') expect(at50).toBe('canary');
    }
  });

  it('serves stable to everyone without a canary or at 0 %', () => {
    expect(resolveVersion({ stable: 'v1', canary: null }, 3).version).toBe('v1');
    for (let id = 0; id < 200; id++) {
      expect(resolveVersion({ stable: 'v1', canary: { version: 'v2', percent: 0 } }, id).version).toBe('v1');
      expect(resolveVersion({ stable: 'v1', canary: { version: 'v2', percent: 100 } }, id).version).toBe(
        'v2',
      );
    }
  });
});

describe('parseChannels', () => {
  const valid = { schema: 1, stable: 'v1', canary: null, updated: '2026-01-02T03:04:05.000Z' };
  it('accepts a valid file and defaults the history', () => {
    expect(parseChannels(valid).history).toEqual([]);
  });
  it('names the file and the field on bad input', () => {
    expect(() => parseChannels({ ...valid, schema: 2 })).toThrow(/channels.json: unknown schema version 2/);
    expect(() => parseChannels({ ...valid, canary: { version: 'v2', percent: 101 } })).toThrow(
      /channels.json: invalid: canary.percent/,
    );
    expect(() => parseChannels({ ...valid, stable: '../etc' })).toThrow(ArtifactError);
    expect(() => parseChannels([])).toThrow(/expected a JSON object \(got an array\)/);
    expect(() => parseChannels(null)).toThrow(/expected a JSON object \(got null\)/);
  });
});
