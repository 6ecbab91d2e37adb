// The EVENT_SUBSCRIBERS setting of a producer: who receives its events, where, and which ones.
import { z } from 'zod';

export interface EventSubscriberConfig {
  /** Names the subscriber's progress in the event log; renaming it starts it over from the oldest event. */
  name: string;
  /** host:port of its EventConsumerService. */
  address: string;
  /** Event types it wants ('jar.spent', or a family 'chore.*'); empty: every event. */
  eventTypes: string[];
}

const NAME = /^[a-z][a-z0-9_-]*$/;
const TYPE = /^[a-z_]+(\.[a-z_]+)*(\.\*)?$/;
const ENTRY = /^([^=\s]+)=([^\s[\]]+)(?:\[([^\]]*)\])?$/;

/**
 * Parses `name=host:port[type type …]` entries separated by commas, e.g.
 * `notification=notification:50054,expense=expense:50052[jar.spent]`. Without brackets the subscriber
 * receives every event. Throws a message naming the bad entry.
 */
export function parseEventSubscribers(value: string): EventSubscriberConfig[] {
  const seen = new Set<string>();
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = ENTRY.exec(entry);
      if (!match) throw new Error(`each entry must be name=host:port or name=host:port[type …]; got '${entry}'`);
      const [, name = '', address = '', types = ''] = match;
      if (!NAME.test(name)) throw new Error(`'${name}' is not a subscriber name (lower case letters, digits, - and _)`);
      if (seen.has(name)) throw new Error(`subscriber '${name}' is listed twice`);
      seen.add(name);
      if (!/^[^:]+:\d{1,5}$/.test(address))
        throw new Error(`the address of '${name}' must be host:port; got '${address}'`);
      const eventTypes = types.split(/\s+/).filter(Boolean);
      const bad = eventTypes.find((t) => !TYPE.test(t));
      if (bad !== undefined) throw new Error(`'${bad}' (for '${name}') is not an event type like jar.spent or chore.*`);
      if (types !== '' && eventTypes.length === 0)
        throw new Error(`'${name}' lists no event types between the brackets`);
      return { name, address, eventTypes };
    });
}

/** The zod piece for a service config: `EVENT_SUBSCRIBERS: eventSubscribersEnv()`. */
export function eventSubscribersEnv() {
  return z
    .string()
    .default('')
    .transform((value, ctx): EventSubscriberConfig[] => {
      try {
        return parseEventSubscribers(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });
}

/** Whether a subscriber listing `eventTypes` wants an event of `type`. */
export function wantsEvent(eventTypes: readonly string[] | undefined, type: string): boolean {
  if (!eventTypes || eventTypes.length === 0) return true;
  return eventTypes.some((t) => (t.endsWith('.*') ? type.startsWith(t.slice(0, -1)) : t === type));
}
