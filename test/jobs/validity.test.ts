import { describe, expect, it } from 'vitest';
import { agreement, CRITERIA, formatReport, loadCases, resolveFile, runValidity, THRESHOLD } from '../helpers/real-world.ts';

// The checks read real pages as a careful person does: the real-world corpus, labelled before the
// checks ran on it, must agree at least 97 % on each criterion (npm run validity shows the table).

describe('real-world corpus', () => {
  const cases = loadCases();

  it('holds at least 80 pages, every case with its source and a label for every criterion', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const pages = cases.reduce((n, c) => n + c.label.kinds.length, 0);
    expect(pages).toBeGreaterThanOrEqual(80);
    for (const c of cases) {
      expect(c.label.source.every((s) => s.length > 8), c.id).toBe(true);
      expect(resolveFile(`${c.dir}/site`, c.label.start) !== null || c.label.expected.online.value === 'Non', `${c.id}: start page`).toBe(true);
    }
  });

  it(`agrees with the labels at least ${100 * THRESHOLD} % on each criterion`, async () => {
    const { verdicts } = await runValidity(cases);
    const rows = agreement(verdicts);
    const report = formatReport(rows, verdicts);
    for (const criterion of CRITERIA) {
      const row = rows.find((r) => r.criterion === criterion)!;
      expect(row.rate, `${criterion}\n${report}`).toBeGreaterThanOrEqual(THRESHOLD);
    }
  }, 300_000);
});
