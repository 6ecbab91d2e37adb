export { PeriodicTask, type PeriodicTaskOptions } from './periodic.task.js';
export { Scopes, type Scope } from './scopes.js';
export { enumCodec, type EnumCodec } from './enum.codec.js';
export { dayFromMessage, requireDayFromMessage, dayToMessage } from './day.message.js';
export { Access, type Actor } from './access.js';
export { FamilyDirectory, type FamilySettings, type FamilySettingsStore } from './family.directory.js';
export { KyselyFamilySettingsStore, createFamiliesTable, familyDirectoryOverAuth } from './family.settings.store.js';
export {
  DEFAULT_REDIS_BOUNDS,
  REDIS_RETRY_AFTER_SECONDS,
  boundedRedisOptions,
  closeRedisWithin,
  redisUnavailable,
  watchRedisReplies,
  within,
  type ClosableRedis,
  type RedisBounds,
} from './redis.bounds.js';
