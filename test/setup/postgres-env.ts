import { afterAll, inject } from 'vitest';
import { dropTestDatabases } from '../helpers/postgres.ts';

// Runs before each test file of the `postgres` project, before it imports anything: the engine
// is chosen by OBSERVATOIRE_DATABASE_URL when db/engine.ts is first imported.
process.env.OBSERVATOIRE_DATABASE_URL = inject('postgresDefaultUrl');
process.env.OBSERVATOIRE_TEST_PG_ADMIN = inject('postgresAdminUrl');

afterAll(dropTestDatabases);
