/**
 * Plausible synthetic movie titles in MovieLens style: a leading article moves to the end ("Silent River, The"),
 * and some titles carry commas, colons or quotes, so CSV writers and readers must quote them properly.
 */
import type { Rng } from '../../../../shared/src/kernels/prng.ts';

const ADJECTIVES = [
  'Silent', 'Broken', 'Golden', 'Hidden', 'Last', 'Lost', 'Crimson', 'Midnight', 'Electric', 'Wild',
  'Secret', 'Dark', 'Bright', 'Burning', 'Frozen', 'Endless', 'Little', 'Savage', 'Quiet', 'Restless',
  'Final', 'Forgotten', 'Distant', 'Iron', 'Velvet', 'Hollow', 'Invisible', 'Perfect', 'Strange', 'Blue',
  'Sweet', 'Dangerous', 'Wicked', 'Lonely', 'Happy', 'Red', 'Eternal', 'Fallen', 'Northern', 'Borrowed',
] as const; // prettier-ignore

const NOUNS = [
  'River', 'Heart', 'City', 'Shadow', 'Garden', 'Storm', 'Kingdom', 'Road', 'Mirror', 'Summer', 'Winter',
  'Night', 'House', 'Island', 'Machine', 'Promise', 'Stranger', 'Horizon', 'Empire', 'Ocean', 'Station',
  'Dream', 'Game', 'Letter', 'Fire', 'Star', 'Ghost', 'Witness', 'Crown', 'Harbor', 'Valley', 'Frontier',
  'Signal', 'Circus', 'Orchard', 'Hotel', 'Bridge', 'Tide', 'Code', 'Planet', 'Legend', 'Echo', 'Journey',
  'Hunter', 'Dancer', 'Detective', 'Soldier', 'Queen', 'King', 'Thief', 'Angel', 'Wolf', 'Tiger', 'Raven',
  'Sister', 'Brother', 'Father', 'Daughter', 'Son', 'Verdict',
] as const; // prettier-ignore

const NAMES = [
  'Anna', 'Max', 'Lucy', 'Jack', 'Harry', 'Sally', 'Rosa', 'Oscar', 'Frances', 'Vincent', 'Emma', 'Leo',
  'Clara', 'Tom', 'Nina', 'Felix', 'Marty', 'Grace', 'Duke', 'Ivy',
] as const; // prettier-ignore

const PLACES = [
  'Paris', 'Tokyo', 'Brooklyn', 'Casablanca', 'Memphis', 'Berlin', 'Havana', 'Santa Fe', 'Dublin', 'Vegas',
  'Alaska', 'Venice', 'Manhattan', 'Texas', 'Marrakesh', 'Rome', 'Chicago', 'Bombay', 'Oslo', 'Sydney',
] as const; // prettier-ignore

const SEQUELS = ['2', 'II', '3', 'Part II'] as const;

/** English plural of the nouns above ("Witness" → "Witnesses", "Wolf" → "Wolves", "City" → "Cities"). */
function plural(noun: string): string {
  if (/(s|sh|ch|x)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/f$/.test(noun)) return `${noun.slice(0, -1)}ves`;
  return `${noun}s`;
}

function one<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.belowFast(list.length)] as T;
}

/** The title body (no year) before the article is moved. */
function rawTitle(rng: Rng): string {
  const adj = one(rng, ADJECTIVES);
  const noun = one(rng, NOUNS);
  switch (rng.belowFast(12)) {
    case 0:
    case 1:
      return `The ${adj} ${noun}`;
    case 2:
      return `${noun} of the ${adj} ${one(rng, NOUNS)}`;
    case 3:
      return `${one(rng, NAMES)}'s ${noun}`;
    case 4:
      return `${adj} in ${one(rng, PLACES)}`;
    case 5:
      return `A ${noun} in ${one(rng, PLACES)}`;
    case 6:
      return `The ${noun} and the ${one(rng, NOUNS)}`;
    case 7:
      return `${adj} ${plural(noun)}`;
    case 8:
      return `${noun}: ${adj} ${one(rng, NOUNS)}`;
    case 9:
      return `${one(rng, NAMES)}, ${one(rng, NAMES)} and the ${noun}`;
    case 10:
      // Nicknames in quotes, as in MovieLens titles like 'Dr. "Strangelove"'.
      return rng.belowFast(3) === 0 ? `The "${adj}" ${noun}` : `${one(rng, PLACES)} ${noun}`;
    default:
      return `${adj} ${noun} ${one(rng, SEQUELS)}`;
  }
}

/** A title without the year, e.g. "Silent River, The" or "Anna, Max and the Thief". */
export function movieTitle(rng: Rng): string {
  const raw = rawTitle(rng);
  const article = /^(The|A|An) (.+)$/.exec(raw);
  return article ? `${article[2]}, ${article[1]}` : raw;
}
