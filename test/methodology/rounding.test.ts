import { describe, expect, it } from 'vitest';
import { formatNumber, roundHalfUp } from '../../methodology/rounding.ts';

// The dashboard writes numbers without Intl (whose French data costs a phone a tenth of a second
// before the page responds): what it writes must be exactly what Intl writes.

describe('formatNumber', () => {
  it('writes what Intl.NumberFormat fr-FR writes, at 0, 1 and 2 decimals, over a wide range of numbers', () => {
    const intl = [0, 1, 2].map((d) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: d }));
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const numbers = [0, -0, 1, -1, 0.05, -0.05, 999, 1000, 1234.5, 12345.678, 123456789.987, -98765.4321, 1e15, 0.004, 79.45, 1.005, 240000, 310e6, 99.95, 9999.995];
    for (let i = 0; i < 5000; i++) numbers.push((random() - 0.3) * 10 ** Math.floor(random() * 10));
    const differ = numbers.flatMap((n) => [0, 1, 2].map((d) => [n, d, formatNumber(n, d), intl[d]!.format(roundHalfUp(n, d))] as const)).filter(([, , ours, theirs]) => ours !== theirs);
    expect(differ).toEqual([]);
  });

  it('groups thousands with a narrow no-break space and writes a decimal comma', () => {
    expect(formatNumber(1234567.25, 1)).toBe('1\u202f234\u202f567,3');
    expect(formatNumber(-0.05, 1)).toBe('-0,1');
    expect(formatNumber(80, 1)).toBe('80');
  });
});
