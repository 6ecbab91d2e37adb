import { expect } from 'chai';
import { createKysely, migrateToLatest, openSql, sql, type Kysely, type Migrations, type SqlHandle } from '@family/db';
import { dropSchema, openTestSql, uniqueName } from '@family/testing';

interface CounterDb {
  counters: { id: string; value: number; day: string };
}

const migrations: Migrations = {
  '0001_counters': {
    async up(db) {
      await db.schema
        .createTable('counters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('value', 'int8', (c) => c.notNull())
        .addColumn('day', 'date', (c) => c.notNull())
        .execute();
    },
  },
};

async function incrementConcurrently(db: Kysely<CounterDb>, times: number) {
  await Promise.all(
    Array.from({ length: times }, () =>
      db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('counters')
          .select('value')
          .where('id', '=', 'c')
          .forUpdate()
          .executeTakeFirstOrThrow();
        await new Promise((r) => setImmediate(r));
        await trx
          .updateTable('counters')
          .set({ value: row.value + 1 })
          .where('id', '=', 'c')
          .execute();
      }),
    ),
  );
}

for (const backend of ['postgres', 'embedded PGlite'] as const) {
  describe(`db on ${backend}`, () => {
    let handle: SqlHandle;
    const schema = uniqueName('dbtest');
    let db: Kysely<CounterDb>;

    before(async () => {
      handle = backend === 'postgres' ? await openTestSql() : await openSql({});
      db = createKysely<CounterDb>(handle, schema);
    });
    after(async () => {
      if (backend === 'postgres') await dropSchema(handle, schema);
      await handle.close();
    });

    it('runs migrations once even when replicas start together', async () => {
      await Promise.all([1, 2, 3].map(() => migrateToLatest(db as Kysely<unknown>, schema, migrations)));
      const applied = await sql<{ name: string }>`select name from ${sql.table(`${schema}.migrations`)}`.execute(db);
      expect(applied.rows.map((r) => r.name)).to.deep.equal(['0001_counters']);
    });

    it('reads int8 as a number and a date as its YYYY-MM-DD text', async () => {
      await db.insertInto('counters').values({ id: 'c', value: 0, day: '2024-02-29' }).execute();
      const row = await db.selectFrom('counters').selectAll().where('id', '=', 'c').executeTakeFirstOrThrow();
      expect(row).to.deep.equal({ id: 'c', value: 0, day: '2024-02-29' });
    });

    it('keeps concurrent transactions apart', async () => {
      await incrementConcurrently(db, 20);
      const row = await db.selectFrom('counters').select('value').where('id', '=', 'c').executeTakeFirstOrThrow();
      expect(row.value).to.equal(20);
    });
  });
}
