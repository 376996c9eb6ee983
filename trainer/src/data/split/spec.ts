/**
 * The `--split` flag: a compact text form for every split that works on one table, and the function applying it.
 * A published train/test file pair is not a spec form; load both files and call `combineTrainTest`.
 */
import { UsageError } from '../../../../shared/src/errors.ts';
import type { RatingsTable, Split } from '../types.ts';
import { leaveOneOutSplit } from './leave-one-out.ts';
import { randomSplit } from './random.ts';
import { stratifiedSplit } from './stratified.ts';
import { checkTable } from './table-check.ts';
import { lastNSplit, temporalSplit } from './temporal.ts';

/** A parsed `--split` value. */
export type SplitSpec =
  | { kind: 'random'; fraction: number }
  | { kind: 'user'; fraction: number }
  | { kind: 'temporal'; cutoff: number }
  | { kind: 'last'; n: number }
  | { kind: 'loo' }
  | { kind: 'none' };

/** The split used when `--split` is not given: 10 % of each user's ratings. */
export const DEFAULT_SPLIT_SPEC = 'user:0.1';

/**
 * The accepted forms, one per line, ready for a CLI's --help:
 *
 * - `random:F` — a fraction F (0 < F < 1) of all ratings, chosen at random (seeded).
 * - `user:F` — F of each user's ratings; users with two or more ratings keep one in train (seeded; default user:0.1).
 * - `temporal:DATE` — ratings at or after DATE go to test; DATE is YYYY-MM-DD (UTC midnight), an ISO date-time
 *   with Z or an offset, or unix seconds.
 * - `last:N` — each user's N latest ratings (users keep at least one in train).
 * - `loo` — leave-one-out: each user's latest rating; users with one rating keep it in train.
 * - `none` — no test ratings: every rating trains (the model a pipeline serves once its gate has judged the recipe).
 */
export const SPLIT_SPEC_HELP = [
  'random:F       fraction F (0 < F < 1) of all ratings, chosen at random (seeded)',
  "user:F         fraction F of each user's ratings; users keep >= 1 in train (seeded; default user:0.1)",
  'temporal:DATE  ratings at/after DATE (YYYY-MM-DD UTC, ISO date-time with zone, or unix seconds) go to test',
  "last:N         each user's N latest ratings (users keep >= 1 in train)",
  "loo            leave-one-out: each user's latest rating (users with one rating keep it in train)",
  'none           no test ratings: every rating trains (nothing to test the model on)',
].join('\n');

const FORMS = 'random:F, user:F, temporal:DATE, last:N, loo or none';

function fail(expected: string, got: string): never {
  throw new UsageError(`--split: expected ${expected} (got "${got}").`);
}

function parseFraction(kind: string, arg: string, text: string): number {
  const f = Number(arg);
  if (!/^(\d+\.?\d*|\.\d+)$/.test(arg) || !(f > 0 && f < 1)) {
    fail(`${kind}:F with a fraction F strictly between 0 and 1, e.g. ${kind}:0.2`, text);
  }
  return f;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_UNIX = 4294967295;

/**
 * Unix seconds of a time given as unix seconds, YYYY-MM-DD (UTC midnight) or an ISO date-time with Z or an offset.
 * @returns the seconds, or what is wrong with `arg`
 */
export function parseInstant(arg: string): { seconds: number } | { problem: string } {
  const expected =
    'YYYY-MM-DD, an ISO date-time with Z or an offset (e.g. 2015-01-01T12:00:00Z), or unix seconds from 0 to ' +
    String(MAX_UNIX);
  if (/^\d+$/.test(arg)) {
    const s = Number(arg);
    return s > MAX_UNIX ? { problem: expected } : { seconds: s };
  }
  if (!DATE_ONLY.test(arg) && !DATE_TIME.test(arg)) return { problem: expected };
  // Date.parse rolls impossible calendar dates over (2015-02-30 → March 2): check the date part on its own.
  const [y, m, d] = arg.slice(0, 10).split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    return { problem: `${expected}; "${arg.slice(0, 10)}" is not a calendar date` };
  }
  const ms = Date.parse(arg);
  const s = Math.floor(ms / 1000);
  return Number.isFinite(ms) && s >= 0 && s <= MAX_UNIX ? { seconds: s } : { problem: expected };
}

/** Parses a cut-off (see parseInstant). Returns unix seconds. */
function parseCutoff(arg: string, text: string): number {
  const t = parseInstant(arg);
  if ('problem' in t) fail(`temporal:DATE with DATE as ${t.problem}`, text);
  return t.seconds;
}

/**
 * Parses a `--split` value (see `SPLIT_SPEC_HELP` for the forms). Leading/trailing spaces and the case of the
 * kind are ignored.
 * @throws UsageError naming `--split`, the expected form and the text that came.
 */
export function parseSplitSpec(text: string): SplitSpec {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const kind = (colon < 0 ? trimmed : trimmed.slice(0, colon)).toLowerCase();
  const arg = colon < 0 ? undefined : trimmed.slice(colon + 1).trim();
  if (kind === 'loo' || kind === 'none') {
    if (arg !== undefined) fail(`${kind} with no argument`, text);
    return { kind };
  }
  if (kind !== 'random' && kind !== 'user' && kind !== 'temporal' && kind !== 'last') {
    fail(`one of ${FORMS}`, text);
  }
  if (arg === undefined || arg === '') fail(`${kind}:<value>, one of ${FORMS}`, text);
  switch (kind) {
    case 'random':
    case 'user':
      return { kind, fraction: parseFraction(kind, arg, text) };
    case 'temporal':
      return { kind, cutoff: parseCutoff(arg, text) };
    case 'last': {
      const n = Number(arg);
      if (!/^\d+$/.test(arg) || !Number.isSafeInteger(n) || n < 1) {
        fail('last:N with a whole number N >= 1, e.g. last:5', text);
      }
      return { kind, n };
    }
  }
}

/**
 * Applies a parsed spec to a table. `seed` is used by the random and per-user forms and ignored by the
 * deterministic time-based forms.
 * @throws UsageError / DataError from the split functions (bad seed, no timestamps, empty side, malformed table).
 */
export function applySplit(table: RatingsTable, spec: SplitSpec, seed: number): Split {
  switch (spec.kind) {
    case 'random':
      return randomSplit(table, spec.fraction, seed);
    case 'user':
      return stratifiedSplit(table, spec.fraction, seed);
    case 'temporal':
      return temporalSplit(table, spec.cutoff);
    case 'last':
      return lastNSplit(table, spec.n);
    case 'loo':
      return leaveOneOutSplit(table);
    case 'none':
      return noSplit(table);
  }
}

/** Every row trains, none tests. @throws DataError on a malformed table */
function noSplit(table: RatingsTable): Split {
  checkTable(table);
  return {
    train: Int32Array.from({ length: table.count }, (_, i) => i),
    test: new Int32Array(0),
    coldUsers: 0,
    coldMovies: 0,
    description: 'none (every rating trains)',
  };
}
