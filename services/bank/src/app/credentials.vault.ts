// Provider credentials in and out of the connections table, encrypted (SecretCipher) and bound to the
// connection id. A ciphertext made with an older key is made again with the current one on read.
// Credentials never leave this file in a log line or a response.
import type { Kysely } from 'kysely';
import type { BankDatabase } from '../db/schema.js';
import type { ProviderCredentials } from '../adapters/bank.adapter.js';
import type { SealedCredentials } from '../domain/bank.records.js';
import type { SecretCipher } from '@family/config';
import type { ConnectionsStore } from '../store/connections.store.js';

export class CredentialsVault {
  constructor(
    private readonly cipher: SecretCipher,
    private readonly connections: ConnectionsStore,
  ) {}

  seal(connectionId: string, credentials: ProviderCredentials): SealedCredentials {
    return this.cipher.seal(JSON.stringify(credentials), connectionId);
  }

  async open(connectionId: string): Promise<ProviderCredentials> {
    const sealed = await this.connections.sealedCredentials(connectionId);
    if (!sealed) throw new Error(`connection ${connectionId} has no credentials`);
    const credentials = JSON.parse(this.cipher.open(sealed, connectionId)) as ProviderCredentials;
    if (this.cipher.isStale(sealed)) await this.save(connectionId, credentials);
    return credentials;
  }

  async save(connectionId: string, credentials: ProviderCredentials, db?: Kysely<BankDatabase>): Promise<void> {
    await this.connections.saveCredentials(connectionId, this.seal(connectionId, credentials), db);
  }
}
