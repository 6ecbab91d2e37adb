// A family's base currency and time zone (owned by auth, never changing), cached in memory and kept
// in this schema's `families` table; the first time a family is seen its default categories are
// seeded in the same transaction that records it, so exactly one replica seeds each family.
import type { Kysely } from 'kysely';
import { AppError } from '@family/errors';
import { newId } from '@family/db';
import type { ExpenseDatabase } from '../db/schema.js';
import { DEFAULT_CATEGORIES } from '../domain/default.categories.js';
import type { FamiliesStore } from '../store/families.store.js';
import type { CategoriesStore } from '../store/categories.store.js';
import type { FamilyInfo } from '@family/auth-client';

export interface FamilySettings {
  familyId: string;
  currency: string;
  timezone: string;
}

export class FamilyDirectory {
  private readonly cache = new Map<string, FamilySettings>();
  private readonly inflight = new Map<string, Promise<FamilySettings>>();
  /** How many times auth was asked (tests show the cache works). */
  fetchCount = 0;

  constructor(
    private readonly deps: {
      db: Kysely<ExpenseDatabase>;
      families: FamiliesStore;
      categories: CategoriesStore;
      fetch: (ids: string[]) => Promise<FamilyInfo[]>;
    },
  ) {}

  /** The family's settings; call outside any transaction (it may ask auth and seed categories). */
  async settings(familyId: string): Promise<FamilySettings> {
    const cached = this.cache.get(familyId);
    if (cached) return cached;
    let pending = this.inflight.get(familyId);
    if (!pending) {
      pending = this.load(familyId).finally(() => this.inflight.delete(familyId));
      this.inflight.set(familyId, pending);
    }
    return pending;
  }

  private async load(familyId: string): Promise<FamilySettings> {
    const row = await this.deps.families.byId(familyId);
    if (row) return this.remember({ familyId, currency: row.currency, timezone: row.timezone });
    this.fetchCount++;
    const [info] = await this.deps.fetch([familyId]);
    if (!info) throw AppError.notFound('Family');
    await this.deps.db.transaction().execute(async (trx) => {
      const inserted = await this.deps.families.insertIfAbsent(trx, {
        family_id: familyId,
        currency: info.currency,
        timezone: info.timezone,
      });
      if (inserted) await this.seedCategories(trx, familyId);
    });
    return this.remember({ familyId, currency: info.currency, timezone: info.timezone });
  }

  private remember(s: FamilySettings): FamilySettings {
    this.cache.set(s.familyId, s);
    return s;
  }

  private async seedCategories(trx: Kysely<ExpenseDatabase>, familyId: string): Promise<void> {
    const rows = DEFAULT_CATEGORIES.flatMap((c) => {
      const id = newId();
      return [
        { id, family_id: familyId, name: c.name, parent_id: null, icon: c.icon, color: '' },
        ...c.children.map((name) => ({ id: newId(), family_id: familyId, name, parent_id: id, icon: '', color: '' })),
      ];
    });
    await this.deps.categories.insertMany(trx, rows);
  }
}
