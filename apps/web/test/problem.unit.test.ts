// Every failure the BFF (or the way to it) answers, read through the real SDK and told as a sentence
// in English and German (src/lib/problem.ts).
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createFamilyClient, GraphQLRequestError, type FamilyClient } from '@family/sdk';
import { translate, type Locale, type MessageKey } from '../src/lib/i18n';
import { ApiError, describeError, unwrap } from '../src/lib/problem';

interface Answer {
  status: number;
  contentType?: string;
  body: string;
}

/** The BFF's problem+json for a status and reason code. */
function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Answer {
  return {
    status,
    contentType: 'application/problem+json',
    body: JSON.stringify({
      type: `urn:family:problem:${code.toLowerCase().replace(/_/g, '-')}`,
      title: STATUS_CODES[status],
      status,
      detail,
      code,
      instance: '/v1/me',
      requestId: 'req-1',
      ...extra,
    }),
  };
}

/** A GraphQL answer with one error (HTTP 200: the resolver failed, the request did not). */
function graphQLError(code: string | undefined, message: string, status = 200): Answer {
  return {
    status,
    contentType: 'application/graphql-response+json',
    body: JSON.stringify({
      data: null,
      errors: [{ message, path: ['approveChore'], ...(code ? { extensions: { code, reason: code } } : {}) }],
    }),
  };
}

// What the web server answers itself when the BFF cannot be reached.
const unreachable: Answer = {
  status: 502,
  contentType: 'application/problem+json',
  body: JSON.stringify({
    type: 'about:blank',
    title: 'Bad Gateway',
    status: 502,
    detail: 'The service is not reachable right now. Please try again in a moment.',
  }),
};

const both = (key: MessageKey) => ({ en: translate('en', key), de: translate('de', key) });

