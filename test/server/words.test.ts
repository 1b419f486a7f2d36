import { describe, expect, it } from 'vitest';
import { count } from '../../server/words.ts';
import { minutesWords } from '../../web/src/lib/format.ts';

describe('French counts', () => {
  it('agree with the number, 0 and 1 singular, never "(s)"', () => {
    expect([0, 1, 2, 1500].map((n) => count(n, 'édition publiée'))).toEqual(['0 édition publiée', '1 édition publiée', '2 éditions publiées', '1\u202f500 éditions publiées']);
    expect(count(3, 'erreur')).toBe('3 erreurs');
    expect([1, 59, 61, 540].map(minutesWords)).toEqual(['1 minute', '1 minute', '2 minutes', '9 minutes']);
  });
});
