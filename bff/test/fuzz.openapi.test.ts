// Schema-driven fuzzing of the REST API: loads the running BFF's /openapi.json and sends every
// operation generated bodies, path ids and queries — valid-looking ones and hostile ones (NUL and
// other control characters, lone surrogates, huge strings, wrong types, deep nesting, odd numbers,
// unknown ids) — as the parent and the child of a real family on a real stack, and fails on any 5xx.
// The budget is bounded: FUZZ_RUNS samples per operation and caller (default 2), FUZZ_SEED to replay.
import { expect } from 'chai';
import fc from 'fast-check';
import { childOf, familyWithOwner, startTestStack, type TestStack } from './bff.harness.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}
interface Sent {
  method: string;
  path: string;
  caller: string;
  body?: string | undefined;
}

const RUNS = Number(process.env.FUZZ_RUNS ?? 2);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Bank routes need a bank service; this stack has none, and says so with this 503. */
const DECLARED_UNAVAILABLE = new Set(['BANK_UNAVAILABLE']);

function nested(levels: number): unknown {
  let v: unknown = 'core';
  for (let i = 0; i < levels; i++) v = i % 2 ? { deeper: v } : [v];
  return v;
}

/** Values no field expects. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'text\u0000with a NUL',
    '\u0007\u001b[31m',
    'lone \ud800 surrogate',
    '\udc00',
    '🍕'.repeat(300),
    'x'.repeat(70_000),
    '../../etc/passwd',
    "'; drop table expenses; --",
    '%00',
    '',
    ' ',
    '0190a5c4-0000-7000-8000-000000000000',
    'not-a-uuid',
  ),
  fc.constantFrom(0, -1, -0, 0.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 63)),
  fc.constantFrom(true, false, null, [], {}, [null], { '': '' }, { __proto__: { admin: true } }),
  fc.constantFrom(nested(60), nested(200), nested(1000)),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

/** What a path or query value can be: strings only, some of them hostile. */
const hostileText: fc.Arbitrary<string> = hostile.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));

class Generator {
  constructor(
    private readonly doc: Document,
    private readonly knownIds: string[],
  ) {}

  private resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; s.$ref && i < 20; i++) s = this.doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {};
    return s;
  }

  /** A value that follows the schema (loosely: the API's finer rules are the services'). */
  valid(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
    if (!schema) return fc.constant(undefined);
    const s = this.resolve(schema);
    if (depth > 6) return fc.constant(null);
    if (s.const !== undefined) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives?.length) return fc.oneof(...alternatives.map((a) => this.valid(a, depth + 1)));
    if (s.allOf?.length) return this.valid(s.allOf[0], depth + 1);
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.length > 1) return fc.oneof(...types.map((t) => this.valid({ ...s, type: t }, depth)));
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({
          min: s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -5),
          max: Math.min(s.maximum ?? 100_000, 2 ** 31),
        });
      case 'number':
        return fc.double({ min: s.minimum ?? -5, max: s.maximum ?? 100_000, noNaN: true });
      case 'array':
        return fc.array(this.valid(s.items, depth + 1), { maxLength: 3 });
      case 'object': {
        const props = s.properties ?? {};
        const shape = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, this.valid(v, depth + 1)]));
        return fc.record(shape, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
      }
      case 'string':
      default:
        return this.string(s);
    }
  }

  private string(s: Schema): fc.Arbitrary<string> {
    switch (s.format) {
      case 'uuid':
        return fc.oneof(fc.constantFrom(...this.knownIds), fc.uuid());
      case 'date':
        return fc
          .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      case 'date-time':
        return fc
          .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString());
      case 'email':
        return fc.emailAddress();
      case 'uri':
        return fc.webUrl();
      default:
        break;
    }
    const min = s.minLength ?? 0;
    return fc.oneof(
      fc.constantFrom('EUR', 'USD', 'Europe/Berlin', '2025-03-14', '#4caf50', 'Weekly shop', '1.5'),
      fc.string({ minLength: min, maxLength: Math.max(min, Math.min(s.maxLength ?? 24, 24)) }),
    );
  }

  /** A body: mostly valid-looking, often with one field hostile, sometimes hostile as a whole. */
  body(schema: Schema | undefined): fc.Arbitrary<unknown> {
    const valid = this.valid(schema);
    const s = schema ? this.resolve(schema) : {};
    const keys = Object.keys(s.properties ?? {});
    const oneFieldHostile =
      keys.length === 0
        ? hostile
        : fc
            .tuple(valid, fc.constantFrom(...keys), hostile)
            .map(([v, key, bad]) => ({ ...(v && typeof v === 'object' ? v : {}), [key]: bad }));
    return fc.oneof(
      { arbitrary: valid, weight: 2 },
      { arbitrary: oneFieldHostile, weight: 3 },
      { arbitrary: hostile, weight: 1 },
    );
  }

  param(p: Parameter, real: Record<string, string[]>): fc.Arbitrary<string | undefined> {
    const s = p.schema ? this.resolve(p.schema) : {};
    const reals = real[p.name];
    const valid: fc.Arbitrary<string> = reals
      ? fc.constantFrom(...reals)
      : this.valid(s).map((v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v)));
    if (p.in === 'header') {
      // Header values must be visible ASCII to be sent at all.
      return fc.oneof(
        valid,
        fc.constantFrom('"1"', 'W/"1"', '*', '"999999999999"', 'x'.repeat(300)),
        fc.constant(undefined),
      );
    }
    const options: fc.WeightedArbitrary<string | undefined>[] = [
      { arbitrary: valid, weight: 4 },
      { arbitrary: hostileText, weight: 2 },
    ];
    if (!p.required) options.push({ arbitrary: fc.constant(undefined), weight: 1 });
    return fc.oneof(...options);
  }
}

