/** Checks of the numeric parameters the split functions take (the CLI's --split parser checks them earlier). */
import { UsageError } from '../../../../shared/src/errors.ts';

/**
 * Checks a held-out fraction: a finite number strictly between 0 and 1.
 * @param what the split it is for, e.g. "random split", used in the message.
 * @throws UsageError saying what was expected and what came.
 */
export function checkFraction(what: string, fraction: number): number {
  if (!(Number.isFinite(fraction) && fraction > 0 && fraction < 1)) {
    throw new UsageError(`${what}: expected a fraction strictly between 0 and 1 (got ${fraction}).`);
  }
  return fraction;
}

/**
 * Checks a per-user count: a whole number >= 1.
 * @throws UsageError saying what was expected and what came.
 */
export function checkPositiveInt(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${what}: expected a whole number >= 1 (got ${n}).`);
  }
  return n;
}
