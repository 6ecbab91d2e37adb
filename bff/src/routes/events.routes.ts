// GET /v1/events: the caller's new notifications as Server-Sent Events. EventSource cannot set
// headers, so besides `Authorization: Bearer` the access token may come as `?access_token=` (keep
// such URLs out of logs and referrers: they are short-lived tokens). With `Last-Event-ID` the stream
// first replays the inbox entries newer than that id (from NotificationService.ListNotifications,
// when configured), then goes live; live messages that arrive meanwhile are held back and deduplicated.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '@family/errors';
import { requireUser, type TokenVerifier } from '@family/grpc-kit';
import { requireAuth } from '../middleware/auth.middleware.js';
import { PROBLEM_CONTENT_TYPE } from '../middleware/problem.middleware.js';
import { BEARER_SCHEME, ProblemSchema } from '../openapi.js';
import type { UserEventsHub } from '../events/user.events.hub.js';
import type { NotificationDto } from '../dto/notification.dto.js';

/** The caller's inbox entries newer than `lastEventId`, oldest first (empty when unknown or unavailable). */
export type NotificationReplay = (req: Request, lastEventId: string) => Promise<NotificationDto[]>;

export interface EventsRoutesDeps {
  hub: UserEventsHub;
  verifier: TokenVerifier;
  heartbeatMs: number;
  replay?: NotificationReplay | undefined;
  registry?: OpenAPIRegistry;
}

/** Parses a published message; its id (`id` or `notificationId`) becomes the SSE id. */
function toEvent(message: string): { id: string; data: string } | undefined {
  try {
    const parsed = JSON.parse(message) as { id?: unknown; notificationId?: unknown };
    const id =
      typeof parsed.id === 'string'
        ? parsed.id
        : typeof parsed.notificationId === 'string'
          ? parsed.notificationId
          : '';
    // Re-serialized: one line, whatever the publisher sent.
    return { id, data: JSON.stringify(parsed) };
  } catch {
    return undefined;
  }
}

export function eventsRoutes(deps: EventsRoutesDeps): Router {
  const router = Router();
  deps.registry?.registerPath({
    method: 'get',
    path: '/v1/events',
    operationId: 'getEvents',
    summary: "The caller's new notifications as Server-Sent Events (`event: notification`, `id:` the notification id)",
    description:
      'Heartbeat comments (`: ping`) keep the stream open. `Last-Event-ID` first replays newer inbox entries. ' +
      'EventSource cannot set headers: the access token may also come as `?access_token=`.',
    tags: ['notifications'],
    security: [{ [BEARER_SCHEME]: [] }],
    request: {
      query: z.object({ access_token: z.string().optional() }),
      headers: z.object({ 'Last-Event-ID': z.string().optional() }),
    },
    responses: {
      200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string() } } },
      401: {
        description: 'Missing, invalid or expired access token',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    },
  });

  // ?access_token= for EventSource; a header, when present, wins.
  router.get('/v1/events', async (req, _res, next) => {
    const token = typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
    if (req.caller || !token || req.get('authorization')) {
      next();
      return;
    }
    try {
      req.caller = requireUser(await deps.verifier.verify(token));
    } catch (err) {
      if (!(err instanceof AppError)) {
        next(err);
        return;
      }
      req.authError = err;
    }
    next();
  });

  router.get('/v1/events', requireAuth(), async (req, res) => {
    const userId = req.caller!.userId;
    const sent = new Set<string>();
    let live = false;
    const held: string[] = [];
    let closed = false;
    const write = (message: string) => {
      if (closed) return;
      const event = toEvent(message);
      if (!event || (event.id && sent.has(event.id))) return;
      if (event.id) sent.add(event.id);
      res.write(`${event.id ? `id: ${event.id}\n` : ''}event: notification\ndata: ${event.data}\n\n`);
    };
    const unsubscribe = await deps.hub.subscribe(userId, (message) => {
      if (live) write(message);
      else held.push(message);
    });

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // nginx and similar proxies must not buffer the stream.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 3000\n\n`);

    const heartbeat = setInterval(() => res.write(': ping\n\n'), deps.heartbeatMs);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      void unsubscribe();
    };
    req.on('close', close);
    res.on('close', close);

    const lastEventId = req.get('last-event-id');
    if (lastEventId && deps.replay) {
      try {
        for (const n of await deps.replay(req, lastEventId)) write(JSON.stringify(n));
      } catch (err) {
        req.log?.warn({ err }, 'SSE replay failed; going live without it');
      }
    }
    live = true;
    for (const message of held.splice(0)) write(message);
  });

  return router;
}
