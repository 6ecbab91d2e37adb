// Revocation at the bank service: a removed member's and a logged-out parent's old tokens stop
// reading the family's bank connections, over REST and on direct gRPC calls.
import { expect } from 'chai';
import { Status } from 'nice-grpc';
import { callMetadata, ClientError, createGrpcClient } from '@family/grpc-kit';
import { BankServiceDefinition } from '@family/contracts/bank/v1/bank';
import { waitFor } from '@family/testing';
import { childOf, familyWithOwner } from './bff.harness.js';
import { startBankStack, type BankStack } from './bank.harness.js';

describe('revocation reaches the bank service', function () {
  this.timeout(60_000);
  let s: BankStack;
  let bank: ReturnType<typeof createGrpcClient<typeof BankServiceDefinition>>;

  before(async () => {
    s = await startBankStack();
    bank = createGrpcClient(BankServiceDefinition, s.bank.address);
  });
  after(() => s.stop());

  const rest = async (familyId: string, token: string) =>
    (await s.bff.http().get(`/v1/families/${familyId}/bank/connections`).auth(token, { type: 'bearer' })).status;
  const grpc = async (familyId: string, token: string) => {
    try {
      await bank.listConnections({ familyId }, { metadata: callMetadata({ token }) });
      return Status.OK;
    } catch (err) {
      if (err instanceof ClientError) return err.code;
      throw err;
    }
  };
  const until = (check: () => Promise<number>, expected: number, what: string) =>
    waitFor(async () => (await check()) === expected, { timeoutMs: 5000, what });

  it('refuses a removed child’s old token (REST 404, gRPC NOT_FOUND)', async () => {
    const owner = await familyWithOwner(s.bff);
    const child = await childOf(s.bff, owner);
    expect(await rest(owner.familyId, child.accessToken)).to.equal(200);
    expect(await grpc(owner.familyId, child.accessToken)).to.equal(Status.OK);
    const removed = await s.bff
      .http()
      .delete(`/v1/families/${owner.familyId}/members/${child.memberId}`)
      .auth(owner.accessToken, { type: 'bearer' });
    expect(removed.status).to.equal(204);
    await until(() => rest(owner.familyId, child.accessToken), 404, 'REST 404');
    await until(() => grpc(owner.familyId, child.accessToken), Status.NOT_FOUND, 'gRPC NOT_FOUND');
  });

  it('ends a parent’s old token after logout-all (REST 401, gRPC UNAUTHENTICATED)', async () => {
    const owner = await familyWithOwner(s.bff);
    expect(await rest(owner.familyId, owner.accessToken)).to.equal(200);
    const out = await s.bff.http().post('/v1/auth/logout-all').auth(owner.accessToken, { type: 'bearer' });
    expect(out.status).to.equal(204);
    await until(() => rest(owner.familyId, owner.accessToken), 401, 'REST 401');
    await until(() => grpc(owner.familyId, owner.accessToken), Status.UNAUTHENTICATED, 'gRPC UNAUTHENTICATED');
  });
});
