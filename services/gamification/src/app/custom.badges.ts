// Parent-made badges: built by parents from the menu, read by every member. What a badge counts is
// fixed once made; its presentation, members, reward and bonus can change.
import { AppError, charLength, requireUuid } from '@family/errors';
import { newId } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { Actor } from '@family/service-kit';
import { CUSTOM_BADGE_DEFAULT_XP, customAchievementId, customBadgeViolations } from '../domain/custom.badge.rules.js';
import type { ActivityType, CustomBadge, CustomBadgePeriod, Money } from '../domain/gamification.records.js';
import { applyCustomBadgeChange } from '../store/gamification.documents.js';
import type { CustomBadgeChange, Page, Versioned } from '../store/gamification.repository.js';
import type { GamificationDeps } from './gamification.deps.js';
import { pageQuery, UUID_KEYS, type PageInput } from './page.input.js';
import { memberIdsIn } from './progress.reader.js';

export type CustomBadgeView = Versioned<CustomBadge> & { achievementId: string };

export interface CreateCustomBadgeInput {
  title: string;
  description: string;
  icon: string;
  eventType: string;
  count: number;
  period: CustomBadgePeriod;
  categoryId: string;
  goalId: string;
  memberIds: string[];
  reward?: Money | undefined;
  xp?: number | undefined;
}

export interface UpdateCustomBadgeInput {
  expectedVersion: number;
  title?: string | undefined;
  description?: string | undefined;
  icon?: string | undefined;
  memberIds?: string[] | undefined;
  /** null: no reward any more. */
  reward?: Money | null | undefined;
  xp?: number | undefined;
}

const DESCRIPTION_MAX = 500;
const ICON_MAX = 200;

export class CustomBadges {
  constructor(private readonly deps: GamificationDeps) {}

  async create(caller: Caller, familyId: string, input: CreateCustomBadgeInput): Promise<CustomBadgeView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const reward = this.reward(actor, input.reward);
    const draft = {
      title: input.title.trim(),
      eventType: input.eventType as ActivityType,
      count: input.count,
      period: input.period,
      ...(input.categoryId ? { categoryId: requireUuid(input.categoryId, 'categoryId') } : {}),
      ...(input.goalId ? { goalId: requireUuid(input.goalId, 'goalId') } : {}),
      ...(reward ? { reward } : {}),
      xp: input.xp ?? CUSTOM_BADGE_DEFAULT_XP,
    };
    const violations = [...customBadgeViolations(draft), ...textViolations(input)];
    if (violations.length > 0) throw AppError.invalid(violations);
    const memberIds = await memberIdsIn(this.deps, actor, input.memberIds, 'memberIds');
    const badge: CustomBadge = {
      id: newId(),
      familyId: actor.familyId,
      ...draft,
      description: input.description,
      icon: input.icon || 'custom-badge',
      memberIds,
      createdAt: this.deps.clock(),
    };
    return view(await this.deps.store.insertCustomBadge(badge));
  }

  async list(
    caller: Caller,
    familyId: string,
    input: { page?: PageInput | undefined; includeArchived: boolean },
  ): Promise<Page<CustomBadgeView>> {
    const actor = await this.deps.access.actor(caller, familyId);
    const page = await this.deps.store.listCustomBadges(actor.familyId, {
      ...pageQuery(input.page, 'page', { fallback: 50, ids: UUID_KEYS }),
      includeArchived: input.includeArchived,
    });
    return { ...page, items: page.items.map(view) };
  }

  async update(
    caller: Caller,
    familyId: string,
    badgeId: string,
    input: UpdateCustomBadgeInput,
  ): Promise<CustomBadgeView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const current = await this.find(actor, badgeId);
    const change: CustomBadgeChange = {};
    if (input.title !== undefined) change.title = input.title.trim();
    if (input.description !== undefined) change.description = input.description;
    if (input.icon !== undefined) change.icon = input.icon;
    if (input.xp !== undefined) change.xp = input.xp;
    if (input.reward === null) change.reward = null;
    else if (input.reward !== undefined) change.reward = this.reward(actor, input.reward) ?? null;
    if (input.memberIds !== undefined)
      change.memberIds = await memberIdsIn(this.deps, actor, input.memberIds, 'memberIds');
    const merged = applyCustomBadgeChange(current, change);
    const violations = [
      ...customBadgeViolations(merged),
      ...textViolations({ description: merged.description, icon: merged.icon }),
    ];
    if (violations.length > 0) throw AppError.invalid(violations);
    return view(await this.write(actor, badgeId, input.expectedVersion, change, current.version));
  }

  async archive(caller: Caller, familyId: string, badgeId: string, expectedVersion: number): Promise<CustomBadgeView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const current = await this.find(actor, badgeId);
    if (current.archivedAt) return view(current);
    return view(await this.write(actor, badgeId, expectedVersion, { archivedAt: this.deps.clock() }, current.version));
  }

  /** The reward in the family's currency (the only one a jar holds); unset or zero means none. */
  private reward(actor: Actor, reward: Money | undefined): Money | undefined {
    if (!reward || (reward.amountMinor === 0 && !reward.currency)) return undefined;
    const currency = reward.currency || actor.family.currency;
    if (currency !== actor.family.currency) {
      throw AppError.invalidField('reward.currency', `must be the family currency ${actor.family.currency}`);
    }
    return { amountMinor: reward.amountMinor, currency };
  }

  private async write(
    actor: Actor,
    badgeId: string,
    expectedVersion: number,
    change: CustomBadgeChange,
    seenVersion: number,
  ): Promise<Versioned<CustomBadge>> {
    const result = await this.deps.store.updateCustomBadge(actor.familyId, badgeId, expectedVersion, change);
    if (result === undefined) throw AppError.notFound('Badge');
    if (result === 'VERSION_MISMATCH') throw AppError.versionMismatch(seenVersion);
    return result;
  }

  private async find(actor: Actor, badgeId: string): Promise<Versioned<CustomBadge>> {
    const badge = await this.deps.store.customBadge(actor.familyId, requireUuid(badgeId, 'badgeId'));
    if (!badge) throw AppError.notFound('Badge');
    return badge;
  }
}

function view(badge: Versioned<CustomBadge>): CustomBadgeView {
  return { ...badge, achievementId: customAchievementId(badge) };
}

function textViolations(input: { description: string; icon: string }) {
  const violations: { field: string; message: string }[] = [];
  if (charLength(input.description) > DESCRIPTION_MAX) {
    violations.push({ field: 'description', message: `must be at most ${DESCRIPTION_MAX} characters` });
  }
  if (charLength(input.icon) > ICON_MAX)
    violations.push({ field: 'icon', message: `must be at most ${ICON_MAX} characters` });
  return violations;
}
