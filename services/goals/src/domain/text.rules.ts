// Length rules for free text, counted in characters as people see them.
import type { Violations } from '@family/errors';

export function checkText(
  v: Violations,
  field: string,
  value: string,
  { required = false, max }: { required?: boolean; max: number },
): void {
  const length = [...value.trim()].length;
  if (required && length === 0) v.add(field, 'is required');
  else if (length > max) v.add(field, `must be at most ${max} characters`);
}
