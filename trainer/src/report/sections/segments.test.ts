import { describe, expect, it } from 'vitest';
import { structureNote } from './segments.ts';

describe('structureNote', () => {
  it('reads the silhouette with the usual thresholds', () => {
    expect(structureNote(0.1)).toMatch(/continuum/);
    expect(structureNote(Number.NaN)).toMatch(/continuum/);
    expect(structureNote(0.3)).toMatch(/weak/);
    expect(structureNote(0.7)).toMatch(/clearly separated/);
  });
});
