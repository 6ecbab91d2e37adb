import { sql, type Kysely } from 'kysely';

const now = sql`now()`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('families')
    .ifNotExists()
    .addColumn('family_id', 'uuid', (c) => c.primaryKey())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('jar_settings')
    .ifNotExists()
    .addColumn('member_id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('split_spend', 'integer', (c) => c.notNull())
    .addColumn('split_save', 'integer', (c) => c.notNull())
    .addColumn('split_give', 'integer', (c) => c.notNull())
    .addColumn('interest_bps', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('interest_cap_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('interest_next_on', 'date')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint('jar_settings_split_check', sql`split_spend + split_save + split_give = 100`)
    .execute();
  await db.schema
    .createIndex('jar_settings_interest_idx')
    .ifNotExists()
    .on('jar_settings')
    .columns(['family_id', 'interest_next_on'])
    .where(sql.ref('interest_bps'), '>', 0)
    .execute();

  // The balance can never go below zero: debits are conditional updates, and this is the backstop.
  await db.schema
    .createTable('balances')
    .ifNotExists()
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('jar', 'text', (c) => c.notNull().check(sql`jar in ('SPEND', 'SAVE', 'GIVE')`))
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('balance_minor', 'bigint', (c) => c.notNull().check(sql`balance_minor >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('balances_pkey', ['member_id', 'jar'])
    .execute();

  await db.schema
    .createTable('ledger_entries')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('jar', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('memo', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('balance_after_minor', 'bigint', (c) => c.notNull())
    .addColumn('transfer_id', 'uuid')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('merchant', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('category_id', 'uuid')
    .addColumn('occurred_on', 'date')
    .addColumn('goal_id', 'uuid')
    .addColumn('chore_id', 'uuid')
    .addColumn('allowance_id', 'uuid')
    .addColumn('created_by_member_id', 'uuid')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ledger_entries_member_idx')
    .ifNotExists()
    .on('ledger_entries')
    .columns(['member_id', 'id'])
    .execute();

  await db.schema
    .createTable('goals')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('owner_member_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('target_minor', 'bigint', (c) => c.notNull().check(sql`target_minor > 0`))
    .addColumn('saved_minor', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`saved_minor >= 0`),
    )
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('deadline', 'date')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('match_percent', 'integer')
    .addColumn('match_cap_minor', 'bigint')
    .addColumn('icon', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by_member_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('achieved_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('goals_family_idx').ifNotExists().on('goals').columns(['family_id', 'id']).execute();
  await db.schema
    .createIndex('goals_owner_idx')
    .ifNotExists()
    .on('goals')
    .columns(['owner_member_id', 'status'])
    .execute();

  await db.schema
    .createTable('goal_contributions')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('goal_id', 'uuid', (c) => c.notNull().references('goals.id').onDelete('cascade'))
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('matched_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('memo', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contributor_member_id', 'uuid', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('goal_contributions_goal_idx')
    .ifNotExists()
    .on('goal_contributions')
    .columns(['goal_id', 'id'])
    .execute();

  await db.schema
    .createTable('chores')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('assignee_member_id', 'uuid', (c) => c.notNull())
    .addColumn('reward_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('due_on', 'date')
    .addColumn('recurrence_frequency', 'text')
    .addColumn('recurrence_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_occurrence_on', 'date')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rejection_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reviewed_by_member_id', 'uuid')
    .addColumn('overdue_on', 'date')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by_member_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('chores_family_idx').ifNotExists().on('chores').columns(['family_id', 'id']).execute();
  await db.schema
    .createIndex('chores_due_idx')
    .ifNotExists()
    .on('chores')
    .columns(['family_id', 'due_on'])
    .where(sql.ref('due_on'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('chores_rollover_idx')
    .ifNotExists()
    .on('chores')
    .columns(['family_id', 'next_occurrence_on'])
    .where(sql.ref('next_occurrence_on'), 'is not', null)
    .execute();

  await db.schema
    .createTable('chore_occurrences')
    .ifNotExists()
    .addColumn('chore_id', 'uuid', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('assignee_member_id', 'uuid', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('chore_occurrences_pkey', ['chore_id', 'due_on'])
    .execute();
  await db.schema
    .createIndex('chore_occurrences_assignee_idx')
    .ifNotExists()
    .on('chore_occurrences')
    .columns(['assignee_member_id', 'due_on'])
    .execute();

  await db.schema
    .createTable('allowances')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull().check(sql`amount_minor > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('day_of_week', 'integer')
    .addColumn('day_of_month', 'integer')
    .addColumn('split_spend', 'integer')
    .addColumn('split_save', 'integer')
    .addColumn('split_give', 'integer')
    .addColumn('start_on', 'date', (c) => c.notNull())
    .addColumn('paused', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('min_completion_percent', 'integer')
    .addColumn('next_payday', 'date')
    .addColumn('last_paid_on', 'date')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by_member_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('allowances_family_idx')
    .ifNotExists()
    .on('allowances')
    .columns(['family_id', 'id'])
    .execute();
  await db.schema
    .createIndex('allowances_due_idx')
    .ifNotExists()
    .on('allowances')
    .columns(['family_id', 'next_payday'])
    .where(sql.ref('next_payday'), 'is not', null)
    .execute();

  await db.schema
    .createTable('allowance_payments')
    .ifNotExists()
    .addColumn('allowance_id', 'uuid', (c) => c.notNull())
    .addColumn('payday', 'date', (c) => c.notNull())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('completion_percent', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('allowance_payments_pkey', ['allowance_id', 'payday'])
    .execute();

  await db.schema
    .createTable('interest_payments')
    .ifNotExists()
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('month', 'date', (c) => c.notNull())
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('interest_payments_pkey', ['member_id', 'month'])
    .execute();
}
