// Everything the gamification use cases need, built once by the composition root.
import type { Access, FamilyDirectory } from '@family/service-kit';
import type { GamificationCatalog } from '../domain/badge.catalog.js';
import type { GamificationRepository } from '../store/gamification.repository.js';

export interface GamificationDeps {
  store: GamificationRepository;
  access: Access;
  families: FamilyDirectory;
  catalog: GamificationCatalog;
  clock: () => Date;
}
