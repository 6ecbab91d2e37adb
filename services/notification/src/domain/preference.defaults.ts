// Default delivery settings (docs/decisions/0013-notification-service.md explains them) and how stored overrides combine with them.
import { CATEGORIES, CHANNELS, type Category, type Channel, type ChannelSetting } from './notification.types.js';

/** Email by default only for what should not be missed; SMS never by default (it costs money). */
const EMAIL_BY_DEFAULT: ReadonlySet<Category> = new Set(['SPENDING_LIMIT', 'BANK', 'SECURITY']);

export function defaultEnabled(category: Category, channel: Channel): boolean {
  switch (channel) {
    case 'IN_APP':
    case 'PUSH':
      return true;
    case 'EMAIL':
      return EMAIL_BY_DEFAULT.has(category);
    case 'SMS':
      return false;
  }
}

export const pairKey = (category: Category, channel: Channel) => `${category}:${channel}`;

/** Every category × channel pair: the overrides where given, the defaults elsewhere. */
export function fillSettings(
  overrides: Record<string, boolean>,
  fallback: (category: Category, channel: Channel) => boolean = defaultEnabled,
  categories: readonly Category[] = CATEGORIES,
): ChannelSetting[] {
  const out: ChannelSetting[] = [];
  for (const category of categories) {
    for (const channel of CHANNELS) {
      const key = pairKey(category, channel);
      out.push({ category, channel, enabled: key in overrides ? overrides[key]! : fallback(category, channel) });
    }
  }
  return out;
}

export function isEnabled(settings: readonly ChannelSetting[], category: Category, channel: Channel): boolean {
  return settings.find((s) => s.category === category && s.channel === channel)?.enabled ?? false;
}
