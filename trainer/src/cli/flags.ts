/**
 * Flag parsers for commander. Each throws commander's InvalidArgumentError, which the CLI turns into a message
 * naming the flag and exit code 2.
 */
import { InvalidArgumentError } from 'commander';

/** Parses a whole number within [min, max]. */
export function intFlag(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`expected a whole number (got "${value}").`);
    }
    if (n < min || n > max)
      throw new InvalidArgumentError(`expected a number from ${min} to ${max} (got ${n}).`);
    return n;
  };
}

/** Parses a finite number within [min, max] (max exclusive when `maxExclusive`). */
export function numberFlag(min: number, max: number, maxExclusive = false): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`expected a number (got "${value}").`);
    }
    if (n < min || (maxExclusive ? n >= max : n > max)) {
      throw new InvalidArgumentError(
        `expected a number in [${min}, ${max}${maxExclusive ? ')' : ']'} (got ${n}).`,
      );
    }
    return n;
  };
}

/** Parses one of a fixed set of choices. */
export function choiceFlag<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')} (got "${value}").`);
    }
    return value as T;
  };
}

/** Parses a comma-separated list of names, each one of `choices`, e.g. "popularity,ease". */
export function choiceListFlag<T extends string>(choices: readonly T[]): (value: string) => T[] {
  const one = choiceFlag(choices);
  return (value: string) => {
    const parts = value.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) {
      throw new InvalidArgumentError(
        `expected a comma-separated list of ${choices.join(', ')} (got "${value}").`,
      );
    }
    return parts.map(one);
  };
}

/** Parses a comma-separated list of whole numbers, each at least `min`, e.g. "128,64,32". */
export function intListFlag(min: number): (value: string) => number[] {
  return (value: string) => {
    const parts = value.split(',').map((s) => s.trim());
    const parse = intFlag(min);
    if (parts.length === 0 || parts.some((p) => p === '')) {
      throw new InvalidArgumentError(`expected a comma-separated list of whole numbers (got "${value}").`);
    }
    return parts.map(parse);
  };
}
