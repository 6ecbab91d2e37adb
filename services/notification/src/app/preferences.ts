// The caller's delivery preferences (defaults filled in) and parents' settings per child.
import { AppError, Violations, requireUuid } from '@family/errors';
import { PARENT_ROLES, requireMembership, requireUser, type Caller } from '@family/grpc-kit';
import type { MemberDirectory } from '@family/auth-client';
import type { FamilyRoster } from './family.roster.js';
import {
  CATEGORIES,
  CHANNELS,
  CHILD_NEWS_CATEGORIES,
  type Category,
  type Channel,
  type ChannelSetting,
  type ChildNewsSettings,
  type ChildSettings,
  type Preferences,
  type QuietHours,
} from '../domain/notification.types.js';
import { fillSettings, pairKey } from '../domain/preference.defaults.js';
import { isHhMm, isTimeZone } from '../domain/quiet.hours.js';
import type {
  PreferencesStore,
  StoredChildNews,
  StoredChildSettings,
  StoredPreferences,
} from '../store/preferences.store.js';

export interface SettingInput {
  category: Category | undefined;
  channel: Channel | undefined;
  enabled: boolean;
}

export interface PreferencesInput {
  settings: SettingInput[];
  quietHours?: QuietHours;
  dailyDigest: boolean;
  urgentOverride: boolean;
}

const QUIET_OFF: QuietHours = { enabled: false, start: '', end: '', timezone: '' };

/** Never-set preferences: defaults everywhere, no quiet hours, no digest, urgent may interrupt. */
export function defaultPreferences(): Preferences {
  return { settings: fillSettings({}), quietHours: QUIET_OFF, dailyDigest: false, urgentOverride: true };
}

export function toPreferences(stored: StoredPreferences | undefined): Preferences {
  if (!stored) return defaultPreferences();
  return {
    settings: fillSettings(stored.overrides),
    quietHours: stored.quietHours,
    dailyDigest: stored.dailyDigest,
    urgentOverride: stored.urgentOverride,
    updatedAt: stored.updatedAt,
  };
}

function overridesFrom(
  settings: SettingInput[],
  v: Violations,
  categories: readonly Category[] = CATEGORIES,
): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  settings.forEach((s, i) => {
    v.check(
      !!s.category && categories.includes(s.category),
      `settings.${i}.category`,
      categories === CATEGORIES ? 'must be a category' : `must be one of ${categories.join(', ')}`,
    );
    v.check(!!s.channel && CHANNELS.includes(s.channel), `settings.${i}.channel`, 'must be a channel');
    if (s.category && s.channel) out[pairKey(s.category, s.channel)] = s.enabled;
  });
  return out;
}

export class PreferencesUseCases {
  constructor(
    private readonly store: PreferencesStore,
    private readonly members: MemberDirectory,
    private readonly roster: FamilyRoster,
    private readonly clock: () => Date,
  ) {}

  async get(caller: Caller): Promise<Preferences> {
    const user = requireUser(caller);
    return toPreferences(await this.store.get(user.userId));
  }

  async update(caller: Caller, input: PreferencesInput): Promise<Preferences> {
    const user = requireUser(caller);
    const v = new Violations();
    const overrides = overridesFrom(input.settings, v);
    let quietHours = QUIET_OFF;
    if (input.quietHours) {
      const q = input.quietHours;
      if (q.enabled) {
        v.check(isHhMm(q.start), 'quietHours.start', 'must be HH:MM (24-hour)');
        v.check(isHhMm(q.end), 'quietHours.end', 'must be HH:MM (24-hour)');
      }
      v.check(!q.timezone || isTimeZone(q.timezone), 'quietHours.timezone', 'must be an IANA time zone');
      quietHours = { enabled: q.enabled, start: q.start, end: q.end, timezone: q.timezone };
    }
    v.throwIfAny();
    const stored: StoredPreferences = {
      overrides,
      quietHours,
      dailyDigest: input.dailyDigest,
      urgentOverride: input.urgentOverride,
      updatedAt: this.clock().toISOString(),
    };
    // The digest finds a user's families in this service's member copy: make sure it has them.
    if (stored.dailyDigest) await this.roster.ensure([...user.memberships.keys()]);
    await this.store.put(user.userId, stored);
    return toPreferences(stored);
  }

