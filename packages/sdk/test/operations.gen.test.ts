// The SDK's persisted operations are the BFF's documents with the ids the BFF knows them by: a stale
// src/operations.gen.ts (an operation added or changed without `pnpm run openapi`) fails here.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { persistedOperations } from '@family/sdk';
import { GENERATED, renderOperations } from '../scripts/persisted.operations.js';
import { loadPersistedOperations } from '../../../bff/src/graphql/persisted.operations.js';

describe('@family/sdk persisted operations', () => {
  it('match bff/src/graphql/operations (run `pnpm run openapi` after changing one)', async () => {
    const committed = readFileSync(GENERATED, 'utf8');
    expect(committed === (await renderOperations()), 'src/operations.gen.ts is stale').to.equal(true);
  });

  it('carry the ids and documents the BFF loads', () => {
    const bff = [...loadPersistedOperations().values()].map((o) => ({ name: o.name, id: o.id, document: o.document }));
    const sdk = Object.entries(persistedOperations).map(([name, o]) => ({ name, id: o.id, document: o.document }));
    expect(sdk).to.deep.equal(bff);
    expect(Object.keys(persistedOperations)).to.include.members(['ParentDashboard', 'ChildHome']);
  });
});
