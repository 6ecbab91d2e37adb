// Proto ⇄ domain for the notification service: enums by name, timestamps as Dates.
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

function category(c: NotificationCategory): Category | undefined {
  const name = String(c).replace('NOTIFICATION_CATEGORY_', '');
  return (CATEGORIES as readonly string[]).includes(name) ? (name as Category) : undefined;
}

function channel(c: ProtoChannel): Channel | undefined {
  const name = String(c).replace('CHANNEL_', '');
  return (CHANNELS as readonly string[]).includes(name) ? (name as Channel) : undefined;
}

export const decode = {
  settings: (list: CategoryChannelSetting[]): SettingInput[] =>
    list.map((s) => ({ category: category(s.category), channel: channel(s.channel), enabled: s.enabled })),
  platform: (p: DevicePlatform): Device['platform'] | undefined =>
    ({
      [DevicePlatform.DEVICE_PLATFORM_IOS]: 'IOS' as const,
      [DevicePlatform.DEVICE_PLATFORM_ANDROID]: 'ANDROID' as const,
      [DevicePlatform.DEVICE_PLATFORM_WEB]: 'WEB' as const,
    })[p as string],
};

export function encodeSetting(s: ChannelSetting): CategoryChannelSetting {
  return {
    category: `NOTIFICATION_CATEGORY_${s.category}` as NotificationCategory,
    channel: `CHANNEL_${s.channel}` as ProtoChannel,
    enabled: s.enabled,
  };
}

export function encodeNotification(n: InboxItem): Notification {
  return {
    id: n.id,
    familyId: n.familyId,
    category: `NOTIFICATION_CATEGORY_${n.category}` as NotificationCategory,
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
    platform: `DEVICE_PLATFORM_${d.platform}` as DevicePlatform,
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

export { channel as decodeChannel };
