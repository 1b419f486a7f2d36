import type { Db } from '../../db/client.ts';
import { observations, type Evidence } from '../../db/schema/index.ts';
import { closeEdition, publishEdition } from '../../jobs/editions/close.ts';
import { recordProbes } from '../../jobs/probe.ts';
import { procedures } from '../../db/schema/index.ts';

const evidence: Evidence = { url: 'http://x.test/', tool: 'test', toolVersion: '1' };

/** The seeded procedure whose accessibility statement is out of date. */
export const EXPIRED_STATEMENT = { procedureId: 102, rate: 88, date: '2022-03-14' };

/**
 * Two published editions (2026-T2, 2026-T3) over the demo catalogue, from observations with a
 * known pattern: the procedure id decides each value, and a few improve in 2026-T3.
 */
const CRITERIA_SEEDED = 7;

export async function seedTwoEditions(db: Db): Promise<void> {
  const ids = (await db.select({ id: procedures.id }).from(procedures).orderBy(procedures.id)).map((p) => p.id);
  const quarters = [
    { slug: '2026-T2', at: new Date('2026-05-15T00:00:00Z'), closed: new Date('2026-07-01T06:00:00Z') },
    { slug: '2026-T3', at: new Date('2026-08-15T00:00:00Z'), closed: new Date('2026-10-01T06:00:00Z') },
  ];
  for (const [q, quarter] of quarters.entries()) {
    const rows = ids.flatMap((id) => [
      { criterion: 'online', valueText: id % 10 === 0 ? 'Non' : id % 7 === 0 ? 'Partiel' : 'Oui' },
      { criterion: 'auth', valueText: id % 3 === 0 || (q === 1 && id % 5 === 0) ? 'FranceConnect' : 'Non' },
      { criterion: 'mobile', valueText: id % 4 === 0 ? 'Non' : 'Oui' },
      { criterion: 'handicap', valueNum: (id * 7) % 101 },
      { criterion: 'satisfaction', valueNum: 4 + (id % 60) / 10, answers: id % 9 === 0 ? 40 : 500 },
      // Survey means with many decimals, some on too few answers: the published figure is rounded once, or not published.
      { criterion: 'help_efficient', valueNum: 5 + (id % 47) / 13, answers: id % 4 === 0 ? 12 : 300 },
      { criterion: 'help_reachable', valueNum: 60 + (id % 37) * 1.0137, answers: id % 6 === 0 ? 0 : 250 },
    ]).map((r, i) => ({
      procedureId: ids[Math.floor(i / CRITERIA_SEEDED)]!,
      criterion: r.criterion,
      observedAt: quarter.at,
      status: 'measured' as const,
      valueText: r.valueText ?? null,
      valueNum: r.valueNum ?? null,
      answers: r.answers ?? null,
      reason: null as string | null,
      evidence,
    }));
    // Procedure 102's statement gives 88 % but is over 3 years old: its level is "Non" (as its
    // pattern value would be), its rate and date are kept and shown.
    const expired = rows.find((r) => r.procedureId === EXPIRED_STATEMENT.procedureId && r.criterion === 'handicap');
    if (expired) Object.assign(expired, { valueNum: EXPIRED_STATEMENT.rate, valueText: 'partiellement conforme', reason: 'statement_expired', evidence: { ...evidence, statement: 'found', statementUrl: 'http://x.test/accessibilite', statementDate: EXPIRED_STATEMENT.date, rate: EXPIRED_STATEMENT.rate, expired: true } });
    for (let i = 0; i < rows.length; i += 500) await db.insert(observations).values(rows.slice(i, i + 500));
    await recordProbes(db, ids.map((id) => ({ procedureId: id, ok: id % 11 !== 0, httpStatus: 200, durationMs: 100 + (id % 8) * 100, failure: id % 11 !== 0 ? null : 'timeout' })), quarter.at);
    await closeEdition(db, quarter.slug, { now: quarter.closed });
    await publishEdition(db, quarter.slug, quarter.closed);
  }
}
