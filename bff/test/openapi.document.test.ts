// The committed OpenAPI document (bff/openapi.json, the SDK's source) is what the routes declare.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { OPENAPI_FILE, buildOpenApiDocument, renderOpenApiDocument } from '../src/openapi.document.js';
import { operationIdFor } from '../src/routes/api.route.js';

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
}

describe('the committed OpenAPI document', () => {
  it('is the one the routes generate (run `pnpm run openapi` after changing a route)', async () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    expect(committed === (await renderOpenApiDocument()), 'bff/openapi.json is stale: run `pnpm run openapi`').to.equal(
      true,
    );
  });

  it('names its servers, and gives every operation an operationId and a security requirement', () => {
    const document = buildOpenApiDocument();
    expect(document.servers).to.have.length.greaterThan(0);
    const operations = Object.values(document.paths ?? {}).flatMap((item) =>
      ['get', 'put', 'post', 'patch', 'delete'].flatMap((m) => {
        const op = (item as Record<string, Operation | undefined>)[m];
        return op ? [op] : [];
      }),
    );
    expect(operations.length).to.be.greaterThan(90);
    const ids = operations.map((op) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).to.equal(true);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(operations.every((op) => Array.isArray(op.security))).to.equal(true);
    const login = (document.paths?.['/v1/auth/login'] as { post: Operation }).post;
    expect(login.security).to.deep.equal([]);
  });

  it('derives operationIds from method and path', () => {
    expect(operationIdFor('get', '/v1/families/{familyId}/expenses')).to.equal('getFamiliesExpenses');
    expect(operationIdFor('patch', '/v1/families/{familyId}/expenses/{expenseId}')).to.equal(
      'patchFamiliesExpensesByExpenseId',
    );
    expect(operationIdFor('get', '/v1/families/{familyId}/expenses.csv')).to.equal('getFamiliesExpensesCsv');
    expect(operationIdFor('post', '/v1/me/notifications/read-all')).to.equal('postMeNotificationsReadAll');
  });
});
