// What a service knows of a family that auth owns: its settings (base currency and time zone, which
// never change) and its members. Settings are cached in memory and kept in the service's own
// `families` table (so schedulers know every family's zone without a call); members are cached for a
// while. Member and family events drop what is cached. Nothing else is written: seeding a family's
// defaults is each service's own, explicit step.
import { AppError } from '@family/errors';
import type { FamilyInfo, MemberDirectory, MemberInfo } from '@family/auth-client';

export interface FamilySettings {
  familyId: string;
  currency: string;
  timezone: string;
}

/** The service's copy of family settings (see KyselyFamilySettingsStore). */
export interface FamilySettingsStore {
  find(familyId: string): Promise<FamilySettings | undefined>;
  /** Records the settings unless present; true when this call recorded them. */
  record(settings: FamilySettings): Promise<boolean>;
  all(): Promise<FamilySettings[]>;
}

/** Event types after which cached members of the family are stale. */
const MEMBER_EVENTS = new Set(['member.joined', 'member.removed', 'member.role_changed']);

export class FamilyDirectory {
  private readonly cache = new Map<string, FamilySettings>();
  private readonly inflight = new Map<string, Promise<FamilySettings>>();
  /** How many times auth was asked for settings (tests show the cache works). */
  fetchCount = 0;

  constructor(
    private readonly deps: {
      store: FamilySettingsStore;
      fetchFamilies: (ids: string[]) => Promise<FamilyInfo[]>;
      members: MemberDirectory;
      /** This service's region: families homed elsewhere are refused, and nothing of theirs stored. */
      region?: string | undefined;
    },
  ) {}

  /** The family's settings; unknown to auth → NOT_FOUND. Call outside any transaction. */
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

  /** Every family this service has recorded (a scheduler's work list). */
  async known(): Promise<FamilySettings[]> {
    const all = await this.deps.store.all();
    for (const s of all) this.cache.set(s.familyId, s);
    return all;
  }

  /** The family's members (id → member), as the calling user may see them. */
  members(familyId: string, token: string): Promise<Map<string, MemberInfo>> {
    return this.deps.members.members(familyId, token);
  }

  /** The member, or undefined when the id is not a member of the family. */
  member(familyId: string, memberId: string, token: string): Promise<MemberInfo | undefined> {
    return this.deps.members.find(familyId, memberId, token);
  }

  /** Drops what is cached about a family's members after an event that changed them. */
  handleEvent(event: { type: string; familyId: string }): void {
    if (MEMBER_EVENTS.has(event.type)) this.deps.members.forget(event.familyId);
  }

  private async load(familyId: string): Promise<FamilySettings> {
    const stored = await this.deps.store.find(familyId);
    if (stored) return this.remember(stored);
    this.fetchCount++;
    const [info] = await this.deps.fetchFamilies([familyId]);
    if (!info) throw AppError.notFound('Family');
    const region = this.deps.region;
    if (region && info.region && info.region !== region) {
      throw AppError.precondition(
        'FAMILY_IN_OTHER_REGION',
        `This family's data is kept in the ${info.region} region, not in ${region}`,
        { region: info.region },
      );
    }
    const settings = { familyId, currency: info.currency, timezone: info.timezone };
    await this.deps.store.record(settings);
    return this.remember(settings);
  }

  private remember(s: FamilySettings): FamilySettings {
    this.cache.set(s.familyId, s);
    return s;
  }
}
