// Two regions, each a stack with a database of its own, behind edges that route by the family's
// home region; one global auth service (accounts and the directory of families → regions).
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { callMetadata, createGrpcClient } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { expenseConfigSchema, startExpenseService } from '@family/expense-service';
import { expectGrpcError, freePort, freshDatabase, uniqueName, type FreshDatabase } from '@family/testing';
import {
  EXPENSE_CLIENT_ID,
  EXPENSE_CLIENT_SECRET,
  STACK_SERVICE_CLIENTS,
  startTestAuth,
  startTestBff,
  type AuthStack,
  type TestBff,
} from './bff.harness.js';

interface Region {
  name: string;
  db: FreshDatabase;
  expense: Awaited<ReturnType<typeof startExpenseService>>;
  bff: TestBff;
}

describe('Data residency: two regions behind their edges', function () {
  this.timeout(60_000);
  let auth: AuthStack;
  const regions: Region[] = [];
  let eu: Region;
  let us: Region;

  before(async () => {
    auth = await startTestAuth({ AUTH_SERVICE_CLIENTS: STACK_SERVICE_CLIENTS, REGIONS: 'eu,us', DEFAULT_REGION: 'us' });
    const ports = { eu: await freePort(), us: await freePort() };
    const edges = `eu=http://127.0.0.1:${ports.eu},us=http://127.0.0.1:${ports.us}`;
    for (const name of ['eu', 'us'] as const) {
      const db = await freshDatabase(`region_${name}`);
      const expense = await startExpenseService({
        config: expenseConfigSchema.parse({
          EXPENSE_GRPC_HOST: '127.0.0.1',
          EXPENSE_GRPC_PORT: '0',
          AUTH_GRPC_URL: auth.address,
          AUTH_CLIENT_ID: EXPENSE_CLIENT_ID,
          AUTH_CLIENT_SECRET: EXPENSE_CLIENT_SECRET,
          SCHEDULER_INTERVAL_MS: '0',
          REGION: name,
        }),
        sql: db.sql,
        logger: silentLogger(),
      });
      const bff = await startTestBff(auth, {
        EXPENSE_GRPC_URL: expense.address,
        BFF_PORT: String(ports[name]),
        REGION: name,
        REGION_EDGES: edges,
      });
      regions.push({ name, db, expense, bff });
    }
    [eu, us] = regions as [Region, Region];
  });

  after(async () => {
    for (const r of regions) {
      await r.bff.stop();
      await r.expense.stop();
      await r.db.drop();
    }
    await auth?.stop();
  });

  const rows = (r: Region, table: string, familyId: string) => r.db.familyRows('expense', table, familyId);

  async function parentAt(edge: TestBff, family: Record<string, unknown>) {
    const email = `${uniqueName('res')}@example.com`;
    const reg = await edge
      .http()
      .post('/v1/auth/register')
      .send({ email, password: 'correct horse battery staple', displayName: 'Pat' })
      .expect(201);
    const created = await edge
      .http()
      .post('/v1/families')
      .set('authorization', `Bearer ${reg.body.tokens.accessToken}`)
      .send({ name: 'Müllers', currency: 'EUR', timezone: 'Europe/Berlin', ...family });
    return created;
  }

  it('a family living in Germany is homed in eu: created at the us edge, its expenses live only in eu', async () => {
    const created = await parentAt(us.bff, { country: 'DE' });
    expect(created.status).to.equal(201);
    expect(created.body.family.region).to.equal('eu');
    const familyId: string = created.body.family.id;
    const token: string = created.body.accessToken;

    const expense = await us.bff
      .http()
      .post(`/v1/families/${familyId}/expenses`)
      .set('authorization', `Bearer ${token}`)
      .send({ amountMinor: 4250, description: 'Wochenmarkt' })
      .expect(201);
    expect(expense.headers['x-family-region']).to.equal('eu');
    const listed = await us.bff
      .http()
      .get(`/v1/families/${familyId}/expenses`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(listed.body.items.map((e: { id: string }) => e.id)).to.deep.equal([expense.body.id]);

    expect(await rows(eu, 'expenses', familyId)).to.equal(1);
    expect(await rows(eu, 'families', familyId)).to.equal(1);
    expect(await rows(us, 'expenses', familyId)).to.equal(0);
    expect(await rows(us, 'families', familyId)).to.equal(0);
    expect(await rows(us, 'categories', familyId)).to.equal(0);

    // Called directly, the us service refuses the eu family and stores nothing of it.
    const usClient = createGrpcClient(ExpenseServiceDefinition, us.expense.address);
    await expectGrpcError(
      usClient.createExpense(
        { familyId, amountMinor: 100, description: 'sneaked in', splits: [], tags: [] },
        { metadata: callMetadata({ token }) },
      ),
      Status.FAILED_PRECONDITION,
      'FAMILY_IN_OTHER_REGION',
    );
    await expectGrpcError(
      usClient.listExpenses({ familyId }, { metadata: callMetadata({ token }) }),
      Status.FAILED_PRECONDITION,
      'FAMILY_IN_OTHER_REGION',
    );
    expect(await rows(us, 'families', familyId)).to.equal(0);
    expect(await rows(us, 'expenses', familyId)).to.equal(0);
  });

  it('a family in the us is served by its own edge without a hop; an explicit region wins over the country', async () => {
    const local = await parentAt(us.bff, { country: 'US', currency: 'USD', timezone: 'America/New_York' });
    expect(local.body.family.region).to.equal('us');
    const spent = await us.bff
      .http()
      .post(`/v1/families/${local.body.family.id}/expenses`)
      .set('authorization', `Bearer ${local.body.accessToken}`)
      .send({ amountMinor: 1200, description: 'groceries' })
      .expect(201);
    expect(spent.headers['x-family-region']).to.equal(undefined);
    expect(await rows(us, 'expenses', local.body.family.id)).to.equal(1);
    expect(await rows(eu, 'expenses', local.body.family.id)).to.equal(0);

    const chosen = await parentAt(eu.bff, { country: 'DE', region: 'us' });
    expect(chosen.body.family.region).to.equal('us');
    const fromEu = await eu.bff
      .http()
      .post(`/v1/families/${chosen.body.family.id}/expenses`)
      .set('authorization', `Bearer ${chosen.body.accessToken}`)
      .send({ amountMinor: 300, description: 'stamps' })
      .expect(201);
    expect(fromEu.headers['x-family-region']).to.equal('us');
    expect(await rows(us, 'expenses', chosen.body.family.id)).to.equal(1);
    expect(await rows(eu, 'expenses', chosen.body.family.id)).to.equal(0);
  });

  it('refuses a region the installation does not run, naming the field', async () => {
    const refused = await parentAt(eu.bff, { region: 'mars' });
    expect(refused.status).to.equal(400);
    expect(JSON.stringify(refused.body)).to.contain('region');
    const badCountry = await parentAt(eu.bff, { country: 'Germany' });
    expect(badCountry.status).to.equal(400);
    expect(JSON.stringify(badCountry.body)).to.contain('country');
  });
});
