// Allowance schedules and the paydays handled (paid or skipped), once each.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { AllowancesTable, GoalsDatabase } from '../db/schema.js';
import type { Allowance, AllowanceChanges, AllowancePayment, NewAllowance } from '../domain/goals.records.js';
import type { Split } from '../domain/goals.types.js';

function fromRow(r: Selectable<AllowancesTable>): Allowance {
  return {
    id: r.id,
    familyId: r.family_id,
    memberId: r.member_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    frequency: r.frequency,
    dayOfWeek: r.day_of_week,
    dayOfMonth: r.day_of_month,
    split: r.split_spend !== null ? { spend: r.split_spend, save: r.split_save ?? 0, give: r.split_give ?? 0 } : null,
    startOn: r.start_on,
    paused: r.paused,
    minCompletionPercent: r.min_completion_percent,
    nextPayday: r.next_payday,
    lastPaidOn: r.last_paid_on,
    version: r.version,
    createdByMemberId: r.created_by_member_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function splitColumns(split: Split | null) {
  return { split_spend: split?.spend ?? null, split_save: split?.save ?? null, split_give: split?.give ?? null };
}

function changesToRow(c: AllowanceChanges): Updateable<AllowancesTable> {
  const row: Updateable<AllowancesTable> = {};
  if (c.amountMinor !== undefined) row.amount_minor = c.amountMinor;
  if (c.frequency !== undefined) row.frequency = c.frequency;
  if (c.dayOfWeek !== undefined) row.day_of_week = c.dayOfWeek;
  if (c.dayOfMonth !== undefined) row.day_of_month = c.dayOfMonth;
  if (c.split !== undefined) Object.assign(row, splitColumns(c.split));
  if (c.startOn !== undefined) row.start_on = c.startOn;
  if (c.paused !== undefined) row.paused = c.paused;
  if (c.minCompletionPercent !== undefined) row.min_completion_percent = c.minCompletionPercent;
  if (c.nextPayday !== undefined) row.next_payday = c.nextPayday;
  if (c.lastPaidOn !== undefined) row.last_paid_on = c.lastPaidOn;
  if (c.version !== undefined) row.version = c.version;
  return row;
}

export class AllowancesStore {
  constructor(private readonly db: Kysely<GoalsDatabase>) {}

  async insert(trx: Kysely<GoalsDatabase>, a: NewAllowance): Promise<Allowance> {
    const row = await trx
      .insertInto('allowances')
      .values({
        id: a.id,
        family_id: a.familyId,
        member_id: a.memberId,
        amount_minor: a.amountMinor,
        currency: a.currency,
        frequency: a.frequency,
        day_of_week: a.dayOfWeek,
        day_of_month: a.dayOfMonth,
        ...splitColumns(a.split),
        start_on: a.startOn,
        paused: a.paused,
        min_completion_percent: a.minCompletionPercent,
        next_payday: a.nextPayday,
        created_by_member_id: a.createdByMemberId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async byId(familyId: string, id: string, db: Kysely<GoalsDatabase> = this.db): Promise<Allowance | undefined> {
    const row = await db
      .selectFrom('allowances')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async forUpdate(trx: Kysely<GoalsDatabase>, familyId: string, id: string): Promise<Allowance | undefined> {
    const row = await trx
      .selectFrom('allowances')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async update(trx: Kysely<GoalsDatabase>, id: string, changes: AllowanceChanges): Promise<Allowance> {
    const row = await trx
      .updateTable('allowances')
      .set({ ...changesToRow(changes), updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  async delete(trx: Kysely<GoalsDatabase>, id: string): Promise<void> {
    await trx.deleteFrom('allowances').where('id', '=', id).execute();
  }

  async list(
    filter: { familyId: string; memberId?: string | undefined },
    afterId: string | undefined,
    limit: number,
  ): Promise<Allowance[]> {
    let q = this.db.selectFrom('allowances').selectAll().where('family_id', '=', filter.familyId);
    if (filter.memberId) q = q.where('member_id', '=', filter.memberId);
    if (afterId) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** One allowance with a payday due by `today`, locked; rows another replica holds are skipped. */
  async nextDue(trx: Kysely<GoalsDatabase>, familyId: string, today: string): Promise<Allowance | undefined> {
    const row = await trx
      .selectFrom('allowances')
      .selectAll()
      .where('family_id', '=', familyId)
      .where('paused', '=', false)
      .where('next_payday', '<=', today)
      .orderBy('next_payday')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** Records a payday's outcome; false when that payday was already handled. */
  async insertPayment(trx: Kysely<GoalsDatabase>, p: AllowancePayment): Promise<boolean> {
    const inserted = await trx
      .insertInto('allowance_payments')
      .values({
        allowance_id: p.allowanceId,
        payday: p.payday,
        family_id: p.familyId,
        member_id: p.memberId,
        outcome: p.outcome,
        amount_minor: p.amountMinor,
        completion_percent: p.completionPercent,
      })
      .onConflict((oc) => oc.columns(['allowance_id', 'payday']).doNothing())
      .returning('allowance_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
