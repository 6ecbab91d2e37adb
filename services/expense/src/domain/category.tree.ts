// A family's categories as a two-level tree: lookups, subtrees and human paths ("Dining > Cafes").
import { CATEGORY_PATH_SEPARATOR } from './csv.format.js';

export interface CategoryNode {
  id: string;
  name: string;
  parentId: string | null;
  archived: boolean;
}

export class CategoryTree {
  private readonly byId = new Map<string, CategoryNode>();
  private readonly children = new Map<string, string[]>();
  private readonly byPath = new Map<string, string>();

  constructor(nodes: readonly CategoryNode[]) {
    for (const n of nodes) this.byId.set(n.id, n);
    for (const n of nodes) {
      if (n.parentId) this.children.set(n.parentId, [...(this.children.get(n.parentId) ?? []), n.id]);
    }
    for (const n of nodes) this.byPath.set(this.path(n.id).toLowerCase(), n.id);
  }

  get(id: string): CategoryNode | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  hasChildren(id: string): boolean {
    return (this.children.get(id)?.length ?? 0) > 0;
  }

  /** The category and its subcategories. */
  subtree(id: string): string[] {
    return [id, ...(this.children.get(id) ?? [])];
  }

  /** "Parent > Child", or the name of a top-level category. */
  path(id: string): string {
    const n = this.byId.get(id);
    if (!n) return '';
    const parent = n.parentId ? this.byId.get(n.parentId) : undefined;
    return parent ? `${parent.name}${CATEGORY_PATH_SEPARATOR}${n.name}` : n.name;
  }

  /** The category with this path (case-insensitive); a bare child name matches when unambiguous. */
  findByPath(path: string): string | undefined {
    const key = path
      .trim()
      .replace(/\s*>\s*/g, CATEGORY_PATH_SEPARATOR)
      .toLowerCase();
    const exact = this.byPath.get(key);
    if (exact) return exact;
    const matches = [...this.byId.values()].filter((n) => n.name.toLowerCase() === key);
    return matches.length === 1 ? matches[0]!.id : undefined;
  }
}
