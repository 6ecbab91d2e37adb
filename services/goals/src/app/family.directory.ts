// A family's currency and time zone (owned by auth, never changing): cached in memory and kept in this
// schema's `families` table, so the scheduler knows every family's time zone without a call.
import { AppError } from '@family/errors';
import type { FamiliesStore } from '../store/families.store.js';
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
    private readonly families: FamiliesStore,
    private readonly fetch: (ids: string[]) => Promise<FamilyInfo[]>,
  ) {}

  /** The family's settings; call outside any transaction (it may ask auth and record the family). */
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

  /** Every family this service has seen (the scheduler's work list). */
  async known(): Promise<FamilySettings[]> {
    const rows = await this.families.all();
    return rows.map((r) => this.remember({ familyId: r.family_id, currency: r.currency, timezone: r.timezone }));
  }

  private async load(familyId: string): Promise<FamilySettings> {
    const row = await this.families.byId(familyId);
    if (row) return this.remember({ familyId, currency: row.currency, timezone: row.timezone });
    this.fetchCount++;
    const [info] = await this.fetch([familyId]);
    if (!info) throw AppError.notFound('Family');
    await this.families.insertIfAbsent({ family_id: familyId, currency: info.currency, timezone: info.timezone });
    return this.remember({ familyId, currency: info.currency, timezone: info.timezone });
  }

  private remember(s: FamilySettings): FamilySettings {
    this.cache.set(s.familyId, s);
    return s;
  }
}
