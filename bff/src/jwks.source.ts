// The TokenVerifier's key source: the auth service's GetJwks. The verifier caches what this returns
// and calls it again only when the keys age or a token names an unknown key id.
import type { JWK } from 'jose';
import type { KeySource } from '@family/grpc-kit';
import type { BffClients } from './clients.js';
import { toJwkDto } from './dto/auth.dto.js';

export function jwksFromAuth(auth: BffClients['auth'], timeoutMs = 5000): KeySource {
  return async () => {
    const r = await auth.getJwks({}, { deadline: new Date(Date.now() + timeoutMs) });
    return r.keys.map((k) => toJwkDto(k) as JWK);
  };
}
