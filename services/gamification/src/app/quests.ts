// Family quests: parents set them, every member reads them; progress comes only from events.
import { AppError, charLength, requireUuid } from '@family/errors';
import { newId } from '@family/db';
import type { Caller } from '@family/grpc-kit';
import type { Actor } from '@family/service-kit';
import { dayIn, type Day } from '@family/service-kit/calendar';
import type { ActivityType, Quest, QuestMeasure, QuestStatus } from '../domain/gamification.records.js';
import { questStatus, questViolations } from '../domain/quest.rules.js';
import type { Page, QuestChange, Versioned } from '../store/gamification.repository.js';
import type { GamificationDeps } from './gamification.deps.js';
import { pageQuery, UUID_KEYS, type PageInput } from './page.input.js';
import { memberIdsIn } from './progress.reader.js';

export type QuestView = Versioned<Quest> & { status: QuestStatus; currency: string };

export interface CreateQuestInput {
  title: string;
  description: string;
  measure: QuestMeasure;
  eventType: string;
  categoryId: string;
  goalId: string;
  target: number;
  memberIds: string[];
  startsOn?: Day | undefined;
  endsOn?: Day | undefined;
}

export interface UpdateQuestInput {
  expectedVersion: number;
  title?: string | undefined;
  description?: string | undefined;
  target?: number | undefined;
  endsOn?: Day | undefined;
  memberIds?: string[] | undefined;
}

const DESCRIPTION_MAX = 500;

export class Quests {
  constructor(private readonly deps: GamificationDeps) {}

  async create(caller: Caller, familyId: string, input: CreateQuestInput): Promise<QuestView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const now = this.deps.clock();
    const startsOn = input.startsOn ?? dayIn(actor.family.timezone, now);
    if (!input.endsOn) throw AppError.invalidField('endsOn', 'is required');
    const draft = {
      title: input.title.trim(),
      measure: input.measure,
      eventType: input.eventType as ActivityType,
      target: input.target,
      startsOn,
      endsOn: input.endsOn,
    };
    const violations = questViolations(draft);
    if (charLength(input.description) > DESCRIPTION_MAX) {
      violations.push({ field: 'description', message: `must be at most ${DESCRIPTION_MAX} characters` });
    }
    if (violations.length > 0) throw AppError.invalid(violations);
    const memberIds = await memberIdsIn(this.deps, actor, input.memberIds, 'memberIds');
    const quest: Quest = {
      id: newId(),
      familyId: actor.familyId,
      ...draft,
      description: input.description,
      ...(input.categoryId ? { categoryId: requireUuid(input.categoryId, 'categoryId') } : {}),
      ...(input.goalId ? { goalId: requireUuid(input.goalId, 'goalId') } : {}),
      memberIds,
      progress: 0,
      contributions: {},
      createdAt: now,
    };
    return this.view(actor, await this.deps.store.insertQuest(quest));
  }

  async list(
    caller: Caller,
    familyId: string,
    input: { page?: PageInput | undefined; includeArchived: boolean },
  ): Promise<Page<QuestView>> {
    const actor = await this.deps.access.actor(caller, familyId);
    const page = await this.deps.store.listQuests(actor.familyId, {
      ...pageQuery(input.page, 'page', { fallback: 50, ids: UUID_KEYS }),
      includeArchived: input.includeArchived,
    });
    return { ...page, items: page.items.map((q) => this.view(actor, q)) };
  }

  async get(caller: Caller, familyId: string, questId: string): Promise<QuestView> {
    const actor = await this.deps.access.actor(caller, familyId);
    return this.view(actor, await this.find(actor, questId));
  }

  async update(caller: Caller, familyId: string, questId: string, input: UpdateQuestInput): Promise<QuestView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const current = await this.find(actor, questId);
    const change: QuestChange = {};
    if (input.title !== undefined) change.title = input.title.trim();
    if (input.description !== undefined) {
      if (charLength(input.description) > DESCRIPTION_MAX) {
        throw AppError.invalidField('description', `must be at most ${DESCRIPTION_MAX} characters`);
      }
      change.description = input.description;
    }
    if (input.target !== undefined) change.target = input.target;
    if (input.endsOn !== undefined) change.endsOn = input.endsOn;
    if (input.memberIds !== undefined)
      change.memberIds = await memberIdsIn(this.deps, actor, input.memberIds, 'memberIds');
    const violations = questViolations({ ...current, ...change });
    if (violations.length > 0) throw AppError.invalid(violations);
    return this.view(actor, await this.write(actor, questId, input.expectedVersion, change, current.version));
  }

  async archive(caller: Caller, familyId: string, questId: string, expectedVersion: number): Promise<QuestView> {
    const actor = await this.deps.access.parent(caller, familyId);
    const current = await this.find(actor, questId);
    if (current.archivedAt) return this.view(actor, current);
    return this.view(
      actor,
      await this.write(actor, questId, expectedVersion, { archivedAt: this.deps.clock() }, current.version),
    );
  }

  private async write(
    actor: Actor,
    questId: string,
    expectedVersion: number,
    change: QuestChange,
    seenVersion: number,
  ): Promise<Versioned<Quest>> {
    const result = await this.deps.store.updateQuest(actor.familyId, questId, expectedVersion, change);
    if (result === undefined) throw AppError.notFound('Quest');
    if (result === 'VERSION_MISMATCH') throw AppError.versionMismatch(seenVersion);
    return result;
  }

  private async find(actor: Actor, questId: string): Promise<Versioned<Quest>> {
    const quest = await this.deps.store.quest(actor.familyId, requireUuid(questId, 'questId'));
    if (!quest) throw AppError.notFound('Quest');
    return quest;
  }

  private view(actor: Actor, quest: Versioned<Quest>): QuestView {
    const today = dayIn(actor.family.timezone, this.deps.clock());
    return { ...quest, status: questStatus(quest, today), currency: actor.family.currency };
  }
}
