import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../../../shared/src/errors.ts';
import { loadRatings, parseColumnMapping, parseDelimiter } from './index.ts';
import { externalRows, writeFixtures } from '../../../../tools/loader-files.ts';

describe('generic CSV with a column mapping', () => {
  it('maps named columns, in any order, with a custom delimiter and ISO dates', async () => {
    const dir = await writeFixtures({
      'stars.csv': 'ts;note;stars;item_id;uid\n2020-01-02T00:00:00Z;"a; b";7;42;9\n1600000000;x;3;43;9\n',
    });
    const { table } = await loadRatings(join(dir, 'stars.csv'), {
      columns: 'user=uid,movie=item_id,rating=stars,timestamp=ts',
      delimiter: ';',
    });
    expect(table.source.format).toBe('csv');
    expect(externalRows(table)).toEqual([
      [9, 42, 7, 1577923200],
      [9, 43, 3, 1600000000],
    ]);
    expect(table.scale).toEqual({ min: 3, max: 7, step: 1 }); // observed range: outside the 1-5 stars
  });

  it('enforces an explicit half-star scale', async () => {
    const dir = await writeFixtures({ 'r.tsv': 'u\tm\tr\n1\t1\t2.5\n2\t1\t5\n' });
    const opts = { columns: { user: 'u', movie: 'm', rating: 'r' }, delimiter: 'tab' };
    const { table } = await loadRatings(join(dir, 'r.tsv'), {
      ...opts,
      scale: { min: 0.5, max: 5, step: 0.5 },
    });
    expect(Array.from(table.ratings)).toEqual([2.5, 5]);
    expect(Array.from(table.timestamps)).toEqual([0, 0]);
    const strict = loadRatings(join(dir, 'r.tsv'), { ...opts, scale: { min: 1, max: 5, step: 1 } });
    await expect(strict).rejects.toThrow(/r\.tsv:2: rating 2\.5 is outside the scale 1–5 \(step 1\)/);
  });

  it('names a mapped column missing from the header', async () => {
    const dir = await writeFixtures({ 'a.csv': 'uid,item,score\n1,2,3\n' });
    const err = await loadRatings(join(dir, 'a.csv'), { columns: 'user=uid,movie=item,rating=stars' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).line).toBe(1);
    expect((err as DataError).message).toMatch(
      /missing column "stars" for rating \(the header has: uid, item, score\)/,
    );
  });

  it('parses and rejects column mappings and delimiters', () => {
    expect(parseColumnMapping('rating=s, user=u ,movie=m')).toEqual({ user: 'u', movie: 'm', rating: 's' });
    expect(() => parseColumnMapping('user=u,movie=m')).toThrow(UsageError);
    expect(() => parseColumnMapping('user=u,film=m,rating=r')).toThrow(/got "film=m"/);
    expect(() => parseColumnMapping('user=u,user=v,movie=m,rating=r')).toThrow(/given twice/);
    expect(parseDelimiter('tab')).toBe('\t');
    expect(() => parseDelimiter('')).toThrow(UsageError);
  });

  it('asks for a mapping when a CSV is forced without one', async () => {
    const dir = await writeFixtures({ 'a.csv': 'a,b,c\n1,2,3\n' });
    await expect(loadRatings(join(dir, 'a.csv'), { format: 'csv' })).rejects.toThrow(UsageError);
  });
});
