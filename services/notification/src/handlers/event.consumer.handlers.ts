// family.events.v1.EventConsumerService, the contract producers' relays deliver to: the same use case
// and checks (service token with scope events:write) as NotificationService.HandleEvents.
import type { ServiceImplementation } from 'nice-grpc';
import type { AuthContext } from '@family/grpc-kit';
import type { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { EventFanout } from '../app/event.fanout.js';

export function eventConsumerHandlers(
  fanout: EventFanout,
): ServiceImplementation<typeof EventConsumerServiceDefinition, AuthContext> {
  return {
    async handleEvents(req, ctx) {
      return { accepted: await fanout.handle(ctx.caller, req.events) };
    },
  };
}
