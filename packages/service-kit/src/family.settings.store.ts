// The family-settings copy every service keeps in its own schema: table `families` (family_id,
// currency, timezone), created by the service's migrations with createFamiliesTable.
import { sql, type Kysely } from 'kysely';
import { MemberDirectory, type AuthGateway } from '@family/auth-client';
import { FamilyDirectory, type FamilySettings, type FamilySettingsStore } from './family.directory.js';

interface FamiliesTable {
  family_id: string;
  currency: string;
  timezone: string;
}

interface FamiliesDatabase {
  families: FamiliesTable;
}

/** Creates the `families` table (idempotent); for a service's first migration. */
export async function createFamiliesTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('families')
    .ifNotExists()
    .addColumn('family_id', 'uuid', (c) => c.primaryKey())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export class KyselyFamilySettingsStore implements FamilySettingsStore {
  private readonly db: Kysely<FamiliesDatabase>;

  constructor(db: Kysely<any>) {
    this.db = db as Kysely<FamiliesDatabase>;
  }

  async find(familyId: string): Promise<FamilySettings | undefined> {
    const row = await this.db
      .selectFrom('families')
      .select(['family_id', 'currency', 'timezone'])
      .where('family_id', '=', familyId)
      .executeTakeFirst();
    return row && { familyId: row.family_id, currency: row.currency, timezone: row.timezone };
  }

  async record(s: FamilySettings): Promise<boolean> {
    const row = await this.db
      .insertInto('families')
      .values({ family_id: s.familyId, currency: s.currency, timezone: s.timezone })
      .onConflict((oc) => oc.column('family_id').doNothing())
      .returning('family_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async all(): Promise<FamilySettings[]> {
    const rows = await this.db
      .selectFrom('families')
      .select(['family_id', 'currency', 'timezone'])
      .orderBy('family_id')
      .execute();
    return rows.map((r) => ({ familyId: r.family_id, currency: r.currency, timezone: r.timezone }));
  }
}

/** The directory every service builds: settings in its own `families` table, members from auth. */
export function familyDirectoryOverAuth(
  db: Kysely<any>,
  auth: AuthGateway,
  memberCacheMs: number,
  region?: string,
): FamilyDirectory {
  return new FamilyDirectory({
    store: new KyselyFamilySettingsStore(db),
    fetchFamilies: (ids) => auth.families(ids),
    members: new MemberDirectory((familyId, token) => auth.members(familyId, token), memberCacheMs),
    region,
  });
}
