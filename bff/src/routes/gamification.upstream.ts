// The gamification service behind its routes: the client when GAMIFICATION_GRPC_URL is set, and a
// guard answering 503 GAMIFICATION_UNAVAILABLE on its paths when it is not.
import type { RequestHandler, Router } from 'express';
import type { BffClients } from '../clients.js';
import { sendProblem } from '../middleware/problem.middleware.js';

export type GamificationClient = NonNullable<BffClients['gamification']>;

export const GAMIFICATION_UNAVAILABLE = { 503: 'Gamification is not configured on this server' };

/** Answers 503 on `paths` (before authentication) while no gamification service is configured. */
export function guardGamification(router: Router, clients: BffClients, paths: string[]): () => GamificationClient {
  const guard: RequestHandler = (req, res, next) => {
    if (clients.gamification) {
      next();
      return;
    }
    sendProblem(req, res, {
      status: 503,
      code: 'GAMIFICATION_UNAVAILABLE',
      detail: 'Progress, badges, quests and leaderboards are not available on this server',
    });
  };
  router.use(paths, guard);
  return () => clients.gamification!;
}
