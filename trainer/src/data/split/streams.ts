/**
 * Stream numbers of the splits' random choices, one per purpose (see `createRng` in shared/src/kernels/prng.ts),
 * so that one seed used for two purposes does not replay the same sequence in both.
 */
export const STREAM = { random: 1, user: 2, holdout: 3 } as const;
