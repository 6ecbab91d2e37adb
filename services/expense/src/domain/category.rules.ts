// Categories form two levels: top-level categories and their children.
import { AppError, type Violations, charLength } from '@family/errors';

export function checkCategoryName(v: Violations, field: string, name: string): void {
  const n = name.trim();
  v.check(charLength(n) >= 1 && charLength(n) <= 60, field, 'must be 1-60 characters');
}

export function checkColor(v: Violations, field: string, color: string): void {
  v.check(color === '' || /^#[0-9a-fA-F]{6}$/.test(color), field, 'must be a #rrggbb color');
}

export function checkIcon(v: Violations, field: string, icon: string): void {
  v.check(charLength(icon) <= 40, field, 'must be at most 40 characters');
}

/** A parent must itself be top-level, and a category with children cannot become a child. */
export function assertCanNest(
  category: { id: string; hasChildren: boolean } | undefined,
  parent: { id: string; parentId: string | null },
): void {
  if (category && parent.id === category.id) throw AppError.invalidField('parentId', 'cannot be the category itself');
  if (parent.parentId) throw AppError.invalidField('parentId', 'must be a top-level category (two levels at most)');
  if (category?.hasChildren) {
    throw AppError.invalidField('parentId', 'a category with subcategories cannot become a subcategory');
  }
}
