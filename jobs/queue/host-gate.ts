import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { HostGate } from '../http/politeness.ts';

/** This process, as a lease holder: the machine, the pid and a random tag (pids repeat across machines). */
export const WORKER_NAME = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Per-host politeness across every worker on every machine, kept in PostgreSQL (`host_leases`):
 * one row per host saying who holds it, until when (a lease: a worker killed mid-request frees
 * the host when it runs out), and when its pause ends. A request takes the row when it is free
 * and its pause over, in one statement (the row lock decides between workers), and gives it back
 * with its pause. PostgreSQL's clock is the only clock: machines need not agree on the time.
 */
export class PostgresHostGate implements HostGate {
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private turn = 0;

  constructor(
    private readonly pool: pg.Pool,
    options: { holder?: string; leaseMs?: number; pollMs?: number } = {},
  ) {
    this.holder = `${options.holder ?? WORKER_NAME}:${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 25;
  }

  async acquire(host: string): Promise<(pauseMs: number) => Promise<void>> {
    // Each request is its own holder: two requests of one process to one host wait for each other too.
    const holder = `${this.holder}:${this.turn++}`;
    for (;;) {
      // `taken` says whether this statement took the lease. Its wait cannot say it: a row another
      // worker inserted while this statement waited on it is invisible to the statement's snapshot,
      // so its wait reads null; that is a host just taken by someone else, not one free.
      const { rows } = await this.pool.query<{ taken: boolean; wait: number | null }>(
        `with taken as (
           insert into host_leases (host, holder, lease_until, next_at)
           values ($1, $2, now() + $3 * interval '1 millisecond', now())
           on conflict (host) do update set holder = excluded.holder, lease_until = excluded.lease_until
             where host_leases.lease_until <= now() and host_leases.next_at <= now()
           returning host
         )
         select exists (select 1 from taken) as taken,
           (select greatest(extract(epoch from (greatest(lease_until, next_at) - now())) * 1000, 0) from host_leases where host = $1) as wait`,
        [host, holder, this.leaseMs],
      );
      if (rows[0]?.taken) break;
      const wait = rows[0]?.wait;
      // Held: poll (a holder gives it back early); paused: sleep until the pause ends.
      await sleep(Math.max(1, Math.min(wait === null || wait === undefined ? this.pollMs : Number(wait), this.pollMs)));
    }
    return async (pauseMs: number) => {
      await this.pool.query(
        `update host_leases set holder = null, lease_until = now(), next_at = now() + $3 * interval '1 millisecond' where host = $1 and holder = $2`,
        [host, holder, pauseMs],
      );
    };
  }
}
