import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { csvStream, neutralize, textStream, wideColumns } from '../../server/services/exports.ts';
import { referenceCsv } from '../helpers/csv-reference.ts';
import { methodologyV1 } from '../../methodology/index.ts';
import { negotiateEncoding } from '../../server/services/response-cache.ts';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('CSV exports', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `'=HYPERLINK("http://evil")`],
    ['+33 1 23', `'+33 1 23`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['Demande de RSA', 'Demande de RSA'],
  ])('neutralises a cell a spreadsheet would run as a formula: %j', (cell, expected) => {
    expect(neutralize(cell)).toBe(expected);
  });

  it('keeps numbers as numbers (a negative number is not text to neutralise)', async () => {
    const out = await text(csvStream([{ name: 'a', type: 'number', description: '' }, { name: 'b', type: 'string', description: '' }], [[-1.5, '=1+1']], { sep: 'comma' }));
    expect(out).toBe(`a,b\n-1.5,'=1+1\n`);
  });

  it('has seven columns per criterion in wide form (status, value, level, goal, source, reason, change), after seven identity columns', () => {
    const columns = wideColumns(methodologyV1);
    expect(columns).toHaveLength(7 + 7 * 13);
    expect(columns.slice(7, 14).map((c) => c.name)).toEqual(['online_status', 'online_value', 'online_level', 'online_goal', 'online_source', 'online_reason', 'online_change']);
    expect(new Set(columns.map((c) => c.name)).size).toBe(columns.length);
  });
});

describe('CSV quoting (RFC 4180)', () => {
  it('round-trips delimiters, quotes and line breaks through a real CSV parser, in both dialects', async () => {
    const { parse } = await import('csv-parse/sync');
    const tricky = ['Démarche, "spéciale"', 'sur\ndeux lignes', 'point;virgule', 'simple', 'retour\r\nchariot'];
    for (const sep of ['comma', 'semicolon'] as const) {
      const out = await text(csvStream([{ name: 'v', type: 'string', description: '' }, { name: 'n', type: 'number', description: '' }], tricky.map((t, i) => [t, i + 0.5]), { sep }));
      const rows = parse(out, { delimiter: sep === 'comma' ? ',' : ';', bom: true, columns: true }) as { v: string; n: string }[];
      expect(rows.map((r) => r.v)).toEqual(tricky);
      expect(rows.map((r) => r.n)).toEqual(tricky.map((_, i) => (sep === 'comma' ? `${i}.5` : `${i},5`)));
    }
  });
});

describe('CSV writer', () => {
  const columns = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, type: 'string' as const, description: '' }));
  // Cells that need quoting in one dialect and not the other, formulas, numbers with decimals, negatives, booleans, nothing.
  const tricky: unknown[][] = [
    ['=1+1', '+33 1 23', '-2+3', '@SUM(A1)', '\tcmd'],
    ['a,b', 'a;b', 'say "hi"', 'two\nlines', 'cr\r\nlf'],
    [-1.5, 0.25, 1e21, 12, Number.NaN],
    [true, false, null, undefined, ''],
    ['=a,b', '-x;y', '"', "'", 'Démarche « simple », n° 2'],
    [new Date(0), 12345678901234, -0, '\r', ' lead'],
  ];

  it.each(['comma', 'semicolon'] as const)('writes exactly what the former writer wrote (%s), sync and async sources alike', async (sep) => {
    const expected = referenceCsv(columns, tricky, { sep });
    expect(await text(csvStream(columns, tricky, { sep }))).toBe(expected);
    expect(await text(csvStream(columns, Readable.from(tricky), { sep }))).toBe(expected);
    // Many rows: several chunks, the same bytes.
    const many = Array.from({ length: 3000 }, (_, i) => tricky[i % tricky.length]!);
    expect(await text(csvStream(columns, many, { sep }))).toBe(referenceCsv(columns, many, { sep }));
  });

  it('writes large chunks, and closes its source when the reader goes away', async () => {
    let closed = false;
    function* rows() {
      try {
        for (let i = 0; ; i++) yield [i, `ligne ${i}`, 'x'.repeat(50)];
      } finally {
        closed = true;
      }
    }
    const stream = csvStream(columns.slice(0, 3), rows(), { sep: 'comma' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      if (chunks.length === 3) break; // the for-await destroys the stream
    }
    expect(chunks[1]!.length).toBeGreaterThan(32 * 1024);
    expect(closed).toBe(true);
  });

  it('reports a failing source as a stream error', async () => {
    const failing = textStream(
      (function* () {
        yield 'a\n';
        throw new Error('lecture impossible');
      })(),
    );
    await expect(text(failing)).rejects.toThrow('lecture impossible');
  });
});

describe('negotiateEncoding', () => {
  it.each([
    ['gzip, deflate, br', 5000, 'br'],
    ['gzip', 5000, 'gzip'],
    ['br;q=0, gzip', 5000, 'gzip'],
    ['br;q=0.0', 5000, 'identity'],
    ['*', 5000, 'gzip'],
    ['identity', 5000, 'identity'],
    [undefined, 5000, 'identity'],
    ['br', 200, 'identity'],
  ] as const)('picks for "%s" and %d bytes: %s', (header, size, encoding) => {
    expect(negotiateEncoding(header, size)).toBe(encoding);
  });
});