/** Percent-encodes a path segment; a lone surrogate goes as the (invalid) UTF-8 bytes it would be. */
function encodePathSegment(value: string): string {
  return Array.from(value, (ch) => (/[\ud800-\udfff]/u.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
}

/** Destructive operations last, so the callers' sessions and family live through the rest. */
function order(path: string, method: string): number {
  if (/logout|password/.test(path)) return 4;
  if (method === 'delete' && (path === '/v1/families/{familyId}' || path.endsWith('/members/{memberId}'))) return 4;
  if (method === 'delete') return 2;
  return method === 'get' ? 0 : 1;
}

describe('BFF fuzzing every OpenAPI operation', function () {
  this.timeout(240_000);
  let stack: TestStack;
  let doc: Document;

  before(async () => {
    stack = await startTestStack({ gamification: true, notification: true });
    doc = (await stack.bff.http().get('/openapi.json')).body as Document;
  });
  after(async () => {
    await stack?.stop();
  });

  it('answers no generated or hostile request with a 5xx, as parent, child or anonymous', async () => {
    const owner = await familyWithOwner(stack.bff, 'The Fuzzers');
    const child = await childOf(stack.bff, owner);
    const real: Record<string, string[]> = {
      familyId: [owner.familyId],
      memberId: [owner.memberId, child.memberId],
    };
    const gen = new Generator(doc, [owner.familyId, owner.memberId, child.memberId]);
    const callers = [
      { name: 'parent', token: owner.accessToken },
      { name: 'child', token: child.accessToken },
      { name: 'anonymous', token: undefined },
    ];
    const operations = Object.entries(doc.paths)
      .flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]! })))
      .sort((a, b) => order(a.path, a.method) - order(b.path, b.method));
    expect(operations.length, 'operations in the document').to.be.greaterThan(50);

    const failures: string[] = [];
    let sent = 0;
    for (const [i, { path, method, op }] of operations.entries()) {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const json = content['application/json'];
      const bodyArb: fc.Arbitrary<unknown> = json
        ? gen.body(json.schema)
        : content['text/csv']
          ? fc.oneof(fc.constant('date,amount,description\n2025-03-14,12.50,Lunch\n'), hostileText)
          : fc.constant(undefined);
      const requestArb = fc.record({
        params: fc.tuple(...params.map((p) => gen.param(p, real))),
        body: bodyArb,
      });
      for (const caller of callers) {
        const runs = caller.token ? RUNS : 1;
        const samples = fc.sample(requestArb, { numRuns: runs, seed: SEED + i * 7 + caller.name.length });
        for (const sample of samples) {
          let url = path;
          const query = new URLSearchParams();
          const headers: Record<string, string> = {};
          params.forEach((p, k) => {
            const value = sample.params[k];
            if (value === undefined) return;
            if (p.in === 'path') url = url.replace(`{${p.name}}`, encodePathSegment(value));
            else if (p.in === 'query') query.set(p.name, value);
            else headers[p.name] = value;
          });
          url = url.replace(/\{[^}]+\}/g, 'missing');
          if (query.size > 0) url += `?${query.toString()}`;
          if (caller.token) headers.authorization = `Bearer ${caller.token}`;
          let body: string | undefined;
          if (sample.body !== undefined && method !== 'get') {
            if (json) {
              headers['content-type'] = 'application/json';
              body = JSON.stringify(sample.body);
            } else {
              headers['content-type'] = 'text/csv';
              body = String(sample.body);
            }
          }
          sent++;
          const res = await fetch(`${stack.bff.url}${url}`, {
            method: method.toUpperCase(),
            headers,
            ...(body === undefined ? {} : { body }),
            signal: AbortSignal.timeout(20_000),
          });
          const text = res.headers.get('content-type')?.startsWith('text/event-stream')
            ? (await res.body?.cancel(), '')
            : await res.text();
          if (res.status >= 500) {
            const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? '';
            if (res.status === 503 && DECLARED_UNAVAILABLE.has(code) && /bank|webhooks/.test(path)) continue;
            const what: Sent = { method, path: url.slice(0, 200), caller: caller.name, body: body?.slice(0, 300) };
            failures.push(`${res.status} ${code} ${JSON.stringify(what)}`);
          }
        }
      }
    }
    expect(sent).to.be.greaterThan(operations.length * RUNS);
    expect(
      failures,
      `seed ${SEED}: ${failures.length} answers were 5xx\n${failures.slice(0, 30).join('\n')}`,
    ).to.deep.equal([]);
  });
});
