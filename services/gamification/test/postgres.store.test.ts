// The store contract suite on the Postgres store, on a fresh schema of the test database.
import { createKysely, migrateToLatest } from '@family/db';
import { dropSchema, openTestSql, uniqueName } from '@family/testing';
import { migrations } from '../src/db/migrations/index.js';
import type { GamificationDatabase } from '../src/db/schema.js';
import { PostgresGamificationStore } from '../src/store/postgres.store.js';
import type { Announcement } from '../src/store/gamification.repository.js';
import { gamificationStoreContract } from './store.contract.js';

gamificationStoreContract('Postgres', async () => {
  const sql = await openTestSql();
  const schema = uniqueName('gamification_store');
  const db = createKysely<GamificationDatabase>(sql, schema);
  await migrateToLatest(db, schema, migrations);
  const announced: Announcement[] = [];
  const store = new PostgresGamificationStore(db, schema, async (_trx, a) => {
    announced.push(a);
  });
  return {
    store,
    announced,
    async stop() {
      await store.close();
      await dropSchema(sql, schema);
      await sql.close();
    },
  };
});
