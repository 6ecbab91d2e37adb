// Verifies Google and Apple ID tokens against each provider's JWKS (a configurable URL, so tests
// serve their own) with pinned issuers and our client ids as the audience.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { AppError } from '@family/errors';

export type SocialProviderName = 'google' | 'apple';

export interface SocialProviderConfig {
  jwksUrl: string;
  issuers: string[];
  audiences: string[];
}

export interface SocialIdentity {
  provider: SocialProviderName;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

export class SocialVerifier {
  private readonly jwks = new Map<SocialProviderName, ReturnType<typeof createRemoteJWKSet>>();

  constructor(private readonly providers: Record<SocialProviderName, SocialProviderConfig>) {}

  async verify(provider: SocialProviderName, idToken: string): Promise<SocialIdentity> {
    const config = this.providers[provider];
    if (config.audiences.length === 0) {
      throw AppError.precondition('PROVIDER_NOT_CONFIGURED', `Sign-in with ${provider} is not configured`);
    }
    let jwks = this.jwks.get(provider);
    if (!jwks) {
      jwks = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 3600_000 });
      this.jwks.set(provider, jwks);
    }
    try {
      const { payload } = await jwtVerify(idToken, jwks, {
        issuer: config.issuers,
        audience: config.audiences,
        algorithms: ['RS256', 'ES256'],
        requiredClaims: ['sub', 'exp'],
      });
      // Apple sends email_verified as the string "true"; Google as a boolean.
      const verified = payload.email_verified === true || payload.email_verified === 'true';
      return {
        provider,
        subject: payload.sub!,
        email: typeof payload.email === 'string' ? payload.email.toLowerCase() : null,
        emailVerified: verified,
        name: typeof payload.name === 'string' ? payload.name : null,
      };
    } catch (err) {
      if (err instanceof errors.JOSEError) {
        if (err instanceof errors.JWKSTimeout || err.code === 'ERR_JOSE_GENERIC') {
          throw new AppError('UNAVAILABLE', 'PROVIDER_UNAVAILABLE', `Could not reach ${provider} to check the token`);
        }
        throw AppError.unauthenticated(`The ${provider} ID token is not valid`, 'INVALID_ID_TOKEN');
      }
      throw err;
    }
  }
}
