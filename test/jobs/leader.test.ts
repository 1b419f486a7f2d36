import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ENGINE } from '../../db/engine.ts';
import { SchedulerElection } from '../../jobs/queue/leader.ts';
import { testDatabaseLocation } from '../helpers/db.ts';

describe.skipIf(ENGINE !== 'postgres')('the elected scheduler (several serve on one PostgreSQL)', () => {
  it('elects one; when it stops, another takes over; never two at once', async () => {
    const url = await testDatabaseLocation();
    const leading = new Set<string>();
    let overlap = false;
    const election = (name: string) =>
      new SchedulerElection(
        url,
        {
          elected: () => {
            if (leading.size > 0) overlap = true;
            leading.add(name);
          },
          deposed: () => leading.delete(name),
        },
        100,
      );
    const a = election('a');
    const b = election('b');
    const c = election('c');
    await a.start();
    await b.start();
    await c.start();
    await sleep(300);
    expect([...leading]).toEqual(['a']);
    expect([a.isLeader, b.isLeader, c.isLeader]).toEqual([true, false, false]);
    await a.stop();
    for (let i = 0; i < 50 && leading.size === 0; i++) await sleep(50);
    expect(leading.size).toBe(1);
    expect(leading.has('a')).toBe(false);
    await b.stop();
    await c.stop();
    expect(overlap).toBe(false);
  });
});
