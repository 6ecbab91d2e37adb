import { expect } from 'chai';
import {
  PREPARED_PER_CONNECTION,
  createKysely,
  migrateToLatest,
  openSql,
  sql,
  type Kysely,
  type Migrations,
  type SqlHandle,
} from '@family/db';
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

describe('db on postgres: statements prepared once per connection', () => {
  let handle: SqlHandle;
  const schema = uniqueName('dbprep');
  let db: Kysely<CounterDb>;

  before(async () => {
    // One connection, so every statement below shares it and its prepared statements.
    handle = await openTestSql(1);
    db = createKysely<CounterDb>(handle, schema);
    await migrateToLatest(db as Kysely<unknown>, schema, migrations);
    await db.insertInto('counters').values({ id: 'p', value: 7, day: '2024-03-01' }).execute();
  });
  after(async () => {
    await dropSchema(handle, schema);
    await handle.close();
  });

  const prepared = async () =>
    (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db)).rows.map(
      (r) => r.statement,
    );
  const read = (id: string) => db.selectFrom('counters').selectAll().where('id', '=', id).executeTakeFirst();

  it('prepares a parameterized statement once and reuses it, with any parameters', async () => {
    expect(await read('p')).to.deep.equal({ id: 'p', value: 7, day: '2024-03-01' });
    expect(await read('none')).to.equal(undefined);
    expect(await read('p')).to.deep.equal({ id: 'p', value: 7, day: '2024-03-01' });
    const same = (await prepared()).filter(
      (s) => s.includes(`"${schema}"."counters"`) && s.includes('where "id" = $1'),
    );
    expect(same, 'one prepared statement for the three reads').to.have.length(1);
  });

  it('leaves statements about a list of values unnamed, planned for each execution', async () => {
    const rows = await db.selectFrom('counters').select('id').where('id', 'in', ['p', 'q', 'r']).execute();
    expect(rows).to.deep.equal([{ id: 'p' }]);
    const anyOf = await sql<{
      id: string;
    }>`select id from ${sql.table(`${schema}.counters`)} where id = any(${['p']})`.execute(db);
    expect(anyOf.rows).to.deep.equal([{ id: 'p' }]);
    const listed = (await prepared()).filter((s) => / in \(\$|= any\(/.test(s));
    expect(listed).to.deep.equal([]);
  });

  it('keeps at most PREPARED_PER_CONNECTION statements on a connection, and the rest still run', async () => {
    // Distinct texts (a different alias each), more than a connection keeps.
    const many = Array.from({ length: PREPARED_PER_CONNECTION + 20 }, (_, i) =>
      db
        .selectFrom('counters')
        .select((eb) => eb.ref('value').as(`v${i}`))
        .where('id', '=', 'p')
        .executeTakeFirstOrThrow(),
    );
    const rows = await Promise.all(many);
    expect(rows.map((r, i) => (r as Record<string, number>)[`v${i}`])).to.deep.equal(rows.map(() => 7));
    expect((await prepared()).length).to.be.at.most(PREPARED_PER_CONNECTION);
  });

  it('a table changed under a prepared statement: run again outside a transaction, failed inside one', async () => {
    // A connection of its own: the one above has used up its prepared statements.
    const own = await openTestSql(1);
    try {
      const mine = createKysely<CounterDb>(own, schema);
      const all = (on: Kysely<CounterDb> = mine) =>
        on.selectFrom('counters').selectAll().where('day', '=', '2024-03-01').execute();
      const alter = (column: string) =>
        sql`alter table ${sql.table(`${schema}.counters`)} add column if not exists ${sql.id(column)} text`.execute(
          mine,
        );
      expect(await all()).to.have.length(1);
      await alter('note');
      // Outside a transaction: answered, with the new column.
      expect(await all()).to.deep.equal([{ id: 'p', value: 7, day: '2024-03-01', note: null }]);

      expect(await all()).to.have.length(1);
      await alter('memo');
      const inside = await mine
        .transaction()
        .execute((trx) => all(trx))
        .then(
          () => undefined,
          (err: { code?: string }) => err.code,
        );
      expect(inside, 'cached plan must not change result type').to.equal('0A000');
      // The connection was replaced: the next statement works.
      expect(await all()).to.deep.equal([{ id: 'p', value: 7, day: '2024-03-01', note: null, memo: null }]);
    } finally {
      await own.close();
    }
  });
});
