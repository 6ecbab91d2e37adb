import { expect } from 'chai';
import { expectInvalidField, register, startTestStack, type TestStack } from './bff.harness.js';
import { bearer } from './expense.fixtures.js';

interface CurrencyItem {
  code: string;
  exponent: number;
  name: string;
}

describe('BFF currencies (ISO 4217)', () => {
  let stack: TestStack;
  const http = () => stack.bff.http();

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  /** A new parent's family in `currency`; answers the raw response. */
  async function createFamily(currency: string) {
    const parent = await register(stack.bff, 'Parent');
    const r = await http()
      .post('/v1/families')
      .auth(parent.accessToken, bearer)
      .send({ name: `In ${currency}`, currency, timezone: 'Europe/Budapest' });
    return r;
  }

  it('lists every accepted currency with its exponent and name, sorted by code, without a token', async () => {
    const r = await http().get('/v1/currencies');
    expect(r.status, r.text).to.equal(200);
    expect(r.headers['cache-control']).to.equal('public, max-age=86400');
    const items = r.body.items as CurrencyItem[];
    const byCode = new Map(items.map((c) => [c.code, c]));
    expect(byCode.get('HUF')).to.deep.equal({ code: 'HUF', exponent: 2, name: 'Forint' });
    expect(byCode.get('JPY')).to.deep.equal({ code: 'JPY', exponent: 0, name: 'Yen' });
    expect(byCode.get('KWD')).to.deep.equal({ code: 'KWD', exponent: 3, name: 'Kuwaiti Dinar' });
    expect(items.map((c) => c.code)).to.deep.equal(items.map((c) => c.code).sort());
    // Withdrawn codes and codes without a minor unit are not offered.
    for (const code of ['HRK', 'SLL', 'XAU', 'XDR', 'XXX']) expect(byCode.has(code), code).to.equal(false);
  });

  it('answers 304 to a client that already holds the list', async () => {
    const first = await http().get('/v1/currencies');
    const again = await http()
      .get('/v1/currencies')
      .set('If-None-Match', first.headers.etag as string);
    expect(again.status).to.equal(304);
  });

  it('is documented in /openapi.json as a public route', async () => {
    const r = await http().get('/openapi.json');
    const route = r.body.paths['/v1/currencies']?.get;
    expect(route, 'GET /v1/currencies').to.be.an('object');
    expect(route.security).to.deep.equal([]);
    expect(r.body.components.schemas).to.have.property('CurrencyList');
  });

  it('exports a HUF expense of 12345 minor units as 123.45 (fillér, not ICU’s whole forints)', async () => {
    const created = await createFamily('HUF');
    expect(created.status, created.text).to.equal(201);
    const token = created.body.accessToken as string;
    const base = `/v1/families/${created.body.family.id}`;
    const expense = await http()
      .post(`${base}/expenses`)
      .auth(token, bearer)
      .send({ amountMinor: 12345, occurredOn: '2026-11-02', description: 'Lángos' });
    expect(expense.status, expense.text).to.equal(201);
    expect(expense.body).to.include({ amountMinor: 12345, currency: 'HUF', baseAmountMinor: 12345 });

    const csv = await http().get(`${base}/expenses.csv`).auth(token, bearer);
    expect(csv.status, csv.text).to.equal(200);
    const [header, row] = csv.text.split('\r\n');
    expect(header!.split(',').slice(0, 5)).to.deep.equal([
      'date',
      'amount',
      'currency',
      'base_amount',
      'base_currency',
    ]);
    expect(row!.split(',').slice(0, 5)).to.deep.equal(['2026-11-02', '123.45', 'HUF', '123.45', 'HUF']);
  });

  it('refuses a family in a withdrawn currency, naming the replacement, and one without a minor unit', async () => {
    const kuna = await createFamily('HRK');
    expectInvalidField(kuna, 'currency');
    expect(kuna.body.errors[0].message).to.match(/withdrawn.*use EUR/);
    expectInvalidField(await createFamily('XAU'), 'currency');
  });

  it('refuses an expense in a withdrawn currency, naming the replacement', async () => {
    const created = await createFamily('EUR');
    const r = await http()
      .post(`/v1/families/${created.body.family.id}/expenses`)
      .auth(created.body.accessToken as string, bearer)
      .send({ amountMinor: 100, currency: 'SLL', fxRate: '0.00004', description: 'Old leones' });
    expectInvalidField(r, 'currency');
    expect(r.body.errors.find((e: { field: string }) => e.field === 'currency').message).to.match(/use SLE$/);
  });
});
