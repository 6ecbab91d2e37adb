import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Raw statements below name tables unqualified: migrateToLatest sets the search path to our schema.
  // A local copy of each family's base currency and time zone (owned by auth, immutable), so the
  // scheduler can find due work in SQL; also marks that the default categories were seeded.
  await db.schema
    .createTable('families')
    .ifNotExists()
    .addColumn('family_id', 'uuid', (c) => c.primaryKey())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('categories')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references('categories.id'))
    .addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('icon', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('color', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'int8', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Names are unique among siblings, case-insensitively (the family id stands in for "no parent").
  await sql`create unique index if not exists categories_sibling_name_key
    on categories (family_id, coalesce(parent_id, family_id), lower(name))`.execute(db);
  await db.schema.createIndex('categories_parent_idx').ifNotExists().on('categories').column('parent_id').execute();

  await db.schema
    .createTable('expenses')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('amount_minor', 'int8', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('base_amount_minor', 'int8', (c) => c.notNull())
    .addColumn('base_currency', 'text', (c) => c.notNull())
    .addColumn('fx_rate', 'text', (c) => c.notNull())
    .addColumn('fx_rate_source', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('merchant', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('category_id', 'uuid')
    .addColumn('split', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('flagged', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('flag_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'int8', (c) => c.notNull().defaultTo(1))
    .addColumn('recurring_expense_id', 'uuid')
    .addColumn('bank_provider', 'text')
    .addColumn('bank_transaction_id', 'text')
    .addColumn('bank_account_id', 'text')
    .addColumn('pending', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('ledger_entry_id', 'uuid')
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_by_member_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Full-text search over description, merchant and note: core Postgres (no extension), so it
    // works the same on Postgres 15 and embedded PGlite; matched by word prefix (see docs/decisions/0010-expense-service.md).
    .addColumn('search', sql`tsvector`, (c) =>
      c
        .generatedAlwaysAs(sql`to_tsvector('simple'::regconfig, description || ' ' || merchant || ' ' || note)`)
        .stored(),
    )
    .execute();
  // Every list is "newest first" within a family, optionally narrowed by one of these columns.
  await sql`create index if not exists expenses_family_date_idx
    on expenses (family_id, occurred_on desc, id desc)
    include (base_amount_minor, member_id, category_id, split, merchant)`.execute(db);
  await sql`create index if not exists expenses_member_date_idx
    on expenses (family_id, member_id, occurred_on desc, id desc)`.execute(db);
  await sql`create index if not exists expenses_category_date_idx
    on expenses (family_id, category_id, occurred_on desc, id desc)`.execute(db);
  await sql`create index if not exists expenses_source_date_idx
    on expenses (family_id, source, occurred_on desc, id desc)`.execute(db);
  await sql`create index if not exists expenses_flagged_idx
    on expenses (family_id, occurred_on desc, id desc) where flagged`.execute(db);
  await sql`create index if not exists expenses_uncategorized_idx
    on expenses (family_id, occurred_on desc, id desc) where category_id is null and not split`.execute(db);
  await sql`create index if not exists expenses_tags_idx on expenses using gin (tags)`.execute(db);
  await sql`create index if not exists expenses_search_idx on expenses using gin (search)`.execute(db);
  await sql`create index if not exists expenses_fingerprint_idx on expenses (family_id, fingerprint)`.execute(db);
  await sql`create unique index if not exists expenses_bank_transaction_key
    on expenses (family_id, bank_provider, bank_transaction_id) where bank_transaction_id is not null`.execute(db);
  await sql`create unique index if not exists expenses_ledger_entry_key
    on expenses (family_id, ledger_entry_id) where ledger_entry_id is not null`.execute(db);

  await db.schema
    .createTable('expense_splits')
    .ifNotExists()
    .addColumn('expense_id', 'uuid', (c) => c.notNull().references('expenses.id').onDelete('cascade'))
    .addColumn('position', 'int4', (c) => c.notNull())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('category_id', 'uuid', (c) => c.notNull())
    .addColumn('amount_minor', 'int8', (c) => c.notNull())
    .addColumn('base_amount_minor', 'int8', (c) => c.notNull())
    .addPrimaryKeyConstraint('expense_splits_pkey', ['expense_id', 'position'])
    .execute();
  await sql`create index if not exists expense_splits_category_idx
    on expense_splits (family_id, category_id)`.execute(db);

  await db.schema
    .createTable('fx_rates')
    .ifNotExists()
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('rate', 'text', (c) => c.notNull())
    .addColumn('updated_by_member_id', 'uuid', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('fx_rates_pkey', ['family_id', 'currency'])
    .execute();

  await db.schema
    .createTable('categorization_rules')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('priority', 'int4', (c) => c.notNull())
    .addColumn('match_field', 'text', (c) => c.notNull())
    .addColumn('match_type', 'text', (c) => c.notNull())
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('min_amount_minor', 'int8')
    .addColumn('max_amount_minor', 'int8')
    .addColumn('member_id', 'uuid')
    .addColumn('source', 'text')
    .addColumn('category_id', 'uuid', (c) => c.notNull())
    .addColumn('add_tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('learned', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('version', 'int8', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index if not exists categorization_rules_family_idx
    on categorization_rules (family_id, priority, id)`.execute(db);
  // One learned rule per merchant and family.
  await sql`create unique index if not exists categorization_rules_learned_key
    on categorization_rules (family_id, lower(pattern)) where learned`.execute(db);

  await db.schema
    .createTable('budgets')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category_id', 'uuid')
    .addColumn('member_id', 'uuid')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'int8', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('rollover', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('thresholds', sql`int4[]`, (c) => c.notNull())
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('version', 'int8', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('budgets_family_idx').ifNotExists().on('budgets').columns(['family_id', 'id']).execute();
  // budget.threshold_crossed is emitted once per (budget, period, threshold): the insert that wins
  // this key is the one that writes the event.
  await db.schema
    .createTable('budget_thresholds_crossed')
    .ifNotExists()
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('budgets.id').onDelete('cascade'))
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('threshold', 'int4', (c) => c.notNull())
    .addColumn('crossed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('budget_thresholds_crossed_pkey', ['budget_id', 'period_start', 'threshold'])
    .execute();

  await db.schema
    .createTable('spending_limits')
    .ifNotExists()
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('day_minor', 'int8')
    .addColumn('week_minor', 'int8')
    .addColumn('month_minor', 'int8')
    .addColumn('blocked_category_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('version', 'int8', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('spending_limits_pkey', ['family_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('recurring_expenses')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('amount_minor', 'int8', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('merchant', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('category_id', 'uuid')
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('splits', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('interval', 'int4', (c) => c.notNull())
    .addColumn('start_on', 'date', (c) => c.notNull())
    .addColumn('end_on', 'date')
    .addColumn('paused', 'boolean', (c) => c.notNull().defaultTo(false))
    // The schedule is "occurrence n of start_on"; next_index is the first not yet materialized.
    .addColumn('next_index', 'int4', (c) => c.notNull())
    .addColumn('next_on', 'date')
    .addColumn('last_run_on', 'date')
    .addColumn('version', 'int8', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by_member_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('recurring_expenses_family_idx')
    .ifNotExists()
    .on('recurring_expenses')
    .columns(['family_id', 'id'])
    .execute();
  await sql`create index if not exists recurring_expenses_due_idx
    on recurring_expenses (next_on) where not paused and next_on is not null`.execute(db);
  // Exactly one expense per (rule, date), whichever scheduler replica gets there first.
  await db.schema
    .createTable('recurring_occurrences')
    .ifNotExists()
    .addColumn('recurring_expense_id', 'uuid', (c) =>
      c.notNull().references('recurring_expenses.id').onDelete('cascade'),
    )
    .addColumn('occurs_on', 'date', (c) => c.notNull())
    .addColumn('expense_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('recurring_occurrences_pkey', ['recurring_expense_id', 'occurs_on'])
    .execute();

  // Events consumed through HandleEvents, so a redelivered event is not applied twice.
  await db.schema
    .createTable('processed_events')
    .ifNotExists()
    .addColumn('event_id', 'uuid', (c) => c.primaryKey())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
