import { expect } from 'chai';
import type { CallContext } from 'nice-grpc';
import { ExpenseServiceDefinition } from '@family/contracts/expense/v1/expense';
import { AppError } from '@family/errors';
import { createGrpcServer, type GrpcServer } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { partialImplementation, waitFor } from '@family/testing';
import {
  expectInvalidField,
  expectProblem,
  familyWithOwner,
  startTestBff,
  startTestStack,
  type FamilyOwner,
  type TestBff,
  type TestStack,
} from './bff.harness.js';
import {
  allExpenses,
  bearer,
  category,
  household,
  recordExpense,
  type ExpenseBody,
  type Household,
} from './expense.fixtures.js';

const HEADER =
  'date,amount,currency,base_amount,base_currency,description,merchant,category,tags,note,member_id,source,flagged,id,splits';

/** The data rows of an exported file (none of the test data has line breaks inside a cell). */
function rowsOf(csv: string): string[] {
  const lines = csv.split('\r\n').filter(Boolean);
  expect(lines[0]).to.equal(HEADER);
  return lines.slice(1);
}

/** What a round trip must keep of an expense. */
function essentials(e: ExpenseBody) {
  return {
    memberId: e.memberId,
    occurredOn: e.occurredOn,
    amountMinor: e.amountMinor,
    currency: e.currency,
    baseAmountMinor: e.baseAmountMinor,
    description: e.description,
    merchant: e.merchant,
    categoryId: e.categoryId,
    tags: [...e.tags].sort(),
    note: e.note,
    splits: e.splits,
  };
}