describe('web app: problem messages', () => {
  let server: Server;
  let client: FamilyClient;
  let next: Answer;

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(next.status, next.contentType ? { 'content-type': next.contentType } : {});
        res.end(next.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = createFamilyClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** What the user reads, in both languages, after a REST call answered `answer`. */
  async function restMessage(answer: Answer): Promise<Record<Locale, string>> {
    next = answer;
    const failure = await client.rest
      .GET('/v1/me')
      .then(unwrap)
      .catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(ApiError);
    return messages(failure);
  }

  async function graphQLMessage(answer: Answer): Promise<Record<Locale, string>> {
    next = answer;
    const failure = await client
      .graphql('mutation { approveChore(familyId: "f", choreId: "c") { id } }')
      .catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(GraphQLRequestError);
    return messages(failure);
  }

  function messages(failure: unknown): Record<Locale, string> {
    const said = {
      en: describeError(failure, (key) => translate('en', key)),
      de: describeError(failure, (key) => translate('de', key)),
    };
    for (const text of Object.values(said)) {
      expect(text.trim()).not.to.equal('');
      expect(text).not.to.match(/\[object |undefined|null|^ — /);
    }
    return said;
  }

  describe('REST problems', () => {
    it('shows the detail and every field error of a refused request', async () => {
      const said = await restMessage(
        problem(400, 'VALIDATION_FAILED', 'The request is not valid', {
          errors: [
            { field: 'amountMinor', message: 'must be greater than 0' },
            { field: 'date', message: 'must be a calendar day' },
          ],
        }),
      );
      expect(said.en).to.equal(
        'The request is not valid — amountMinor: must be greater than 0 — date: must be a calendar day',
      );
      expect(said.de).to.equal(said.en);
    });

    it('shows a field error of a CSV line and a field error without a field', async () => {
      const said = await restMessage(
        problem(400, 'VALIDATION_FAILED', 'The file has errors', {
          errors: [
            { field: 'amount', message: 'is not a number', line: 3 },
            { field: '', message: 'the file has no header' },
          ],
        }),
      );
      expect(said.en).to.equal('The file has errors — amount: is not a number — the file has no header');
    });

    it('says the session has ended on a 401', async () => {
      const said = await restMessage(problem(401, 'TOKEN_EXPIRED', 'The access token has expired'));
      expect(said).to.deep.equal(both('errorSession'));
      expect(said.de).to.equal('Deine Sitzung ist abgelaufen. Bitte melde dich erneut an.');
    });

    it('says the user may not do this on a 403', async () => {
      const said = await restMessage(problem(403, 'NOT_A_PARENT', 'Only a parent of the family may do this'));
      expect(said).to.deep.equal(both('errorForbidden'));
      expect(said.de).to.equal('Das darfst du nicht.');
    });

    it('says it was not found on a 404', async () => {
      const said = await restMessage(problem(404, 'EXPENSE_NOT_FOUND', 'expense 0190f0e2 not found'));
      expect(said).to.deep.equal(both('errorNotFound'));
    });

    it('shows the reason of a 409 conflict', async () => {
      const said = await restMessage(problem(409, 'USERNAME_TAKEN', 'That username is taken'));
      expect(said.en).to.equal('That username is taken');
    });

    it('says someone else changed it first on a version conflict, as 409 or 412', async () => {
      const conflict = await restMessage(problem(409, 'VERSION_MISMATCH', 'version 3 is not the current version 4'));
      const precondition = await restMessage(
        problem(412, 'VERSION_MISMATCH', 'If-Match does not match', { metadata: { currentVersion: '4' } }),
      );
      expect(conflict).to.deep.equal(both('errorChanged'));
      expect(precondition).to.deep.equal(both('errorChanged'));
      expect(precondition.de).to.match(/^Jemand anderes hat das inzwischen geändert/);
    });

    it('asks to wait on a 429', async () => {
      const said = await restMessage(problem(429, 'RATE_LIMITED', 'Too many requests; try again later'));
      expect(said).to.deep.equal(both('errorRateLimited'));
      expect(said.de).to.equal('Zu viele Versuche. Bitte warte einen Moment.');
    });

    it('says something went wrong on a 500 or 504, without the server’s words', async () => {
      expect(await restMessage(problem(500, 'INTERNAL', 'An unexpected error occurred'))).to.deep.equal(
        both('errorGeneric'),
      );
      expect(await restMessage(problem(504, 'DEADLINE_EXCEEDED', 'The request took too long'))).to.deep.equal(
        both('errorGeneric'),
      );
    });

    it('says the server cannot be reached on a 503 or the web server’s 502', async () => {
      expect(
        await restMessage(problem(503, 'UNAVAILABLE', 'A service this request needs is unavailable')),
      ).to.deep.equal(both('errorNetwork'));
      expect(await restMessage(unreachable)).to.deep.equal(both('errorNetwork'));
    });

    it('reads an answer that is not problem+json by its status', async () => {
      expect(
        await restMessage({ status: 502, contentType: 'text/html', body: '<h1>502 Bad Gateway</h1>' }),
      ).to.deep.equal(both('errorNetwork'));
      expect(await restMessage({ status: 500, body: '' })).to.deep.equal(both('errorGeneric'));
      expect(await restMessage({ status: 418, contentType: 'application/json', body: '{}' })).to.deep.equal(
        both('errorGeneric'),
      );
    });

    it('never shows an empty detail or title', async () => {
      const said = await restMessage({
        status: 409,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 409, title: ' ', detail: '', code: 'CONFLICT' }),
      });
      expect(said).to.deep.equal(both('errorGeneric'));
    });

    it('says the server cannot be reached when the request fails on the way', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const offline = createFamilyClient({ baseUrl: `http://127.0.0.1:${port}` });
      const rest = await offline.rest
        .GET('/v1/me')
        .then(unwrap)
        .catch((err: unknown) => err);
      const graphql = await offline.graphql('{ me { unreadNotificationCount } }').catch((err: unknown) => err);
      expect(messages(rest)).to.deep.equal(both('errorNetwork'));
      expect(messages(graphql)).to.deep.equal(both('errorNetwork'));
    });
  });

  describe('GraphQL errors', () => {
    for (const [code, key] of [
      ['UNAUTHENTICATED', 'errorSession'],
      ['FORBIDDEN', 'errorForbidden'],
      ['NOT_FOUND', 'errorNotFound'],
      ['VERSION_MISMATCH', 'errorChanged'],
      ['RATE_LIMITED', 'errorRateLimited'],
      ['UNAVAILABLE', 'errorNetwork'],
      ['DEADLINE_EXCEEDED', 'errorGeneric'],
      ['INTERNAL', 'errorGeneric'],
    ] as const) {
      it(`tells a resolver's ${code} in the user's language`, async () => {
        expect(await graphQLMessage(graphQLError(code, 'what the server said'))).to.deep.equal(both(key));
      });
    }

    it('shows the reason of a refused input or a conflict', async () => {
      expect((await graphQLMessage(graphQLError('VALIDATION_FAILED', 'reason: must not be empty'))).en).to.equal(
        'reason: must not be empty',
      );
      expect((await graphQLMessage(graphQLError('CONFLICT', 'This chore is not waiting for approval'))).de).to.equal(
        'This chore is not waiting for approval',
      );
    });

    it('tells a refusal whose reason the app knows in the user’s language, over REST and GraphQL', async () => {
      const reviewed: Answer = {
        status: 200,
        contentType: 'application/graphql-response+json',
        body: JSON.stringify({
          data: null,
          errors: [
            {
              message: 'Only a submitted chore can be approved',
              extensions: { code: 'CONFLICT', reason: 'CHORE_NOT_SUBMITTED', status: 409 },
            },
          ],
        }),
      };
      expect(await graphQLMessage(reviewed)).to.deep.equal(both('errorChoreNotWaiting'));
      expect(
        await graphQLMessage(problem(409, 'CHORE_NOT_SUBMITTED', 'Only a submitted chore can be approved')),
      ).to.deep.equal(both('errorChoreNotWaiting'));
    });

    it('reads a request refused before GraphQL ran by its status', async () => {
      expect(await graphQLMessage(problem(401, 'INVALID_TOKEN', 'The token is not valid'))).to.deep.equal(
        both('errorSession'),
      );
      expect(await graphQLMessage(problem(429, 'RATE_LIMITED', 'Too many requests; try again later'))).to.deep.equal(
        both('errorRateLimited'),
      );
      expect(await graphQLMessage(unreachable)).to.deep.equal(both('errorNetwork'));
      expect(await graphQLMessage({ status: 500, body: 'oops' })).to.deep.equal(both('errorGeneric'));
    });

    it('never shows an empty message', async () => {
      expect(await graphQLMessage(graphQLError(undefined, ''))).to.deep.equal(both('errorGeneric'));
      expect(
        await graphQLMessage({ status: 200, contentType: 'application/json', body: '{"data":null,"errors":[{}]}' }),
      ).to.deep.equal(both('errorGeneric'));
    });
  });

  describe('errors of the pages themselves', () => {
    it('keeps a page’s own sentence, already in the user’s language', () => {
      const wrongPassword = new ApiError(401, { detail: translate('de', 'errorCredentials') });
      expect(describeError(wrongPassword, (key) => translate('de', key))).to.equal(
        'E-Mail/Benutzername oder Passwort stimmt nicht.',
      );
      const reloaded = new ApiError(412, { detail: translate('en', 'changedMeanwhile') });
      expect(describeError(reloaded, (key) => translate('en', key))).to.equal(translate('en', 'changedMeanwhile'));
    });

    it('says something went wrong for anything else thrown', () => {
      for (const thrown of [new Error('boom'), 'boom', 42, null, {}, { status: 404 }]) {
        expect(describeError(thrown, (key) => translate('de', key))).to.equal(translate('de', 'errorGeneric'));
      }
    });
  });
});
