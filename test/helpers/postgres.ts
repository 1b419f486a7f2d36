import pg from 'pg';

// Test databases on the PostgreSQL test cluster (test/setup/postgres.ts starts it for the
// `postgres` project): each test's database is a copy of a migrated template, made in a few
// milliseconds, dropped when the test file ends.

export const TEMPLATE_DATABASE = 'observatoire_template';

let admin: pg.Client | undefined;
let counter = 0;
const created: string[] = [];

function adminUrl(): string {
  const url = process.env.OBSERVATOIRE_TEST_PG_ADMIN;
  if (!url) throw new Error('no PostgreSQL test cluster: OBSERVATOIRE_TEST_PG_ADMIN is unset (run the `postgres` test project)');
  return url;
}

async function adminClient(): Promise<pg.Client> {
  if (!admin) {
    admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
  }
  return admin;
}

/** A new database copied from the migrated template; its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const client = await adminClient();
  await client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  created.push(name);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the databases this test file made (their connections closed by force). */
export async function dropTestDatabases(): Promise<void> {
  if (!admin) return;
  for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  await admin.end().catch(() => {});
  admin = undefined;
}
