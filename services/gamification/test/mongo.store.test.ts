// The store contract suite on the MongoDB store: runs only when GAMIFICATION_MONGODB_URL points at a
// server (these machines have none), each run in a database of its own, dropped afterwards. The
// Postgres schema it also needs (the event log and the published-batches keys) is a fresh one.
import { MongoClient } from 'mongodb';
import { createKysely, migrateToLatest } from '@family/db';
import { dropSchema, openTestSql, uniqueName } from '@family/testing';
import { migrations } from '../src/db/migrations/index.js';
import type { GamificationDatabase } from '../src/db/schema.js';
import { MongoGamificationStore } from '../src/store/mongo.store.js';
import type { Announcement } from '../src/store/gamification.repository.js';
import { gamificationStoreContract } from './store.contract.js';

const url = process.env.GAMIFICATION_MONGODB_URL;

if (!url) {
  describe('gamification store contract: MongoDB', function () {
    it('is skipped: set GAMIFICATION_MONGODB_URL=mongodb://… to run it against a MongoDB server', function () {
      this.skip();
    });
  });
} else {
  gamificationStoreContract('MongoDB', async () => {
    const sql = await openTestSql();
    const schema = uniqueName('gamification_mongo');
    const db = createKysely<GamificationDatabase>(sql, schema);
    await migrateToLatest(db, schema, migrations);
    const database = uniqueName('gamification_contract');
    const announced: Announcement[] = [];
    const store = await MongoGamificationStore.open({
      url,
      database,
      db,
      announce: async (_trx, a) => {
        announced.push(a);
      },
    });
    return {
      store,
      announced,
      async stop() {
        await store.close();
        const client = new MongoClient(url);
        await client.connect();
        await client.db(database).dropDatabase();
        await client.close();
        await dropSchema(sql, schema);
        await sql.close();
      },
    };
  });
}
