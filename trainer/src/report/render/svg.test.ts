import { describe, expect, it } from 'vitest';
import { embeddingMapChart } from '../charts/embeddings.ts';
import { addHoverTitles, renderSvg, scopeIds } from './svg.ts';

describe('scopeIds', () => {
  it('prefixes ids and their references', () => {
    const svg = '<clipPath id="clip1"/><g clip-path="url(#clip1)"/><use href="#clip1"/>';
    expect(scopeIds(svg, 'fig')).toBe(
      '<clipPath id="fig-clip1"/><g clip-path="url(#fig-clip1)"/><use href="#fig-clip1"/>',
    );
    expect(() => scopeIds(svg, 'bad id')).toThrow(/prefix/);
  });
});

describe('addHoverTitles', () => {
  it('turns the aria-label of data marks into a title child', () => {
    const svg =
      '<path aria-label="A &amp; B" role="graphics-symbol" d="M0"/><g role="graphics-symbol" aria-label="axis"></g>';
    expect(addHoverTitles(svg)).toBe(
      '<path aria-label="A &amp; B" role="graphics-symbol" d="M0"><title>A &amp; B</title></path><g role="graphics-symbol" aria-label="axis"></g>',
    );
  });
});

describe('renderSvg', () => {
  it('renders a Vega-Lite spec to SVG with hover titles for every point', async () => {
    const points = [
      { x: 0, y: 1, group: 'Drama', label: 'Heat <1995>' },
      { x: 1, y: 0, group: 'Comedy', label: 'Big' },
    ];
    const svg = await renderSvg(embeddingMapChart(points, { x: 'PC1', y: 'PC2' }, 'genre'), 'map');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<title>Heat &lt;1995&gt;</title>');
    expect(svg).toContain('<title>Big</title>');
    expect(svg).not.toMatch(/\bid="(?!map-)/);
  });
});
