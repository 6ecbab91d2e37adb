// NotificationService handlers: decode → use case → encode. Nothing else happens here.
import type { ServiceImplementation } from 'nice-grpc';
import { requireScope, type AuthContext } from '@family/grpc-kit';
import { Scopes } from '@family/service-kit';
import type { NotificationServiceDefinition } from '@family/contracts/notification/v1/notification';
import type { EventFanout } from '../app/event.fanout.js';
import type { InboxUseCases } from '../app/inbox.js';
import type { PreferencesUseCases } from '../app/preferences.js';
import type { DevicesUseCases } from '../app/devices.js';
import type { DedupStore } from '../store/dedup.store.js';
import {
  decode,
  encodeChildNews,
  encodeChildSettings,
  encodeDevice,
  encodeNotification,
  encodePreferences,
} from './notification.encode.js';

export interface NotificationUseCases {
  fanout: EventFanout;
  inbox: InboxUseCases;
  preferences: PreferencesUseCases;
  devices: DevicesUseCases;
  deliveries: DedupStore;
}

export function notificationHandlers(
  u: NotificationUseCases,
): ServiceImplementation<typeof NotificationServiceDefinition, AuthContext> {
  return {
    async handleEvents(req, ctx) {
      return { accepted: await u.fanout.handle(ctx.caller, req.events) };
    },
    async listNotifications(req, ctx) {
      const r = await u.inbox.list(ctx.caller, {
        limit: req.page?.limit,
        cursor: req.page?.cursor ?? '',
        unreadOnly: req.unreadOnly,
        familyId: req.familyId,
      });
      return {
        notifications: r.items.map(encodeNotification),
        page: { nextCursor: r.nextCursor },
        unreadCount: r.unreadCount,
      };
    },
    async markNotificationRead(req, ctx) {
      const r = await u.inbox.markRead(ctx.caller, req.notificationId);
      return { notification: encodeNotification(r.item), unreadCount: r.unreadCount };
    },
    async markAllNotificationsRead(req, ctx) {
      const r = await u.inbox.markAll(ctx.caller, {
        ...(req.before ? { before: req.before } : {}),
        familyId: req.familyId,
      });
      return { markedCount: r.marked, unreadCount: r.unreadCount };
    },
    async getPreferences(_req, ctx) {
      return { preferences: encodePreferences(await u.preferences.get(ctx.caller)) };
    },
    async updatePreferences(req, ctx) {
      const prefs = await u.preferences.update(ctx.caller, {
        settings: decode.settings(req.settings),
        ...(req.quietHours ? { quietHours: req.quietHours } : {}),
        dailyDigest: req.dailyDigest,
        urgentOverride: req.urgentOverride,
      });
      return { preferences: encodePreferences(prefs) };
    },
    async registerDevice(req, ctx) {
      const device = await u.devices.register(ctx.caller, {
        expoPushToken: req.expoPushToken,
        platform: decode.platform(req.platform),
        name: req.name,
        appVersion: req.appVersion,
      });
      return { device: encodeDevice(device) };
    },
    async unregisterDevice(req, ctx) {
      await u.devices.unregister(ctx.caller, req.deviceId);
      return {};
    },
    async listDevices(_req, ctx) {
      // A user has a handful of devices: one page holds them all.
      return { devices: (await u.devices.list(ctx.caller)).map(encodeDevice), page: { nextCursor: '' } };
    },
    async getChildNotificationSettings(req, ctx) {
      return {
        settings: encodeChildSettings(await u.preferences.getChild(ctx.caller, req.familyId, req.memberId)),
      };
    },
    async updateChildNotificationSettings(req, ctx) {
      const settings = await u.preferences.updateChild(ctx.caller, req.familyId, req.memberId, {
        settings: decode.settings(req.settings),
      });
      return { settings: encodeChildSettings(settings) };
    },
    async getChildNewsSettings(req, ctx) {
      return { settings: encodeChildNews(await u.preferences.getChildNews(ctx.caller, req.familyId, req.memberId)) };
    },
    async updateChildNewsSettings(req, ctx) {
      const settings = await u.preferences.updateChildNews(ctx.caller, req.familyId, req.memberId, {
        settings: decode.settings(req.settings),
        smsEscalation: req.spendingLimitSmsEscalation,
      });
      return { settings: encodeChildNews(settings) };
    },
    async removeDeviceToken(req, ctx) {
      return { removed: await u.devices.removeToken(ctx.caller, req.expoPushToken) };
    },
    async acknowledgeDelivery(req, ctx) {
      requireScope(ctx.caller, Scopes.NOTIFICATIONS_DELIVER);
      await u.deliveries.recordDelivery(req.notificationId, decode.channel(req.channel) ?? 'UNKNOWN', {
        status: 'DELIVERED',
        providerMessageId: req.providerMessageId,
        at: (req.deliveredAt ?? new Date()).toISOString(),
      });
      return {};
    },
    async recordDeliveryFailure(req, ctx) {
      requireScope(ctx.caller, Scopes.NOTIFICATIONS_DELIVER);
      await u.deliveries.recordDelivery(req.notificationId, decode.channel(req.channel) ?? 'UNKNOWN', {
        status: req.permanent ? 'FAILED' : 'RETRYING',
        attempt: req.attempt,
        error: req.error.slice(0, 500),
      });
      return {};
    },
  };
}
