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

// Either of the above may be present: a text without any of these characters needs no closer look.
// (Without the u flag a surrogate range matches every surrogate, paired or not.)
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u001f\ud800-\udfff]/;

/** Why a text breaks the rule (a message for its field), or undefined when it is fine. */
export function textProblem(value: string, rule: TextRule = {}): string | undefined {
  if (!SUSPECT.test(value)) return undefined;
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

/** Where a container sits, so that a path is spelled out only for a violation. */
interface Place {
  parent: Place | undefined;
  key: string;
}

/** A container being walked: its keys (arrays: none, the index is the key) and the next to visit. */
interface Frame {
  container: object;
  keys: string[] | undefined;
  size: number;
  next: number;
  place: Place | undefined;
}

const isContainer = (v: unknown): v is object =>
  v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date);

/**
 * Every string inside a decoded message or parsed JSON value that breaks the rule, by camelCase
 * path ("splits.0.description"), in document order. Walks without recursion; byte arrays are not
 * text.
 */
export function textViolationsIn(
  value: unknown,
  rule: TextRule = { multiline: true },
  root = '',
): { field: string; message: string }[] {
  const found: { field: string; message: string }[] = [];
  const pathOf = (place: Place | undefined) => {
    const keys: string[] = [];
    for (let p = place; p; p = p.parent) keys.push(p.key);
    let path = root;
    for (let i = keys.length - 1; i >= 0; i--) path = path ? `${path}.${keys[i]}` : keys[i]!;
    return path || 'body';
  };
  if (!isContainer(value)) {
    const problem = typeof value === 'string' ? textProblem(value, rule) : undefined;
    if (problem) found.push({ field: root || 'body', message: problem });
    return found;
  }
  const frameOf = (container: object, place: Place | undefined): Frame => {
    const keys = Array.isArray(container) ? undefined : Object.keys(container);
    return { container, keys, size: keys ? keys.length : (container as unknown[]).length, next: 0, place };
  };
  const stack: Frame[] = [frameOf(value, undefined)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.size) {
      stack.pop();
      continue;
    }
    const i = frame.next++;
    let item: unknown;
    if (frame.keys) {
      const key = frame.keys[i]!;
      const keyProblem = textProblem(key, { multiline: false });
      if (keyProblem) found.push({ field: pathOf(frame.place), message: `has a key that ${keyProblem}` });
      item = (frame.container as Record<string, unknown>)[key];
    } else item = (frame.container as unknown[])[i];
    if (typeof item === 'string') {
      const problem = textProblem(item, rule);
      if (problem)
        found.push({ field: pathOf({ parent: frame.place, key: frame.keys?.[i] ?? String(i) }), message: problem });
    } else if (isContainer(item)) {
      stack.push(frameOf(item, { parent: frame.place, key: frame.keys?.[i] ?? String(i) }));
    }
  }
  return found;
}
