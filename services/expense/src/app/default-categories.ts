// The explicit step that gives a family its default categories: run by the use cases that need the
// family's categories, never by reading who the caller is. Seeding records itself in this schema in
// the same transaction as the categories, so it happens once per family whatever the number of
// replicas; a family known to be seeded is remembered, so later calls cost nothing.
import { newId } from '@family/db';
import { DEFAULT_CATEGORIES } from '../domain/default.categories.js';
import type { NewCategory } from '../domain/expense.records.js';
import type { CategoriesStore } from '../store/categories.store.js';

export class DefaultCategories {
  private readonly seeded = new Set<string>();
  private readonly inflight = new Map<string, Promise<void>>();
  /** How many times this process seeded a family (tests show it happens once). */
  seedCount = 0;

  constructor(private readonly categories: CategoriesStore) {}

  /** Makes sure the family has had its defaults (idempotent; call outside any transaction). */
  async ensure(familyId: string): Promise<void> {
    if (this.seeded.has(familyId)) return;
    let pending = this.inflight.get(familyId);
    if (!pending) {
      pending = this.seed(familyId).finally(() => this.inflight.delete(familyId));
      this.inflight.set(familyId, pending);
    }
    return pending;
  }

  private async seed(familyId: string): Promise<void> {
    if (await this.categories.seedOnce(familyId, () => defaultsFor(familyId))) this.seedCount++;
    this.seeded.add(familyId);
  }
}

function defaultsFor(familyId: string): NewCategory[] {
  return DEFAULT_CATEGORIES.flatMap((c) => {
    const id = newId();
    return [
      { id, familyId, name: c.name, parentId: null, icon: c.icon, color: '' },
      ...c.children.map((name) => ({ id: newId(), familyId, name, parentId: id, icon: '', color: '' })),
    ];
  });
}
