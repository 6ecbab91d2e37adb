import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../db/schema.js';

export class ServiceClientsStore {
  constructor(private readonly db: Kysely<AuthDatabase>) {}

  async upsert(clients: { clientId: string; secretHash: string; scopes: string[] }[]): Promise<void> {
    if (clients.length === 0) return;
    await this.db
      .insertInto('service_clients')
      .values(clients.map((c) => ({ client_id: c.clientId, secret_hash: c.secretHash, scopes: c.scopes })))
      .onConflict((oc) =>
        oc.column('client_id').doUpdateSet((eb) => ({
          secret_hash: eb.ref('excluded.secret_hash'),
          scopes: eb.ref('excluded.scopes'),
          updated_at: new Date(),
        })),
      )
      .execute();
  }

  find(clientId: string) {
    return this.db.selectFrom('service_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  }
}
