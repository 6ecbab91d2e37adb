// The REST notification shape (ARCHITECTURE §5): {id, category, title, body, data, createdAt, readAt?}.
import { z } from 'zod';
import { Channel, NotificationCategory } from '@family/contracts/common/v1/common';
import {
  DevicePlatform,
  type CategoryChannelSetting,
  type ChildNewsSettings,
  type ChildNotificationSettings,
  type Device,
  type Notification,
  type Preferences,
  type QuietHours,
} from '@family/contracts/notification/v1/notification';
import { protoEnum } from './proto.enum.js';
import { text } from './text.field.js';

export const notificationCategory = protoEnum(
  NotificationCategory,
  'NOTIFICATION_CATEGORY_',
  ['BUDGET', 'SPENDING_LIMIT', 'CHORES', 'GOALS', 'ALLOWANCE', 'ACHIEVEMENTS', 'BANK', 'FAMILY', 'SECURITY'],
  'NotificationCategory',
);

export const NotificationDto = z
  .object({
    id: z.string(),
    familyId: z.string().nullable(),
    category: notificationCategory.schema,
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.string()),
    urgent: z.boolean(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });

export type NotificationDto = z.infer<typeof NotificationDto>;

export function toNotificationDto(n: Notification): NotificationDto {
  return {
    id: n.id,
    familyId: n.familyId || null,
    category: notificationCategory.fromProto(n.category),
    title: n.title,
    body: n.body,
    data: n.data,
    urgent: n.urgent,
    createdAt: (n.createdAt ?? new Date(0)).toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}

export const notificationChannel = protoEnum(
  Channel,
  'CHANNEL_',
  ['IN_APP', 'PUSH', 'EMAIL', 'SMS'],
  'NotificationChannel',
);

export const devicePlatform = protoEnum(
  DevicePlatform,
  'DEVICE_PLATFORM_',
  ['IOS', 'ANDROID', 'WEB'],
  'DevicePlatform',
);

export const CategoryChannelDto = z
  .object({ category: notificationCategory.schema, channel: notificationChannel.schema, enabled: z.boolean() })
  .meta({ id: 'CategoryChannelSetting' });

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

export const QuietHoursDto = z
  .object({
    enabled: z.boolean(),
    start: HHMM,
    end: HHMM,
    timezone: text({ max: 64 }).default('').meta({ description: "IANA zone; empty: the family's zone" }),
  })
  .meta({ id: 'QuietHours' });

export const PreferencesBody = z
  .object({
    settings: z
      .array(CategoryChannelDto)
      .max(100)
      .default([])
      .meta({ description: 'Pairs left out return to their defaults' }),
    quietHours: QuietHoursDto.nullable().default(null).meta({ description: 'null: no quiet hours' }),
    dailyDigest: z.boolean().default(false),
    urgentOverride: z.boolean().default(false),
  })
  .meta({ id: 'PutNotificationPreferencesRequest' });

export const PreferencesDto = z
  .object({
    settings: z.array(CategoryChannelDto),
    quietHours: QuietHoursDto.nullable(),
    dailyDigest: z.boolean(),
    urgentOverride: z.boolean(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'NotificationPreferences' });

export const DeviceDto = z
  .object({
    id: z.string(),
    platform: devicePlatform.schema,
    expoPushToken: z.string(),
    name: z.string(),
    appVersion: z.string(),
    createdAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
  })
  .meta({ id: 'Device' });

export const ChildNotificationSettingsBody = z
  .object({
    settings: z.array(CategoryChannelDto).max(100).default([]).meta({ description: 'Pairs left out are allowed' }),
  })
  .meta({ id: 'PutChildNotificationSettingsRequest' });

export const ChildNotificationSettingsDto = z
  .object({
    memberId: z.string(),
    settings: z.array(CategoryChannelDto),
    updatedByMemberId: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'ChildNotificationSettings' });

export const ChildNewsSettingsBody = z
  .object({
    settings: z.array(CategoryChannelDto).max(100).default([]).meta({
      description:
        'Pairs left out are on; only SPENDING_LIMIT, CHORES, GOALS, ALLOWANCE and ACHIEVEMENTS carry news about a child',
    }),
    spendingLimitSmsEscalation: z
      .boolean()
      .default(false)
      .meta({ description: 'Text me when this child exceeds a spending limit, even with my SMS setting off' }),
  })
  .meta({ id: 'PutChildNewsSettingsRequest' });

export const ChildNewsSettingsDto = z
  .object({
    memberId: z.string().meta({ description: 'The child' }),
    parentMemberId: z.string().meta({ description: 'The parent these settings belong to (the caller)' }),
    settings: z.array(CategoryChannelDto),
    spendingLimitSmsEscalation: z.boolean(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'ChildNewsSettings' });

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

export function toSettingDtos(settings: CategoryChannelSetting[]): z.infer<typeof CategoryChannelDto>[] {
  return settings.map((s) => ({
    category: notificationCategory.fromProto(s.category),
    channel: notificationChannel.fromProto(s.channel),
    enabled: s.enabled,
  }));
}

export function fromSettingDtos(settings: z.infer<typeof CategoryChannelDto>[]): CategoryChannelSetting[] {
  return settings.map((s) => ({
    category: notificationCategory.toProto(s.category),
    channel: notificationChannel.toProto(s.channel),
    enabled: s.enabled,
  }));
}

export function toPreferencesDto(p: Preferences | undefined): z.infer<typeof PreferencesDto> {
  const quiet = p?.quietHours;
  return {
    settings: toSettingDtos(p?.settings ?? []),
    quietHours: quiet?.enabled ? { enabled: true, start: quiet.start, end: quiet.end, timezone: quiet.timezone } : null,
    dailyDigest: p?.dailyDigest ?? false,
    urgentOverride: p?.urgentOverride ?? false,
    updatedAt: iso(p?.updatedAt),
  };
}

export function fromQuietHoursDto(q: z.infer<typeof QuietHoursDto> | null): QuietHours | undefined {
  return q ? { enabled: q.enabled, start: q.start, end: q.end, timezone: q.timezone } : undefined;
}

export function toDeviceDto(d: Device): z.infer<typeof DeviceDto> {
  return {
    id: d.id,
    platform: devicePlatform.fromProto(d.platform),
    expoPushToken: d.expoPushToken,
    name: d.name,
    appVersion: d.appVersion,
    createdAt: iso(d.createdAt),
    lastSeenAt: iso(d.lastSeenAt),
  };
}

export function toChildSettingsDto(s: ChildNotificationSettings | undefined, memberId: string) {
  return {
    memberId: s?.memberId || memberId,
    settings: toSettingDtos(s?.settings ?? []),
    updatedByMemberId: s?.updatedByMemberId || null,
    updatedAt: iso(s?.updatedAt),
  };
}

export function toChildNewsDto(s: ChildNewsSettings | undefined, memberId: string) {
  return {
    memberId: s?.memberId || memberId,
    parentMemberId: s?.parentMemberId ?? '',
    settings: toSettingDtos(s?.settings ?? []),
    spendingLimitSmsEscalation: s?.spendingLimitSmsEscalation ?? false,
    updatedAt: iso(s?.updatedAt),
  };
}
