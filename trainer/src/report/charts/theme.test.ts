import { describe, expect, it } from 'vitest';
import { categoryColors, CATEGORY_COLORS, MUTED_COLOR } from './theme.ts';

describe('categoryColors', () => {
  it('gives named categories palette colours and catch-alls grey, last', () => {
    const c = categoryColors(['Drama', 'Other', 'Comedy', 'Drama', '(none)'], ['Other', '(none)']);
    expect(c.domain).toEqual(['Comedy', 'Drama', 'Other', '(none)']);
    expect(c.range).toEqual([CATEGORY_COLORS[0], CATEGORY_COLORS[1], MUTED_COLOR, MUTED_COLOR]);
  });

  it('cycles the palette beyond nine categories', () => {
    const names = Array.from({ length: 11 }, (_, i) => `g${String(i).padStart(2, '0')}`);
    expect(categoryColors(names).range[9]).toBe(CATEGORY_COLORS[0]);
  });
});
