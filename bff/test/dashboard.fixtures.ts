// A household with realistic data made through the REST API over plain fetch (the GraphQL suite and
// the dashboard benchmark share it): parents, children with jars, budgets, goals, chores waiting
// for approval and expenses.
import { randomUUID } from 'node:crypto';

export const FIXTURE_PASSWORD = 'correct horse battery';

export interface Person {
  memberId: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export interface DashboardFamily {
  familyId: string;
  owner: Person;
  parents: Person[];
  children: Person[];
}

async function call<T>(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const unique = () => randomUUID().slice(0, 8);

interface SessionBody {
  user: { id: string };
  tokens: { accessToken: string; refreshToken: string };
}

async function registerAdult(baseUrl: string, name: string): Promise<SessionBody> {
  return call<SessionBody>(baseUrl, 'POST', '/v1/auth/register', undefined, {
    email: `${name.toLowerCase()}.${unique()}@example.test`,
    password: FIXTURE_PASSWORD,
    displayName: name,
  });
}

/**
 * A family (EUR, Europe/Berlin) of `parents` parents (the first owns it) and `children` children,
 * each child with jar money, a goal with savings, a submitted chore and a few expenses; two budgets.
 */
export async function dashboardFamily(
  baseUrl: string,
  options: { parents?: number; children?: number; name?: string } = {},
): Promise<DashboardFamily> {
  const { parents = 2, children = 3, name = 'The Garcias' } = options;
  const first = await registerAdult(baseUrl, 'Maria');
  const created = await call<{ family: { id: string }; member: { id: string }; accessToken: string }>(
    baseUrl,
    'POST',
    '/v1/families',
    first.tokens.accessToken,
    { name, currency: 'EUR', timezone: 'Europe/Berlin' },
  );
  const familyId = created.family.id;
  const owner: Person = {
    memberId: created.member.id,
    userId: first.user.id,
    accessToken: created.accessToken,
    refreshToken: first.tokens.refreshToken,
  };
  const base = `/v1/families/${familyId}`;
  const asOwner = <T>(method: string, path: string, body?: unknown) =>
    call<T>(baseUrl, method, `${base}${path}`, owner.accessToken, body);

  const adults: Person[] = [owner];
  for (let i = 1; i < parents; i++) {
    const adult = await registerAdult(baseUrl, `Parent${i}`);
    const invite = await asOwner<{ code: string }>('POST', '/invites', { role: 'PARENT' });
    const joined = await call<{ member: { id: string }; accessToken: string }>(
      baseUrl,
      'POST',
      `/v1/invites/${invite.code}/accept`,
      adult.tokens.accessToken,
    );
    adults.push({
      memberId: joined.member.id,
      userId: adult.user.id,
      accessToken: joined.accessToken,
      refreshToken: adult.tokens.refreshToken,
    });
  }

  const kids: Person[] = [];
  for (let i = 0; i < children; i++) {
    const username = `kid${unique()}${i}`;
    const child = await asOwner<{ id: string }>('POST', '/children', {
      displayName: ['Lucía', 'Mateo', 'Sofía', 'Hugo', 'Martina'][i % 5],
      username,
      password: FIXTURE_PASSWORD,
    });
    const login = await call<SessionBody>(baseUrl, 'POST', '/v1/auth/login', undefined, {
      login: username,
      password: FIXTURE_PASSWORD,
    });
    const kid: Person = {
      memberId: child.id,
      userId: login.user.id,
      accessToken: login.tokens.accessToken,
      refreshToken: login.tokens.refreshToken,
    };
    kids.push(kid);
  }
  // Money and chores once every member exists (the services learn a family's members once, then from its events).
  for (const [i, kid] of kids.entries()) {
    await asOwner('POST', `/members/${kid.memberId}/ledger`, {
      kind: 'DEPOSIT',
      jar: 'SPEND',
      amountMinor: 1500 + 250 * i,
      memo: 'Pocket money',
    });
    await asOwner('POST', `/members/${kid.memberId}/ledger`, {
      kind: 'DEPOSIT',
      jar: 'SAVE',
      amountMinor: 2000 + 500 * i,
      memo: 'Birthday',
    });
    const goal = await call<{ id: string }>(baseUrl, 'POST', `${base}/goals`, kid.accessToken, {
      name: ['Bike', 'Lego set', 'Football boots', 'Headphones', 'Book'][i % 5],
      targetMinor: 8000 + 1000 * i,
    });
    await call(baseUrl, 'POST', `${base}/goals/${goal.id}/contributions`, kid.accessToken, { amountMinor: 500 });
    const chore = await asOwner<{ id: string }>('POST', '/chores', {
      title: ['Tidy room', 'Feed the cat', 'Water plants', 'Set the table', 'Take out bins'][i % 5],
      assigneeMemberId: kid.memberId,
      rewardMinor: 200,
      points: 10,
    });
    await call(baseUrl, 'POST', `${base}/chores/${chore.id}/submit`, kid.accessToken, { note: 'Done!' });
    await call(baseUrl, 'POST', `${base}/expenses`, kid.accessToken, {
      amountMinor: 350 + i * 10,
      description: 'Ice cream',
    });
  }

  for (const [i, description] of ['Groceries', 'Fuel', 'Pharmacy', 'Groceries', 'Cinema'].entries()) {
    await asOwner('POST', '/expenses', { amountMinor: 2000 + 1375 * i, description });
  }
  await asOwner('POST', '/budgets', { name: 'Household', period: 'MONTH', amountMinor: 60000, thresholds: [80, 100] });
  await asOwner('POST', '/budgets', { name: 'Treats', period: 'WEEK', amountMinor: 3000 });

  return { familyId, owner, parents: adults, children: kids };
}

/** Sum of gRPC calls the BFF has made (its /metrics listener at metricsUrl), per method, leaving out key fetches. */
export async function grpcCallsMade(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const calls = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^grpc_client_handling_seconds_count\{([^}]*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!m) continue;
    const method = /method="([^"]+)"/.exec(m[1]!)?.[1] ?? '';
    if (method.endsWith('GetJwks') || method.endsWith('Check')) continue;
    calls.set(method, (calls.get(method) ?? 0) + Number(m[2]));
  }
  return calls;
}

/** The calls made between two readings of grpcCallsMade(). */
export function callsBetween(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const made = new Map<string, number>();
  for (const [method, count] of after) {
    const n = count - (before.get(method) ?? 0);
    if (n > 0) made.set(method, n);
  }
  return made;
}

export const total = (calls: Map<string, number>) => [...calls.values()].reduce((a, b) => a + b, 0);
