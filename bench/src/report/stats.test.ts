import { describe, expect, it } from 'vitest';
import { fmt, mean, median, p95, quantile, ratio } from './stats.js';

describe('stats', () => {
  it('takes nearest-rank quantiles of unsorted samples', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(median(samples)).toBe(3);
    expect(quantile(samples, 0)).toBe(1);
    expect(quantile(samples, 1)).toBe(5);
    expect(p95(Array.from({ length: 100 }, (_, i) => i + 1))).toBe(95);
  });

  it('gives the lower middle as the median of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
  });

  it('returns NaN for no samples instead of throwing', () => {
    expect(median([])).toBeNaN();
    expect(mean([])).toBeNaN();
  });

  it('makes a ratio only of two finite figures', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(undefined, 2)).toBeNaN();
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
    expect(fmt(Number.NaN)).toBe('—');
    expect(fmt(1.234)).toBe('1.23');
  });
});
