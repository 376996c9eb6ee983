import { describe, expect, it } from 'vitest';
import { renderSvg } from '../render/svg.ts';
import { histogramChart } from './histogram.ts';
import { chartFrame, SCHEMA } from './theme.ts';

describe('chartFrame', () => {
  it('adds a label transform only when given an expression', () => {
    expect(chartFrame([{ a: 1 }], { width: 10 })).toMatchObject({
      $schema: SCHEMA,
      width: 10,
      data: { values: [{ a: 1 }] },
    });
    expect(chartFrame([], {})).not.toHaveProperty('transform');
    expect(chartFrame([], {}, 'datum.a').transform).toEqual([{ calculate: 'datum.a', as: 'label' }]);
  });
});

describe('histogramChart', () => {
  it('renders one bar per bin with its range and count (and unit) as hover text', async () => {
    const bins = [
      { lo: -1, hi: 0, count: 3 },
      { lo: 0, hi: 1, count: 5 },
    ];
    const svg = await renderSvg(
      histogramChart(bins, {
        xTitle: 'residual',
        yTitle: 'ratings',
        countUnit: ' ratings',
        zeroColor: '#e45756',
      }),
      'hist',
    );
    expect(svg).toContain('<title>−1.00 to 0.00: 3 ratings</title>');
    expect(svg).toContain('<title>0.00 to 1.00: 5 ratings</title>');
    expect(svg).toContain('stroke="#e45756"');
    const plain = await renderSvg(
      histogramChart(bins, { xTitle: 'bias', yTitle: 'users', zeroColor: '#888' }),
      'h2',
    );
    expect(plain).toContain('<title>0.00 to 1.00: 5</title>');
  });
});
