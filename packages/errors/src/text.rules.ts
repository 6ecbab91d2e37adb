// The one text rule at every boundary: no control characters (C0; tab, newline and carriage return
// only where a field allows several lines), no invalid Unicode (a lone surrogate), and lengths
// counted in characters (code points), not UTF-16 units. Postgres refuses NUL outright, and no
// name, note or pattern a family writes needs the others.

export interface TextRule {
  /** Tab, line feed and carriage return are allowed (notes, CSV text). */
  multiline?: boolean;
}

// eslint-disable-next-line no-control-regex
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const MULTILINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
// With the u flag a surrogate range matches only surrogates that are not part of a pair.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Why a text breaks the rule (a message for its field), or undefined when it is fine. */
export function textProblem(value: string, rule: TextRule = {}): string | undefined {
  if ((rule.multiline ? MULTILINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).test(value)) {
    return rule.multiline
      ? 'must not contain control characters other than tab and line breaks'
      : 'must not contain control characters or line breaks';
  }
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (no lone surrogates)';
  return undefined;
}

/** Length in characters (code points): an emoji counts once, as a person would count it. */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/**
 * Every string inside a decoded message or parsed JSON value that breaks the rule, by camelCase
 * path ("splits.0.description"). Walks without recursion; byte arrays are not text.
 */
export function textViolationsIn(
  value: unknown,
  rule: TextRule = { multiline: true },
  root = '',
): { field: string; message: string }[] {
  const found: { field: string; message: string }[] = [];
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v, rule);
      if (problem) found.push({ field: path || 'body', message: problem });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: path ? `${path}.${i}` : String(i) }));
    } else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date)) {
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
        const keyProblem = textProblem(key, { multiline: false });
        if (keyProblem) found.push({ field: path || 'body', message: `has a key that ${keyProblem}` });
        stack.push({ value: item, path: path ? `${path}.${key}` : key });
      }
    }
  }
  return found.reverse();
}
