// The gamification service: its domain (for handlers, stores and tests), config and composition root.
export * from './domain/gamification.records.js';
export * from './domain/activity.order.js';
export * from './domain/level.curve.js';
export * from './domain/xp.rules.js';
export * from './domain/streak.rules.js';
export * from './domain/period.counter.js';
export * from './domain/badge.catalog.js';
export * from './domain/badge.rules.js';
export * from './domain/mission.rules.js';
export * from './domain/custom.badge.rules.js';
export * from './domain/quest.rules.js';
export * from './domain/leaderboard.rules.js';
export * from './domain/limit.week.rules.js';
export * from './domain/progress.rules.js';
export * from './domain/progress.view.js';
export { gamificationConfigSchema, type GamificationConfig } from './config.js';
export { startGamificationService, type RunningGamificationService } from './service.js';
export type { GamificationRepository } from './store/gamification.repository.js';
