// Signing private keys at rest: sealed under SIGNING_KEY_ENCRYPTION_KEYS, plaintext rows from before
// sealed once on start, and both rotations (signing key, encryption key) keep tokens working.
import { expect } from 'chai';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SqlHandle } from '@family/db';
import { createGrpcClient, TOKEN_ALG } from '@family/grpc-kit';
import { silentLogger } from '@family/logger';
import { AuthServiceDefinition } from '@family/contracts/auth/v1/auth';
import { dropSchema, openTestSql, testCipherKeys, uniqueName } from '@family/testing';
import { authConfigSchema, startAuthService } from '../src/index.js';
import { bearer, email, PASSWORD } from './auth.harness.js';

interface KeyRow {
  kid: string;
  private_jwk: JWK | null;
  private_key_id: string | null;
  private_sealed: Buffer | null;
  retired_at: Date | null;
}

describe('signing keys at rest', function () {
  this.timeout(30_000);
  let sql: SqlHandle;
  let schema: string;

  beforeEach(async () => {
    sql = await openTestSql();
    schema = uniqueName('auth');
  });
  afterEach(async () => {
    await dropSchema(sql, schema);
    await sql.close();
  });

  async function start(keys: string) {
    const config = authConfigSchema.parse({
      DB_SCHEMA: schema,
      AUTH_GRPC_HOST: '127.0.0.1',
      AUTH_GRPC_PORT: '0',
      SIGNING_KEY_ENCRYPTION_KEYS: keys,
      AUTH_SERVICE_CLIENTS: 'ops:ops-secret-1:auth:admin',
    });
    const service = await startAuthService({ config, sql, logger: silentLogger() });
    return { service, client: createGrpcClient(AuthServiceDefinition, service.address) };
  }

  async function rows(): Promise<KeyRow[]> {
    if (sql.kind !== 'pg') throw new Error('tests run on Postgres');
    const r = await sql.pool.query(
      `select kid, private_jwk, private_key_id, private_sealed, retired_at from ${schema}.signing_keys order by created_at`,
    );
    return r.rows as KeyRow[];
  }

  /** A user signs in and their token is accepted; the token's key id. */
  async function signInWorks(client: Awaited<ReturnType<typeof start>>['client'], login: string): Promise<string> {
    const r = await client.login({ login, password: PASSWORD });
    await client.getMe({}, bearer(r.tokens!.accessToken));
    return JSON.parse(Buffer.from(r.tokens!.accessToken.split('.')[0]!, 'base64url').toString()).kid as string;
  }

  it('stores every private key sealed, before and after a rotation, never in plaintext', async () => {
    const { service, client } = await start(testCipherKeys());
    try {
      const address = email();
      await client.register({ email: address, password: PASSWORD, displayName: 'Pat' });
      const kid = await signInWorks(client, address);
      const ops = await client.issueServiceToken({ clientId: 'ops', clientSecret: 'ops-secret-1', scopes: [] });
      await client.rotateSigningKey({}, bearer(ops.accessToken));
      const stored = await rows();
      expect(stored.map((r) => r.kid)[0]).to.equal(kid);
      expect(stored).to.have.length(2);
      for (const row of stored) {
        expect(row.private_jwk, row.kid).to.equal(null);
        expect(row.private_key_id).to.equal('k1');
        expect(row.private_sealed!.toString('latin1')).not.to.contain('"d"');
      }
    } finally {
      await service.stop();
    }
  });

  it('seals a plaintext key written before sealing existed, once, and goes on signing with it', async () => {
    const keys = testCipherKeys();
    const first = await start(keys);
    const address = email();
    await first.client.register({ email: address, password: PASSWORD, displayName: 'Pat' });
    await first.service.stop();

    // A key as an older release stored it: the private JWK in plaintext, the active one.
    const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true });
    if (sql.kind !== 'pg') throw new Error('tests run on Postgres');
    await sql.pool.query(
      `update ${schema}.signing_keys set retired_at = now(), expires_at = now() + interval '1 hour'`,
    );
    await sql.pool.query(
      `insert into ${schema}.signing_keys (kid, alg, public_jwk, private_jwk) values ('legacy-kid', $1, $2, $3)`,
      [TOKEN_ALG, JSON.stringify(await exportJWK(publicKey)), JSON.stringify(await exportJWK(privateKey))],
    );

    const second = await start(keys);
    try {
      const legacy = (await rows()).find((r) => r.kid === 'legacy-kid')!;
      expect(legacy.private_jwk).to.equal(null);
      expect(legacy.private_key_id).to.equal('k1');
      expect(await signInWorks(second.client, address)).to.equal('legacy-kid');
    } finally {
      await second.service.stop();
    }
    const sealedOnce = (await rows()).map((r) => r.private_sealed!.toString('hex'));

    // Starting again finds nothing to seal: the ciphertexts are the same bytes.
    const third = await start(keys);
    try {
      expect((await rows()).map((r) => r.private_sealed!.toString('hex'))).to.deep.equal(sealedOnce);
      expect(await signInWorks(third.client, address)).to.equal('legacy-kid');
    } finally {
      await third.service.stop();
    }
  });

  it('moves the keys to a new encryption key listed first, and works once the old one is dropped', async () => {
    const old = testCipherKeys('k1');
    const next = testCipherKeys('k2');
    const first = await start(old);
    const address = email();
    await first.client.register({ email: address, password: PASSWORD, displayName: 'Pat' });
    await first.service.stop();

    const both = await start(`${next},${old}`);
    await both.service.stop();
    expect((await rows()).map((r) => r.private_key_id)).to.deep.equal(['k2']);

    const onlyNew = await start(next);
    try {
      await signInWorks(onlyNew.client, address);
    } finally {
      await onlyNew.service.stop();
    }
  });
});
