// family.events.v1.EventConsumerService, the contract producers' relays deliver to (scope
// events:write): the gamification service's achievement.unlocked events with a badge reward.
import type { ServiceImplementation } from 'nice-grpc';
import type { AuthContext } from '@family/grpc-kit';
import type { EventConsumerServiceDefinition } from '@family/contracts/events/v1/consumer';
import type { BadgeRewards } from '../app/badge.rewards.js';

export function eventConsumerHandlers(
  rewards: BadgeRewards,
): ServiceImplementation<typeof EventConsumerServiceDefinition, AuthContext> {
  return {
    async handleEvents(req, ctx) {
      return { accepted: await rewards.handle(ctx.caller, req.events) };
    },
  };
}
