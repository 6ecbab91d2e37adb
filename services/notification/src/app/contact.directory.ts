// What fan-out needs from auth with this service's own token: users' contact details
// (BatchGetUsers, auth:read) and families' time zones (BatchGetFamilies via the AuthGateway).
import { AppError } from '@family/errors';
import { callMetadata, type ServiceTokenSource } from '@family/grpc-kit';
import type { AuthClient, AuthGateway } from '@family/auth-client';

export interface Contact {
  userId: string;
  email: string;
  /** Only a verified address receives notifications by email. */
  emailVerified: boolean;
  phone: string;
  displayName: string;
  /** BCP 47; empty means English. */
  locale: string;
}

export class ContactDirectory {
  constructor(
    private readonly client: AuthClient,
    private readonly serviceToken: ServiceTokenSource,
    private readonly gateway: AuthGateway,
    private readonly timeoutMs = 5000,
  ) {}

  async contacts(userIds: string[]): Promise<Map<string, Contact>> {
    const out = new Map<string, Contact>();
    if (userIds.length === 0) return out;
    try {
      const r = await this.client.batchGetUsers(
        { userIds: [...new Set(userIds)] },
        {
          metadata: callMetadata({ token: await this.serviceToken.get() }),
          deadline: new Date(Date.now() + this.timeoutMs),
        },
      );
      for (const u of r.users) {
        out.set(u.id, {
          userId: u.id,
          email: u.email,
          emailVerified: u.emailVerified,
          phone: u.phone,
          displayName: u.displayName,
          locale: u.locale,
        });
      }
    } catch (err) {
      throw new AppError('UNAVAILABLE', 'AUTH_UNAVAILABLE', 'User contacts are unavailable right now', {
        metadata: { cause: String((err as Error)?.message ?? err).slice(0, 200) },
      });
    }
    return out;
  }

  /** The family's IANA zone; UTC when there is no family or auth does not know it. */
  async familyZone(familyId: string): Promise<string> {
    if (!familyId) return 'UTC';
    const [family] = await this.gateway.families([familyId]);
    return family?.timezone || 'UTC';
  }
}
