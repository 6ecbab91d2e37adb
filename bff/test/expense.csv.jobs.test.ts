// A CSV file over the import threshold answers 202 with the job's Location; polling it shows the
// job until it has SUCCEEDED (the expenses are there) or FAILED (every row error, nothing written).
// Smaller files still answer in the call; nobody outside the family, and no other child, sees a job.
import { expect } from 'chai';
import { waitFor } from '@family/testing';
import { expectProblem, familyWithOwner, startTestStack, type FamilyOwner, type TestStack } from './bff.harness.js';
import { allExpenses, bearer, household, type Household } from './expense.fixtures.js';

const SYNC_ROWS = 50;

function csvOf(rows: number, bad: (i: number) => boolean = () => false): string {
  const lines = Array.from(
    { length: rows },
    (_, i) => `2024-03-${String((i % 28) + 1).padStart(2, '0')},${bad(i) ? '1.2.3' : '2.00'},Item ${i}`,
  );
  return `date,amount,description\n${lines.join('\n')}\n`;
}

describe('BFF CSV import jobs', () => {
  let stack: TestStack;
  let home: Household;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;

  before(async () => {
    stack = await startTestStack({ expenseEnv: { CSV_IMPORT_SYNC_ROWS: String(SYNC_ROWS), CSV_IMPORT_POLL_MS: '0' } });
    home = await household(stack.bff, 'The Importers');
    stranger = await familyWithOwner(stack.bff, 'The Outsiders');
  });
  after(async () => {
    await stack?.stop();
  });

  const importCsv = (token: string, csv: string) =>
    bff().http().post(`${home.base}/expenses/import`).auth(token, bearer).set('Content-Type', 'text/csv').send(csv);
  const poll = (token: string, location: string) => bff().http().get(location).auth(token, bearer);
  const finished = (token: string, location: string) =>
    waitFor(
      async () => {
        const r = await poll(token, location);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        return r.body.status === 'SUCCEEDED' || r.body.status === 'FAILED' ? r.body : undefined;
      },
      { timeoutMs: 60_000, what: 'the import job to finish' },
    );

  it('answers a file within the threshold in the call', async () => {
    const r = await importCsv(home.owner.accessToken, csvOf(SYNC_ROWS).replaceAll('Item', 'Small'));
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.include({ importedCount: SYNC_ROWS, dryRun: false });
  });

  it('answers a larger file with 202 and a job that imports every row', async () => {
    const r = await importCsv(home.owner.accessToken, csvOf(180));
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    expect(r.headers.location).to.equal(`${home.base}/expenses/imports/${r.body.id}`);
    expect(r.body).to.include({ status: 'QUEUED', rowCount: 180, createdByMemberId: home.owner.memberId });
    const job = await finished(home.owner.accessToken, r.headers.location!);
    expect(job).to.include({ status: 'SUCCEEDED', importedCount: 180, duplicatesSkipped: 0 });
    expect(job.finishedAt).to.be.a('string');
    const items = await allExpenses(bff(), home, home.owner.accessToken);
    expect(items.filter((e) => e.description.startsWith('Item '))).to.have.length(180);
  });

  it('fails a larger file with bad rows with every row error and writes nothing', async () => {
    const before = (await allExpenses(bff(), home, home.owner.accessToken)).length;
    const r = await importCsv(
      home.owner.accessToken,
      csvOf(120, (i) => i === 0 || i === 99).replaceAll('Item', 'Broken'),
    );
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    const job = await finished(home.owner.accessToken, r.headers.location!);
    expect(job).to.include({ status: 'FAILED', importedCount: 0 });
    expect(job.errors.map((e: { line: number; field: string }) => [e.line, e.field])).to.deep.equal([
      [2, 'amount'],
      [101, 'amount'],
    ]);
    expect(await allExpenses(bff(), home, home.owner.accessToken)).to.have.length(before);
  });

  it('shows a job to nobody outside the family and to no child who did not submit it', async () => {
    const r = await importCsv(home.owner.accessToken, csvOf(60).replaceAll('Item', 'Private'));
    expect(r.status).to.equal(202);
    const location = r.headers.location!;
    expectProblem(await poll(stranger.accessToken, location), 404);
    expectProblem(
      await poll(stranger.accessToken, `/v1/families/${stranger.familyId}/expenses/imports/${r.body.id}`),
      404,
    );
    expectProblem(await poll(home.child.accessToken, location), 404);
    expectProblem(await poll(home.owner.accessToken, `${home.base}/expenses/imports/not-an-id`), 400);
    await finished(home.owner.accessToken, location);
  });
});
