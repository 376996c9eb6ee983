import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../shared/src/errors.ts';
import type { Channels } from '../../../shared/src/schemas/channels.ts';
import { withCanary, withRollback, withStable, withoutCanary } from './channels.ts';
import { assertKey } from './object-store.ts';

const at = (c: Partial<Channels>): Channels => ({
  schema: 1,
  stable: 'a',
  canary: null,
  updated: '2026-01-01T00:00:00.000Z',
  history: [],
  ...c,
});

describe('channel pointer changes', () => {
  it('set-stable remembers the old stable (bounded) and promotes a matching canary', () => {
    expect(withStable(null, 'a')).toEqual({ stable: 'a', canary: null, history: [] });
    expect(withStable(at({ canary: { version: 'b', percent: 10 } }), 'b')).toEqual({
      stable: 'b',
      canary: null,
      history: ['a'],
    });
    expect(withStable(at({}), 'a').history).toEqual([]); // re-setting the same version is not a change
    const long = at({ history: Array.from({ length: 20 }, (_, i) => `v${i}`) });
    const next = withStable(long, 'z');
    expect(next.history).toHaveLength(20);
    expect(next.history.at(-1)).toBe('a');
    expect(next.history[0]).toBe('v1');
  });

  it('rollback restores the previous stable and drops a canary of the abandoned version', () => {
    const c = at({ stable: 'b', history: ['a'], canary: { version: 'b', percent: 5 } });
    expect(withRollback(c)).toEqual({ stable: 'a', canary: null, history: [] });
    const keep = at({ stable: 'b', history: ['a'], canary: { version: 'c', percent: 5 } });
    expect(withRollback(keep).canary).toEqual({ version: 'c', percent: 5 });
    expect(() => withRollback(at({}))).toThrow(/no previous stable version/);
    expect(() => withRollback(null)).toThrow(UsageError);
  });

  it('a canary needs a stable version and a whole percent', () => {
    expect(() => withCanary(null, 'b', 10)).toThrow(/no stable version yet/);
    expect(() => withCanary(at({}), 'b', 10.5)).toThrow(/whole number from 0 to 100/);
    expect(withCanary(at({}), 'b', 100).canary).toEqual({ version: 'b', percent: 100 });
    expect(withoutCanary(at({ canary: { version: 'b', percent: 1 } })).canary).toBeNull();
  });
});

describe('assertKey', () => {
  it('accepts relative keys and rejects escapes', () => {
    expect(() => assertKey('models/v1/manifest.json')).not.toThrow();
    for (const bad of ['', '/abs', 'a//b', '../x', 'a/./b', 'a\\b', 'a/']) {
      expect(() => assertKey(bad)).toThrow(UsageError);
    }
  });
});
