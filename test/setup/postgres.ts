import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { TestProject } from 'vitest/node';
import { PG_MIGRATIONS_FOLDER } from '../../db/client.ts';
import { PostgresCluster } from '../../scripts/pg-cluster.ts';
import { TEMPLATE_DATABASE } from '../helpers/postgres.ts';

// The `postgres` project's cluster: started once for the run, thrown away after it. Each test
// database is a copy of one migrated template (test/helpers/postgres.ts).

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresDefaultUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await PostgresCluster.start();
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.query('CREATE DATABASE observatoire_default');
  await admin.end();
  for (const database of [TEMPLATE_DATABASE, 'observatoire_default']) {
    const client = new pg.Client({ connectionString: cluster.url(database) });
    await client.connect();
    await migrate(drizzle({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    await client.end();
  }
  project.provide('postgresAdminUrl', cluster.url());
  project.provide('postgresDefaultUrl', cluster.url('observatoire_default'));
}

export function teardown(): void {
  cluster?.stop();
}
