// family.events.v1.EventConsumerService, the contract producers' relays deliver to: the same use case
// and check (service token with scope events:write) as GamificationService.RecordEvents.
import type { ServiceImplementation } from 'nice-grpc';
import type { AuthContext } from '@family/grpc-kit';
import type { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { EventRecorder } from '../app/event.recorder.js';
import { deliveredEvent } from './activity.mapping.js';

export function eventConsumerHandlers(
  recorder: EventRecorder,
): ServiceImplementation<typeof EventConsumerServiceDefinition, AuthContext> {
  return {
    async handleEvents(req, ctx) {
      const { accepted } = await recorder.record(ctx.caller, req.events.map(deliveredEvent));
      return { accepted };
    },
  };
}
