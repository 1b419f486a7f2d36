import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Db } from '../../db/client.ts';
import { ENGINE } from '../../db/engine.ts';
import { PostgresHostGate } from '../../jobs/queue/host-gate.ts';
import { HostScheduler } from '../../jobs/http/politeness.ts';
import { createTestDb } from '../helpers/db.ts';

describe.skipIf(ENGINE !== 'postgres')('per-host politeness across processes (PostgresHostGate)', () => {
  let db: Db;
  afterAll(async () => {
    if (db) await closeDatabase(db);
  });

  it('never lets two holders send one host a request at once, and keeps the pause between them', async () => {
    db = await createTestDb();
    // Three "workers", each with its own scheduler and gate, as three processes would have.
    const schedulers = [0, 1, 2].map((i) => new HostScheduler({ globalConcurrency: 8, perHostDelayMs: 30, gate: new PostgresHostGate(db.pool!, { holder: `w${i}` }) }));
    const spans: { host: string; start: number; end: number }[] = [];
    const request = (host: string) => async () => {
      const start = performance.now();
      await sleep(25); // long enough for the two hosts' requests to meet in time
      spans.push({ host, start, end: performance.now() });
    };
    await Promise.all(schedulers.flatMap((s) => ['a.test', 'b.test'].flatMap((host) => Array.from({ length: 5 }, () => s.run(`http://${host}/`, request(host))))));
    expect(spans).toHaveLength(30);
    for (const host of ['a.test', 'b.test']) {
      const mine = spans.filter((s) => s.host === host).sort((x, y) => x.start - y.start);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.start - mine[i - 1]!.end).toBeGreaterThanOrEqual(29); // the pause, never an overlap
    }
    // The two hosts were visited side by side: politeness is per host, not one at a time overall.
    const a = spans.filter((s) => s.host === 'a.test');
    const b = spans.filter((s) => s.host === 'b.test');
    expect(a.some((x) => b.some((y) => x.start < y.end && y.start < x.end))).toBe(true);
  });

  it('gives a host never seen before to one of many workers asking at the same moment', async () => {
    // The first lease on a host inserts its row: a worker whose statement waited on that insert
    // must see the host as taken (it once read it as free, and two workers sent it a request at once).
    for (let round = 0; round < 5; round++) {
      const host = `new-${round}.test`;
      const gates = Array.from({ length: 12 }, (_, i) => new PostgresHostGate(db.pool!, { holder: `g${i}`, pollMs: 5 }));
      let holding = 0;
      let most = 0;
      await Promise.all(
        gates.map(async (gate) => {
          const release = await gate.acquire(host);
          most = Math.max(most, ++holding);
          await sleep(5);
          holding--;
          await release(0);
        }),
      );
      expect(most, host).toBe(1);
    }
  });

  it('frees a host whose holder died once its lease runs out', async () => {
    const dead = new PostgresHostGate(db.pool!, { holder: 'dead', leaseMs: 300 });
    await dead.acquire('c.test'); // never released
    const alive = new PostgresHostGate(db.pool!, { holder: 'alive' });
    const t0 = performance.now();
    const release = await alive.acquire('c.test');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    await release(0);
  });
});