describe('BFF CSV export and import', () => {
  let stack: TestStack;
  let home: Household;
  let stranger: FamilyOwner;
  const bff = () => stack.bff;

  before(async () => {
    stack = await startTestStack();
    home = await household(stack.bff, 'The Bookkeepers');
    stranger = await familyWithOwner(stack.bff, 'The Strangers');
  });
  after(async () => {
    await stack?.stop();
  });

  const exportCsv = (token: string, query: Record<string, string> = {}, base = home.base) =>
    bff().http().get(`${base}/expenses.csv`).query(query).auth(token, bearer);
  const importCsv = (token: string, csv: string, query: Record<string, string> = {}, base = home.base) =>
    bff()
      .http()
      .post(`${base}/expenses/import`)
      .query(query)
      .auth(token, bearer)
      .set('Content-Type', 'text/csv')
      .send(csv);

  describe('with a few expenses', () => {
    let recorded: ExpenseBody[];
    before(async () => {
      const parent = home.owner.accessToken;
      const supermarket = await category(bff(), home, 'Supermarket', 'Groceries');
      const bakery = await category(bff(), home, 'Bakery', 'Groceries');
      await bff().http().put(`${home.base}/fx-rates/USD`).auth(parent, bearer).send({ rate: '0.9' });
      recorded = [
        await recordExpense(bff(), home, parent, {
          amountMinor: 1250,
          occurredOn: '2025-03-01',
          description: 'Shop, "big" one',
          merchant: 'Rewe',
          categoryId: supermarket.id,
          tags: ['food', 'weekly'],
          note: '=SUM(A1) is not a formula',
        }),
        await recordExpense(bff(), home, parent, {
          amountMinor: 3000,
          occurredOn: '2025-03-02',
          description: 'Market',
          splits: [
            { categoryId: supermarket.id, amountMinor: 1000 },
            { categoryId: bakery.id, amountMinor: 2000 },
          ],
        }),
        await recordExpense(bff(), home, parent, {
          amountMinor: 1999,
          currency: 'USD',
          baseAmountMinor: 1850,
          occurredOn: '2025-03-03',
          description: 'Online book',
        }),
        await recordExpense(bff(), home, home.child.accessToken, {
          amountMinor: 250,
          occurredOn: '2025-03-04',
          description: 'Ice cream',
        }),
      ];
    });

    it('exports the expenses as a streamed text/csv download, header row first, with the list’s filters', async () => {
      const r = await exportCsv(home.owner.accessToken);
      expect(r.status, r.text).to.equal(200);
      expect(r.headers['content-type']).to.equal('text/csv; charset=utf-8');
      expect(r.headers['content-disposition']).to.match(/^attachment; filename="expenses-\d{4}-\d{2}-\d{2}\.csv"$/);
      expect(r.headers['transfer-encoding']).to.equal('chunked');
      expect(r.headers).not.to.have.property('content-length');
      const rows = rowsOf(r.text);
      expect(rows).to.have.length(4);
      expect(rows[0]).to.match(/^2025-03-04,2\.50,EUR,/);
      expect(r.text).to.include('"Shop, ""big"" one"');
      expect(r.text).to.include(`'=SUM(A1) is not a formula`);

      const childs = rowsOf((await exportCsv(home.owner.accessToken, { memberId: home.child.memberId })).text);
      expect(childs).to.have.length(1);
      expect(childs[0]).to.include('Ice cream');
      const ranged = rowsOf((await exportCsv(home.owner.accessToken, { from: '2025-03-02', to: '2025-03-03' })).text);
      expect(ranged).to.have.length(2);
      const searched = rowsOf((await exportCsv(home.owner.accessToken, { q: 'rewe' })).text);
      expect(searched).to.have.length(1);
    });

    it('exports only a child’s own expenses to the child', async () => {
      const rows = rowsOf((await exportCsv(home.child.accessToken)).text);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include(home.child.memberId);
    });

    it('round-trips: the file re-imports as duplicates, and into an emptied family as the same expenses', async () => {
      const parent = home.owner.accessToken;
      const csv = (await exportCsv(parent)).text;

      const again = await importCsv(parent, csv);
      expect(again.status, JSON.stringify(again.body)).to.equal(200);
      expect(again.body).to.deep.equal({ importedCount: 0, duplicatesSkipped: 4, errors: [], dryRun: false });

      for (const e of recorded) {
        expect((await bff().http().delete(`${home.base}/expenses/${e.id}`).auth(parent, bearer)).status).to.equal(204);
      }
      expect(await allExpenses(bff(), home, parent)).to.deep.equal([]);

      const imported = await importCsv(parent, csv);
      expect(imported.status, JSON.stringify(imported.body)).to.equal(200);
      expect(imported.body).to.deep.equal({ importedCount: 4, duplicatesSkipped: 0, errors: [], dryRun: false });
      const back = await allExpenses(bff(), home, parent);
      expect(back.map(essentials)).to.have.deep.members(recorded.map(essentials));
      expect(back.every((e) => e.source === 'MANUAL')).to.equal(true);
      recorded = back;
    });

    it('refuses a file with bad rows as a whole: 400 naming the line and column of each, nothing imported', async () => {
      const parent = home.owner.accessToken;
      const before = (await allExpenses(bff(), home, parent)).length;
      const csv = [
        'date,amount,description,category',
        '2025-04-01,12.50,Fine row,',
        '2025-04-31,3.00,Bad date,',
        '2025-04-02,lots,Bad amount,Nowhere > Nothing',
        '',
      ].join('\n');
      const r = await importCsv(parent, csv);
      const problem = expectProblem(r, 400, 'CSV_INVALID');
      const errors = (problem.errors ?? []) as { line: number; field: string; message: string }[];
      expect(errors.map((e) => [e.line, e.field])).to.deep.include.members([
        [3, 'date'],
        [4, 'amount'],
        [4, 'category'],
      ]);
      expect(errors.every((e) => e.message.length > 0)).to.equal(true);
      expect((await allExpenses(bff(), home, parent)).length).to.equal(before);

      const missingColumn = await importCsv(parent, 'date,description\n2025-04-01,No amount\n');
      const missing = expectProblem(missingColumn, 400, 'CSV_INVALID');
      expect(missing.errors).to.deep.include({ line: 1, field: 'amount', message: 'column is missing' });

      const broken = await importCsv(parent, 'date,amount,description\n2025-04-01,1.00,"never closed\n');
      const syntax = expectProblem(broken, 400, 'CSV_INVALID');
      expect(syntax.errors?.[0]).to.include({ line: 2, field: 'row' });
    });

    it('counts without writing on a dry run', async () => {
      const parent = home.owner.accessToken;
      const before = (await allExpenses(bff(), home, parent)).length;
      const r = await importCsv(parent, 'date,amount,description\n2025-05-01,1.00,Dry\n2025-05-02,2.00,Run\n', {
        dryRun: 'true',
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body).to.deep.equal({ importedCount: 2, duplicatesSkipped: 0, errors: [], dryRun: true });
      expect((await allExpenses(bff(), home, parent)).length).to.equal(before);
    });

    it('lets a child import only their own expenses', async () => {
      const child = home.child.accessToken;
      const own = await importCsv(child, 'date,amount,description\n2025-05-03,0.80,Sticker\n');
      expect(own.status, JSON.stringify(own.body)).to.equal(200);
      expect(own.body.importedCount).to.equal(1);
      const mine = await allExpenses(bff(), home, child, { q: 'sticker' });
      expect(mine.map((e) => e.memberId)).to.deep.equal([home.child.memberId]);

      const forParent = await importCsv(
        child,
        `date,amount,description,member_id\n2025-05-03,0.80,Sticker,${home.owner.memberId}\n`,
      );
      const problem = expectProblem(forParent, 400, 'CSV_INVALID');
      expect(problem.errors?.[0]).to.include({ line: 2, field: 'member_id' });
    });

    it('replays an import sent again with the same Idempotency-Key instead of importing twice', async () => {
      const parent = home.owner.accessToken;
      const csv = 'date,amount,description\n2025-06-01,4.00,Once only\n';
      const key = `import-${Date.now()}`;
      const send = () =>
        bff()
          .http()
          .post(`${home.base}/expenses/import`)
          .auth(parent, bearer)
          .set('Idempotency-Key', key)
          .set('Content-Type', 'text/csv')
          .send(csv);
      const first = await send();
      const second = await send();
      expect(first.status).to.equal(200);
      expect(first.body.importedCount).to.equal(1);
      expect(second.status).to.equal(200);
      expect(second.headers['idempotent-replayed']).to.equal('true');
      expect(second.body).to.deep.equal(first.body);
    });
  });

  it('streams a large export page by page', async () => {
    const big = await household(bff(), 'The Hoarders');
    const lines = ['date,amount,description,merchant'];
    for (let i = 0; i < 2500; i++) {
      lines.push(
        `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},${(i + 1) / 100},Item ${i},Shop ${i % 7}`,
      );
    }
    // More than 2,000 rows: the file is imported by a job.
    const imported = await importCsv(big.owner.accessToken, lines.join('\n'), {}, big.base);
    expect(imported.status, JSON.stringify(imported.body).slice(0, 500)).to.equal(202);
    const job = await waitFor(
      async () => {
        const polled = await bff().http().get(imported.headers.location!).auth(big.owner.accessToken, bearer);
        return polled.body.status === 'QUEUED' || polled.body.status === 'RUNNING' ? undefined : polled.body;
      },
      { timeoutMs: 60_000, what: 'the import job' },
    );
    expect(job).to.include({ status: 'SUCCEEDED', importedCount: 2500 });
    const r = await exportCsv(big.owner.accessToken, {}, big.base);
    expect(r.status).to.equal(200);
    expect(r.headers['transfer-encoding']).to.equal('chunked');
    const rows = rowsOf(r.text);
    expect(rows).to.have.length(2500);
    const dates = rows.map((row) => row.slice(0, 10));
    expect([...dates].sort().reverse()).to.deep.equal(dates);
  });

  it('answers an export refused before the first chunk as a problem: 404 for another family, 400 for bad filters', async () => {
    const r = await exportCsv(stranger.accessToken);
    expectProblem(r, 404);
    expectInvalidField(await exportCsv(home.owner.accessToken, { source: 'CASH' }), 'source');
    expectInvalidField(await exportCsv(home.owner.accessToken, { from: '2025-13-01' }), 'from');
    expectInvalidField(await exportCsv(home.owner.accessToken, { from: '2025-03-02', to: '2025-03-01' }), 'to');
  });

  it('refuses an import for another family with 404, and both routes without a token with 401', async () => {
    expectProblem(await importCsv(stranger.accessToken, 'date,amount,description\n2025-01-01,1.00,x\n'), 404);
    expectProblem(await bff().http().get(`${home.base}/expenses.csv`), 401);
    expectProblem(
      await bff()
        .http()
        .post(`${home.base}/expenses/import`)
        .set('Content-Type', 'text/csv')
        .send('date,amount,description\n'),
      401,
    );
  });

  describe('when the service fails or the client leaves mid-export', () => {
    let server: GrpcServer;
    let fake: TestBff;
    const upstream = { cancelled: false };

    before(async () => {
      // A stand-in expense service (verifying the same tokens) whose export misbehaves on demand.
      server = createGrpcServer({
        logger: silentLogger(),
        verifier: stack.auth.verifier,
        serviceNames: [ExpenseServiceDefinition.fullName],
      });
      server.server.add(
        ExpenseServiceDefinition,
        partialImplementation({
          async *exportExpensesCsv(req: { q: string }, ctx: CallContext) {
            if (req.q === 'refuse') throw AppError.forbidden('Not today', 'EXPORT_REFUSED');
            yield { chunk: Buffer.from(`${HEADER}\r\n`), filename: 'expenses-test.csv' };
            if (req.q === 'break') throw new Error('the disk is on fire');
            if (req.q === 'hang') {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, 10_000);
                ctx.signal.addEventListener('abort', () => {
                  upstream.cancelled = true;
                  clearTimeout(timer);
                  resolve();
                });
              });
            }
          },
        }),
      );
      const port = await server.listen('127.0.0.1', 0);
      fake = await startTestBff(stack.auth, { EXPENSE_GRPC_URL: `127.0.0.1:${port}` });
    });
    after(async () => {
      await fake?.stop();
      await server?.shutdown(100);
    });

    const download = (q: string, signal?: AbortSignal) =>
      fetch(`${fake.url}${home.base}/expenses.csv?q=${q}`, {
        headers: { authorization: `Bearer ${home.owner.accessToken}` },
        ...(signal ? { signal } : {}),
      });

    it('answers a refusal before the first chunk as a problem with the upstream’s status and code', async () => {
      const r = await fake
        .http()
        .get(`${home.base}/expenses.csv`)
        .query({ q: 'refuse' })
        .auth(home.owner.accessToken, bearer);
      expectProblem(r, 403, 'EXPORT_REFUSED');
    });

    it('cuts the download short when the upstream fails after the first chunk, so it cannot pass for a whole file', async () => {
      const r = await download('break');
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      let failed = false;
      await r.text().catch(() => (failed = true));
      expect(failed, 'the body ends in a network error').to.equal(true);
    });

    it('cancels the upstream call when the client goes away', async () => {
      const abort = new AbortController();
      const r = await download('hang', abort.signal);
      const reader = r.body!.getReader();
      const first = await reader.read();
      expect(Buffer.from(first.value!).toString()).to.include('date,amount');
      abort.abort();
      await waitFor(() => upstream.cancelled, { timeoutMs: 5000, what: 'the upstream call to be cancelled' });
    });
  });

  describe('the import body', () => {
    let small: TestBff;
    before(async () => {
      small = await startTestBff(stack.auth, { EXPENSE_GRPC_URL: stack.expense.address, CSV_IMPORT_LIMIT: '1kb' });
    });
    after(() => small?.stop());

    it('must be text/csv (415 otherwise), non-empty (400) and within the size limit (413)', async () => {
      const url = `${home.base}/expenses/import`;
      const token = home.owner.accessToken;
      expectProblem(
        await small.http().post(url).auth(token, bearer).send({ csv: 'date,amount\n' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectProblem(await small.http().post(url).auth(token, bearer), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectInvalidField(
        await small.http().post(url).auth(token, bearer).set('Content-Type', 'text/csv').send(''),
        'body',
      );
      const large = `date,amount,description\n${'2025-01-01,1.00,padding\n'.repeat(100)}`;
      expectProblem(
        await small.http().post(url).auth(token, bearer).set('Content-Type', 'text/csv').send(large),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expectInvalidField(
        await small
          .http()
          .post(url)
          .query({ defaultMemberId: 'me', defaultCurrency: 'euro', dryRun: 'sometimes' })
          .auth(token, bearer)
          .set('Content-Type', 'text/csv')
          .send('date,amount,description\n'),
        'defaultMemberId',
      );
    });
  });
});
