// Plaid's Hosted Link in the Plaid emulator, spoken to over HTTP as Plaid's API is: a link token made
// with `hosted_link` answers a hosted_link_url on the emulator; opening it signs the sandbox user in,
// links an item and sends the browser to completion_redirect_uri; /link/token/get reports the session
// with its public token (results.item_add_results, or the older on_success), or the user's exit.
import { expect } from 'chai';
import { BankSandbox, defaultUser, startPlaidEmulator, type PlaidEmulator } from '@family/emulators';

const KEYS = { client_id: 'emulator-tests-client', secret: 'emulator-tests-secret' };
const BACK = 'https://app.family.test/bank/callback?state=s-1';

interface LinkSessionBody {
  link_session_id: string;
  finished_at: string;
  results: { item_add_results: { public_token: string; institution: { institution_id: string } }[] } | null;
  on_success: { public_token: string } | null;
  exit: { error: unknown } | null;
}

describe('Plaid emulator: Hosted Link', function () {
  this.timeout(20_000);
  let plaid: PlaidEmulator;

  beforeEach(async () => {
    const other = { ...defaultUser(), username: 'user_other', password: 'pass_other' };
    plaid = await startPlaidEmulator({
      clientId: KEYS.client_id,
      secret: KEYS.secret,
      sandbox: new BankSandbox([defaultUser(), other]),
    });
  });
  afterEach(() => plaid.stop());

  async function api(path: string, body: Record<string, unknown>, on = plaid) {
    const res = await fetch(`${on.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...KEYS, ...body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function linkToken(extra: Record<string, unknown> = {}, on = plaid) {
    const r = await api(
      '/link/token/create',
      {
        client_name: 'Family Expenses',
        language: 'en',
        country_codes: ['US'],
        user: { client_user_id: 'member-1' },
        products: ['transactions'],
        ...extra,
      },
      on,
    );
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body as { link_token: string; expiration: string; hosted_link_url?: string };
  }

  async function sessions(token: string, on = plaid): Promise<LinkSessionBody[]> {
    const r = await api('/link/token/get', { link_token: token }, on);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.link_sessions as LinkSessionBody[];
  }

  const open = (url: string) => fetch(url, { redirect: 'manual' });

  it('answers a hosted_link_url on the emulator, valid for 30 minutes unless url_lifetime_seconds says otherwise', async () => {
    const hosted = await linkToken({ hosted_link: { completion_redirect_uri: BACK } });
    expect(hosted.hosted_link_url!.startsWith(`${plaid.url}/hl/`), hosted.hosted_link_url).to.equal(true);
    const minutes = (Date.parse(hosted.expiration) - Date.now()) / 60_000;
    expect(minutes).to.be.within(29, 30);
    const short = await linkToken({ hosted_link: { url_lifetime_seconds: 600 } });
    expect((Date.parse(short.expiration) - Date.now()) / 60_000).to.be.within(9, 10);
    const plain = await linkToken();
    expect(plain).to.not.have.property('hosted_link_url');
    expect((await api('/link/token/get', { link_token: plain.link_token })).body).to.not.have.property('link_sessions');
  });

  it('signs the sandbox user in on the hosted page, links an item and sends the browser back', async () => {
    const { link_token: token, hosted_link_url: url } = await linkToken({
      hosted_link: { completion_redirect_uri: BACK },
      webhook: 'https://api.family.test/v1/webhooks/plaid',
    });
    expect(await sessions(token), 'nothing before the user opens it').to.deep.equal([]);

    const page = await open(url!);
    expect(page.status).to.equal(302);
    expect(page.headers.get('location')).to.equal(BACK);

    const [session, ...more] = await sessions(token);
    expect(more).to.deep.equal([]);
    expect(session!.exit).to.equal(null);
    const added = session!.results!.item_add_results;
    expect(added).to.have.length(1);
    expect(added[0]!.institution.institution_id).to.equal('ins_sandbox');
    expect(session!.on_success, 'the deprecated shape is not sent as well').to.equal(null);

    const exchanged = await api('/item/public_token/exchange', { public_token: added[0]!.public_token });
    expect(exchanged.status, JSON.stringify(exchanged.body)).to.equal(200);
    const item = plaid.controls.item(exchanged.body.item_id as string)!;
    expect(item).to.deep.include({ username: 'user_good', webhook: 'https://api.family.test/v1/webhooks/plaid' });

    // A reload of the page links nothing more; it only sends the user back again.
    const again = await open(url!);
    expect(again.status).to.equal(302);
    expect(await sessions(token)).to.have.length(1);
    expect(plaid.controls.items()).to.have.length(1);
  });

  it('links the user signed in, and says all is done when no completion_redirect_uri was given', async () => {
    plaid.controls.signInAs('user_other');
    const { link_token: token, hosted_link_url: url } = await linkToken({ hosted_link: {} });
    const page = await open(url!);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.match(/close this window/);
    const [session] = await sessions(token);
    const publicToken = session!.results!.item_add_results[0]!.public_token;
    const exchanged = await api('/item/public_token/exchange', { public_token: publicToken });
    expect(plaid.controls.item(exchanged.body.item_id as string)?.username).to.equal('user_other');
  });

  it('records a user who leaves Link as an exit with no public token, and lets them try again', async () => {
    const { link_token: token, hosted_link_url: url } = await linkToken({
      hosted_link: { completion_redirect_uri: BACK },
    });
    plaid.controls.exitNextHostedLink();
    const left = await open(url!);
    expect(left.status).to.equal(302);
    const [exited] = await sessions(token);
    expect(exited).to.deep.include({ results: null, on_success: null });
    expect(exited!.exit).to.deep.include({ error: null });
    expect(plaid.controls.items()).to.deep.equal([]);

    await open(url!);
    const [, linked] = await sessions(token);
    expect(linked!.results!.item_add_results).to.have.length(1);
  });

  it('reports a linked session in the deprecated on_success shape when set up like an older integration', async () => {
    const older = await startPlaidEmulator({
      clientId: KEYS.client_id,
      secret: KEYS.secret,
      linkSessionShape: 'on_success',
    });
    try {
      const { link_token: token, hosted_link_url: url } = await linkToken({ hosted_link: {} }, older);
      await open(url!);
      const [session] = await sessions(token, older);
      expect(session!.results).to.equal(null);
      expect(session!.on_success!.public_token).to.match(/^public-sandbox-/);
    } finally {
      await older.stop();
    }
  });

  it('repairs an item in update mode through the hosted page: same item, login restored', async () => {
    const first = await linkToken({ hosted_link: { completion_redirect_uri: BACK } });
    await open(first.hosted_link_url!);
    const [session] = await sessions(first.link_token);
    const exchanged = await api('/item/public_token/exchange', {
      public_token: session!.results!.item_add_results[0]!.public_token,
    });
    const itemId = exchanged.body.item_id as string;
    plaid.controls.requireLogin(itemId);

    const update = await linkToken({
      products: undefined,
      access_token: exchanged.body.access_token,
      hosted_link: { completion_redirect_uri: BACK },
    });
    await open(update.hosted_link_url!);
    const [repaired] = await sessions(update.link_token);
    const again = await api('/item/public_token/exchange', {
      public_token: repaired!.results!.item_add_results[0]!.public_token,
    });
    expect(again.body.item_id).to.equal(itemId);
    expect(plaid.controls.item(itemId)?.loginRequired).to.equal(false);
  });

  it('refuses a malformed hosted_link, an unknown link token, and an expired hosted page, in Plaid’s words', async () => {
    const bad = await api('/link/token/create', {
      client_name: 'Family Expenses',
      language: 'en',
      country_codes: ['US'],
      user: { client_user_id: 'member-1' },
      products: ['transactions'],
      hosted_link: { url_lifetime_seconds: 0 },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body).to.include({ error_type: 'INVALID_REQUEST', error_code: 'INVALID_FIELD' });

    const unknown = await api('/link/token/get', { link_token: 'link-sandbox-nope' });
    expect(unknown.status).to.equal(400);
    expect(unknown.body).to.include({ error_type: 'INVALID_INPUT', error_code: 'INVALID_LINK_TOKEN' });

    const { hosted_link_url: url } = await linkToken({
      hosted_link: { completion_redirect_uri: BACK, url_lifetime_seconds: 1 },
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await open(url!);
    expect(expired.status).to.equal(400);
    expect(((await expired.json()) as { error_code: string }).error_code).to.equal('INVALID_LINK_TOKEN');
    expect((await open(`${plaid.url}/hl/nope`)).status).to.equal(400);
  });
});
