import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../shared/src/errors.ts';
import { applySplit, DEFAULT_SPLIT_SPEC, parseSplitSpec, SPLIT_SPEC_HELP } from './spec.ts';
import { randomTable } from '../../../../tools/split-tables.ts';

describe('parseSplitSpec', () => {
  it('accepts every documented form', () => {
    expect(parseSplitSpec('random:0.2')).toEqual({ kind: 'random', fraction: 0.2 });
    expect(parseSplitSpec(DEFAULT_SPLIT_SPEC)).toEqual({ kind: 'user', fraction: 0.1 });
    expect(parseSplitSpec(' USER:.25 ')).toEqual({ kind: 'user', fraction: 0.25 });
    expect(parseSplitSpec('temporal:2015-01-01')).toEqual({ kind: 'temporal', cutoff: 1420070400 });
    expect(parseSplitSpec('temporal:2015-01-01T12:00:00Z')).toEqual({ kind: 'temporal', cutoff: 1420113600 });
    expect(parseSplitSpec('temporal:2015-01-01T12:00+02:00')).toEqual({
      kind: 'temporal',
      cutoff: 1420106400,
    });
    expect(parseSplitSpec('temporal:893286638')).toEqual({ kind: 'temporal', cutoff: 893286638 });
    expect(parseSplitSpec('last:5')).toEqual({ kind: 'last', n: 5 });
    expect(parseSplitSpec('loo')).toEqual({ kind: 'loo' });
    expect(parseSplitSpec('None')).toEqual({ kind: 'none' });
  });

  it.each([
    ['', /--split: expected one of random:F, user:F, temporal:DATE, last:N, loo or none \(got ""\)/],
    ['kfold:5', /expected one of .* \(got "kfold:5"\)/],
    ['random', /expected random:<value>/],
    ['random:', /expected random:<value>/],
    [
      'random:0',
      /expected random:F with a fraction F strictly between 0 and 1, e.g. random:0.2 \(got "random:0"\)/,
    ],
    ['user:1', /strictly between 0 and 1/],
    ['user:-0.1', /strictly between 0 and 1/],
    ['user:abc', /strictly between 0 and 1/],
    ['user:0x1', /strictly between 0 and 1/],
    ['temporal:yesterday', /expected temporal:DATE with DATE as YYYY-MM-DD/],
    ['temporal:2015-02-30', /"2015-02-30" is not a calendar date/],
    ['temporal:2015-01-01T00:00:00', /with Z or an offset/],
    ['temporal:1960-01-01', /unix seconds from 0/],
    ['temporal:99999999999', /unix seconds from 0 to 4294967295/],
    ['last:0', /expected last:N with a whole number N >= 1, e.g. last:5 \(got "last:0"\)/],
    ['last:2.5', /whole number/],
    ['loo:1', /expected loo with no argument/],
    ['none:0', /expected none with no argument/],
  ])('rejects %j with a message naming --split and what was expected', (text, message) => {
    expect(() => parseSplitSpec(text)).toThrow(UsageError);
    expect(() => parseSplitSpec(text)).toThrow(/^--split: expected /);
    expect(() => parseSplitSpec(text)).toThrow(message);
  });

  it('documents every form for --help', () => {
    for (const form of ['random:F', 'user:F', 'temporal:DATE', 'last:N', 'loo', 'none'])
      expect(SPLIT_SPEC_HELP).toContain(form);
  });
});

describe('applySplit', () => {
  const table = randomTable(5, 100, 30, 20);

  it('dispatches each spec to its split', () => {
    expect(applySplit(table, parseSplitSpec('random:0.2'), 3).description).toBe('random 0.2 seed=3');
    expect(applySplit(table, parseSplitSpec('user:0.2'), 3).description).toBe('user 0.2 seed=3');
    expect(applySplit(table, parseSplitSpec('temporal:1000025'), 3).description).toBe(
      'temporal cut-off 1970-01-12T13:47:05Z',
    );
    expect(applySplit(table, parseSplitSpec('last:2'), 3).description).toBe('last 2 per user');
    expect(applySplit(table, parseSplitSpec('loo'), 3).description).toBe('leave-one-out (latest per user)');
    const none = applySplit(table, parseSplitSpec('none'), 3);
    expect(none).toMatchObject({ description: 'none (every rating trains)', coldUsers: 0, coldMovies: 0 });
    expect(Array.from(none.train)).toEqual(Array.from({ length: table.count }, (_, i) => i));
    expect(none.test).toHaveLength(0);
  });

  it('uses the seed for seeded forms only', () => {
    const spec = parseSplitSpec('user:0.2');
    expect(applySplit(table, spec, 1).test).not.toEqual(applySplit(table, spec, 2).test);
    const loo = parseSplitSpec('loo');
    expect(applySplit(table, loo, 1).test).toEqual(applySplit(table, loo, 2).test);
  });
});
