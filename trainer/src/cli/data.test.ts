import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFixtures } from '../../../tools/loader-files.ts';
import { main } from './main.ts';
import { captureOutput } from '../../../tools/cli-capture.ts';

const io = captureOutput();

const U_DATA =
  '1\t10\t5\t86400\n1\t20\t3\t172800\n2\t10\t4\t259200\n3\t10\t1\t345600\n3\t20\t2\t432000\n3\t30\t4\t864000\n';

describe('marquee data stats', () => {
  it('prints a table of counts, histogram and quantiles', async () => {
    const dir = await writeFixtures({ 'u.data': U_DATA });
    expect(await main(['data', 'stats', dir])).toBe(0);
    expect(io.out).toMatch(/Format\s+MovieLens 100K/);
    expect(io.out).toMatch(/Ratings\s+6\n/);
    expect(io.out).toMatch(/Density\s+66\.667 %/);
    expect(io.out).toMatch(/\n\s+4\s+2\s+33\.3 %/);
    expect(io.out).toMatch(/\n\s+user\s+1\s+1\.2\s+1\.5\s+2\s+2\.5\s+2\.8\s+3\n/);
    expect(io.out).toMatch(/1970-01-02 → 1970-01-11 \(9 days\)/);
  });

  it('prints JSON with --json', async () => {
    const dir = await writeFixtures({ 'u.data': U_DATA + '1\t10\t2\t0\n' });
    expect(await main(['data', 'stats', dir, '--json'])).toBe(0);
    const stats = JSON.parse(io.out);
    expect(stats).toMatchObject({
      format: 'movielens-100k',
      ratings: 6,
      users: 3,
      movies: 3,
      duplicatesResolved: 1,
    });
    expect(stats.ratingsPerMovie).toEqual({ min: 1, p10: 1.2, p25: 1.5, p50: 2, p75: 2.5, p90: 2.8, max: 3 });
    expect(stats.warnings).toEqual(['1 repeated (user, movie) ratings replaced by the latest one.']);
  });

  it('exits 2 naming file and line for bad data, and 0 with --skip-invalid', async () => {
    const dir = await writeFixtures({ 'u.data': '1\t10\t5\t1\n1\t11\t7\t1\n2\t10\t3\t1\n' });
    expect(await main(['data', 'stats', dir])).toBe(2);
    expect(io.err).toMatch(/^marquee: .*u\.data:2: rating 7 is outside the scale 1–5/);
    expect(await main(['data', 'stats', dir, '--skip-invalid', '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ ratings: 2, skippedInvalid: 1 });
  });

  it('reads a generic CSV through --columns and --delimiter', async () => {
    const dir = await writeFixtures({ 'r.csv': 'who|what|stars\n5|6|4\n5|7|2\n' });
    const argv = ['data', 'stats', join(dir, 'r.csv'), '--columns', 'user=who,movie=what,rating=stars'];
    expect(await main([...argv, '--delimiter', '|', '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ format: 'csv', ratings: 2, users: 1, timeSpan: null });
  });

  it('exits 2 for unknown formats, missing paths and bad flags', async () => {
    const dir = await writeFixtures({ 'x.txt': 'what is this\n' });
    expect(await main(['data', 'stats', join(dir, 'x.txt')])).toBe(2);
    expect(io.err).toMatch(/x\.txt:1: unknown format/);
    expect(await main(['data', 'stats', join(dir, 'missing')])).toBe(2);
    expect(await main(['data', 'stats', dir, '--scale', '5:1:1'])).toBe(2);
    expect(await main(['data', 'stats', dir, '--columns', 'user=a'])).toBe(2);
    expect(await main(['data', 'stats', dir, '--format', 'parquet'])).toBe(2);
    expect(await main(['data', 'stats', dir, '--bogus'])).toBe(2);
    expect(io.err).toMatch(/unknown option '--bogus'/);
  });
});