  /** A parent (OWNER/PARENT) of the family, looking at one of its children. */
  private async parentOfChild(caller: Caller, familyId: string, memberId: string) {
    const fid = requireUuid(familyId, 'familyId');
    const mid = requireUuid(memberId, 'memberId');
    const membership = requireMembership(caller, fid, PARENT_ROLES);
    const user = requireUser(caller);
    const member = await this.members.find(fid, mid, user.token);
    if (!member) throw AppError.notFound('Member');
    if (member.role !== 'CHILD') throw AppError.invalidField('memberId', 'must be a child of this family');
    return { familyId: fid, memberId: mid, parentMemberId: membership.memberId };
  }

  async getChild(caller: Caller, familyId: string, memberId: string): Promise<ChildSettings> {
    const at = await this.parentOfChild(caller, familyId, memberId);
    return childSettings(at.memberId, await this.store.getChild(at.familyId, at.memberId));
  }

  async updateChild(
    caller: Caller,
    familyId: string,
    memberId: string,
    input: { settings: SettingInput[] },
  ): Promise<ChildSettings> {
    const at = await this.parentOfChild(caller, familyId, memberId);
    const v = new Violations();
    const overrides = overridesFrom(input.settings, v);
    v.throwIfAny();
    const stored: StoredChildSettings = {
      overrides,
      updatedByMemberId: at.parentMemberId,
      updatedAt: this.clock().toISOString(),
    };
    await this.store.putChild(at.familyId, at.memberId, stored);
    return childSettings(at.memberId, stored);
  }

  /** What the calling parent hears about one child. */
  async getChildNews(caller: Caller, familyId: string, memberId: string): Promise<ChildNewsSettings> {
    const at = await this.parentOfChild(caller, familyId, memberId);
    const stored = await this.store.getChildNews(at.familyId, at.parentMemberId, [at.memberId]);
    return childNews(at.memberId, at.parentMemberId, stored.get(at.memberId));
  }

  async updateChildNews(
    caller: Caller,
    familyId: string,
    memberId: string,
    input: { settings: SettingInput[]; smsEscalation: boolean },
  ): Promise<ChildNewsSettings> {
    const at = await this.parentOfChild(caller, familyId, memberId);
    const v = new Violations();
    const overrides = overridesFrom(input.settings, v, CHILD_NEWS_CATEGORIES);
    v.throwIfAny();
    const stored: StoredChildNews = {
      overrides,
      smsEscalation: input.smsEscalation,
      updatedAt: this.clock().toISOString(),
    };
    await this.store.putChildNews(at.familyId, at.parentMemberId, at.memberId, stored);
    return childNews(at.memberId, at.parentMemberId, stored);
  }
}

const allowed = () => true;

/** A child's settings: every pair allowed unless a parent turned it off. */
export function childSettings(memberId: string, stored: StoredChildSettings | undefined): ChildSettings {
  const settings: ChannelSetting[] = fillSettings(stored?.overrides ?? {}, allowed);
  return {
    memberId,
    settings,
    updatedByMemberId: stored?.updatedByMemberId ?? '',
    ...(stored?.updatedAt ? { updatedAt: stored.updatedAt } : {}),
  };
}

/** A parent's news about a child: every pair on unless the parent turned it off; no SMS escalation. */
export function childNews(
  memberId: string,
  parentMemberId: string,
  stored: StoredChildNews | undefined,
): ChildNewsSettings {
  return {
    memberId,
    parentMemberId,
    settings: fillSettings(stored?.overrides ?? {}, allowed, CHILD_NEWS_CATEGORIES),
    smsEscalation: stored?.smsEscalation ?? false,
    ...(stored?.updatedAt ? { updatedAt: stored.updatedAt } : {}),
  };
}
