// family.events.v1.EventConsumerService, the contract producers' relays deliver to: the same use case
// and checks (service token with scope events:write) as ExpenseService.HandleEvents.
import type { ServiceImplementation } from 'nice-grpc';
import type { AuthContext } from '@family/grpc-kit';
import type { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { ExpenseApp } from '../app/expense.app.js';

export function eventConsumerHandlers(
  app: ExpenseApp,
): ServiceImplementation<typeof EventConsumerServiceDefinition, AuthContext> {
  return {
    async handleEvents(req, ctx) {
      return { accepted: await app.events.handle(ctx.caller, req.events) };
    },
  };
}
