// Proto ⇄ domain for the notification service: enums by name (the kit's enumCodec), timestamps as Dates.
import { enumCodec } from '@family/service-kit';
import { Channel as ProtoChannel, NotificationCategory } from '@family/contracts/common/v1/common';
import {
  DevicePlatform,
  type CategoryChannelSetting,
  type ChildNewsSettings as ProtoChildNewsSettings,
  type ChildNotificationSettings,
  type Device as ProtoDevice,
  type Notification,
  type Preferences as ProtoPreferences,
} from '@family/contracts/notification/v1/notification';
import {
  CATEGORIES,
  CHANNELS,
  type Category,
  type Channel,
  type ChannelSetting,
  type ChildNewsSettings,
  type ChildSettings,
  type Device,
  type InboxItem,
  type Preferences,
} from '../domain/notification.types.js';
import type { SettingInput } from '../app/preferences.js';

const date = (iso: string | undefined) => (iso ? new Date(iso) : undefined);

const categories = enumCodec<Category, NotificationCategory>(
  'NOTIFICATION_CATEGORY_',
  CATEGORIES,
  NotificationCategory,
);
const channels = enumCodec<Channel, ProtoChannel>('CHANNEL_', CHANNELS, ProtoChannel);
const platforms = enumCodec<Device['platform'], DevicePlatform>(
  'DEVICE_PLATFORM_',
  ['IOS', 'ANDROID', 'WEB'],
  DevicePlatform,
);

/**
 * A caller's values: UNSPECIFIED is "not given" (the use case says what is required), anything else
 * outside the domain is a violation on the field that carried it.
 */
export const decode = {
  settings: (list: CategoryChannelSetting[]): SettingInput[] =>
    list.map((s, i) => ({
      category: categories.decode(s.category, `settings.${i}.category`),
      channel: channels.decode(s.channel, `settings.${i}.channel`),
      enabled: s.enabled,
    })),
  platform: (p: DevicePlatform): Device['platform'] | undefined => platforms.decode(p, 'platform'),
  channel: (c: ProtoChannel): Channel | undefined => channels.decode(c, 'channel'),
};

export function encodeSetting(s: ChannelSetting): CategoryChannelSetting {
  return {
    category: categories.encode(s.category),
    channel: channels.encode(s.channel),
    enabled: s.enabled,
  };
}

export function encodeNotification(n: InboxItem): Notification {
  return {
    id: n.id,
    familyId: n.familyId,
    category: categories.encode(n.category),
    title: n.title,
    body: n.body,
    data: n.data,
    createdAt: new Date(n.createdAt),
    readAt: date(n.readAt),
    urgent: n.urgent,
    eventId: n.eventId,
  };
}

export function encodePreferences(p: Preferences): ProtoPreferences {
  return {
    settings: p.settings.map(encodeSetting),
    quietHours: p.quietHours,
    dailyDigest: p.dailyDigest,
    urgentOverride: p.urgentOverride,
    updatedAt: date(p.updatedAt),
  };
}

export function encodeDevice(d: Device): ProtoDevice {
  return {
    id: d.id,
    platform: platforms.encode(d.platform),
    expoPushToken: d.expoPushToken,
    name: d.name,
    appVersion: d.appVersion,
    createdAt: new Date(d.createdAt),
    lastSeenAt: new Date(d.lastSeenAt),
  };
}

export function encodeChildSettings(s: ChildSettings): ChildNotificationSettings {
  return {
    memberId: s.memberId,
    settings: s.settings.map(encodeSetting),
    updatedByMemberId: s.updatedByMemberId,
    updatedAt: date(s.updatedAt),
  };
}

export function encodeChildNews(s: ChildNewsSettings): ProtoChildNewsSettings {
  return {
    memberId: s.memberId,
    parentMemberId: s.parentMemberId,
    settings: s.settings.map(encodeSetting),
    spendingLimitSmsEscalation: s.smsEscalation,
    updatedAt: date(s.updatedAt),
  };
}
