// The caller's notifications (inbox, read marks), notification preferences and push devices, and the
// parental controls over a child's notifications, all on NotificationService. Without
// NOTIFICATION_GRPC_URL every one of them answers 503 NOTIFICATIONS_UNAVAILABLE.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import {
  ChildNewsSettingsBody,
  ChildNewsSettingsDto,
  ChildNotificationSettingsBody,
  ChildNotificationSettingsDto,
  DeviceDto,
  NotificationDto,
  PreferencesBody,
  PreferencesDto,
  devicePlatform,
  fromQuietHoursDto,
  fromSettingDtos,
  toChildNewsDto,
  toChildSettingsDto,
  toDeviceDto,
  toNotificationDto,
  toPreferencesDto,
} from '../dto/notification.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { sendProblem } from '../middleware/problem.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { MemberParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const ListNotificationsQuery = PageQuery.extend({
  unreadOnly: z.enum(['true', 'false']).optional().meta({ description: 'Only unread notifications' }),
  familyId: z.uuid().optional().meta({ description: "Only this family's notifications" }),
});

const NotificationPageDto = pageOf(NotificationDto, 'NotificationPage')
  .extend({ unreadCount: z.int().meta({ description: 'Across the whole inbox, regardless of filters' }) })
  .meta({ id: 'NotificationPage' });

const NotificationParams = z.object({ notificationId: z.uuid() });
const DeviceParams = z.object({ deviceId: z.uuid() });

const MarkedReadDto = z
  .object({ notification: NotificationDto, unreadCount: z.int() })
  .meta({ id: 'NotificationMarkedRead' });

const ReadAllBody = z
  .object({
    before: z.iso.datetime({ offset: true }).optional().meta({ description: 'Only those created at or before' }),
    familyId: z.uuid().optional(),
  })
  .meta({ id: 'MarkAllNotificationsReadRequest' });

const ReadAllDto = z.object({ markedCount: z.int(), unreadCount: z.int() }).meta({ id: 'NotificationsMarkedRead' });

const RegisterDeviceBody = z
  .object({
    expoPushToken: z
      .string()
      .regex(/^Expo(nent)?PushToken\[[^\]]+\]$/, 'must be an Expo push token, ExponentPushToken[...]')
      .max(255),
    platform: devicePlatform.schema,
    name: text({ max: 100 }).default(''),
    appVersion: text({ max: 50 }).default(''),
  })
  .meta({ id: 'RegisterDeviceRequest' });

const DevicePageDto = pageOf(DeviceDto, 'DevicePage');

export function notificationsRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const tag = 'notifications';
  const configured = (): NonNullable<BffClients['notification']> => ctx.clients.notification!;

  // Answer 503 before anything else when the service is not configured (documented per route).
  const unavailable: RequestHandler = (req, res, next) => {
    if (ctx.clients.notification) {
      next();
      return;
    }
    sendProblem(req, res, {
      status: 503,
      code: 'NOTIFICATIONS_UNAVAILABLE',
      detail: 'Notifications are not available on this server',
    });
  };
  router.use(['/v1/me/notifications', '/v1/me/notification-preferences', '/v1/me/devices'], unavailable);
  router.use(
    [
      '/v1/families/:familyId/members/:memberId/notification-settings',
      '/v1/families/:familyId/members/:memberId/news-settings',
    ],
    unavailable,
  );
  const errors = { 503: 'Notifications are not configured on this server' };

  apiRoute(route, {
    method: 'get',
    path: '/v1/me/notifications',
    summary: "The caller's notifications, newest first",
    tag,
    auth: true,
    request: { query: ListNotificationsQuery },
    responses: { 200: { description: 'A page of notifications', schema: NotificationPageDto } },
    errors,
    async handler(req, res, { query }) {
      const r = await configured().listNotifications(
        { page: toPageRequest(query), unreadOnly: query.unreadOnly === 'true', familyId: query.familyId ?? '' },
        callOptions(req),
      );
      res.json({
        items: r.notifications.map(toNotificationDto),
        nextCursor: toNextCursor(r.page),
        unreadCount: r.unreadCount,
      });
    },
  });

  // Before /:notificationId/read so "read-all" is never taken for an id.
  apiRoute(route, {
    method: 'post',
    path: '/v1/me/notifications/read-all',
    summary: "Marks all (or the given family's, or those up to `before`) of the caller's notifications read",
    tag,
    auth: true,
    request: { body: ReadAllBody },
    responses: { 200: { description: 'How many were marked', schema: ReadAllDto } },
    errors,
    async handler(req, res, { body }) {
      const r = await configured().markAllNotificationsRead(
        { before: body.before ? new Date(body.before) : undefined, familyId: body.familyId ?? '' },
        callOptions(req),
      );
      res.json({ markedCount: r.markedCount, unreadCount: r.unreadCount });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/me/notifications/:notificationId/read',
    summary: 'Marks one of the caller’s notifications read',
    tag,
    auth: true,
    request: { params: NotificationParams },
    responses: { 200: { description: 'The notification, now read', schema: MarkedReadDto } },
    errors: { ...errors, 404: 'No such notification in the caller’s inbox' },
    async handler(req, res, { params }) {
      const r = await configured().markNotificationRead({ notificationId: params.notificationId }, callOptions(req));
      res.json({ notification: toNotificationDto(r.notification!), unreadCount: r.unreadCount });
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/me/notification-preferences',
    summary: "The caller's preferences per category and channel, quiet hours and digest (defaults filled in)",
    tag,
    auth: true,
    responses: { 200: { description: 'The preferences', schema: PreferencesDto } },
    errors,
    async handler(req, res) {
      const r = await configured().getPreferences({}, callOptions(req));
      res.json(toPreferencesDto(r.preferences));
    },
  });

  apiRoute(route, {
    method: 'put',
    path: '/v1/me/notification-preferences',
    summary: "Replaces the caller's preferences (pairs left out return to their defaults)",
    tag,
    auth: true,
    request: { body: PreferencesBody },
    responses: { 200: { description: 'The preferences now', schema: PreferencesDto } },
    errors,
    async handler(req, res, { body }) {
      const r = await configured().updatePreferences(
        {
          settings: fromSettingDtos(body.settings),
          quietHours: fromQuietHoursDto(body.quietHours),
          dailyDigest: body.dailyDigest,
          urgentOverride: body.urgentOverride,
        },
        callOptions(req),
      );
      res.json(toPreferencesDto(r.preferences));
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/me/devices',
    summary: "The caller's push devices",
    tag,
    auth: true,
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of devices', schema: DevicePageDto } },
    errors,
    async handler(req, res, { query }) {
      const r = await configured().listDevices({ page: toPageRequest(query) }, callOptions(req));
      res.json({ items: r.devices.map(toDeviceDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/me/devices',
    summary: 'Registers an Expo push token for the caller (a known token moves to the caller)',
    tag,
    auth: true,
    request: { body: RegisterDeviceBody },
    responses: { 201: { description: 'The device', schema: DeviceDto } },
    errors,
    async handler(req, res, { body }) {
      const r = await configured().registerDevice(
        {
          expoPushToken: body.expoPushToken,
          platform: devicePlatform.toProto(body.platform),
          name: body.name,
          appVersion: body.appVersion,
        },
        callOptions(req),
      );
      res.status(201).json(toDeviceDto(r.device!));
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: '/v1/me/devices/:deviceId',
    summary: 'Unregisters one of the caller’s devices',
    tag,
    auth: true,
    request: { params: DeviceParams },
    responses: { 204: { description: 'Unregistered' } },
    errors: { ...errors, 404: 'No such device of the caller' },
    async handler(req, res, { params }) {
      await configured().unregisterDevice({ deviceId: params.deviceId }, callOptions(req));
      res.status(204).end();
    },
  });

  const CHILD = '/v1/families/:familyId/members/:memberId/notification-settings';

  apiRoute(route, {
    method: 'get',
    path: CHILD,
    summary: 'Parental controls: which notifications a child gets (shared by the family’s parents)',
    tag,
    auth: true,
    request: { params: MemberParams },
    responses: { 200: { description: 'The settings', schema: ChildNotificationSettingsDto } },
    errors: { ...errors, 403: 'Only the family’s owner or parents', 404: 'No such member in the family' },
    async handler(req, res, { params }) {
      const r = await configured().getChildNotificationSettings(
        { familyId: params.familyId, memberId: params.memberId },
        callOptions(req),
      );
      res.json(toChildSettingsDto(r.settings, params.memberId));
    },
  });

  apiRoute(route, {
    method: 'put',
    path: CHILD,
    summary: 'Parental controls: replaces a child’s notification settings (pairs left out return to defaults)',
    tag,
    auth: true,
    request: { params: MemberParams, body: ChildNotificationSettingsBody },
    responses: { 200: { description: 'The settings now', schema: ChildNotificationSettingsDto } },
    errors: { ...errors, 403: 'Only the family’s owner or parents', 404: 'No such member in the family' },
    async handler(req, res, { params, body }) {
      const r = await configured().updateChildNotificationSettings(
        {
          familyId: params.familyId,
          memberId: params.memberId,
          settings: fromSettingDtos(body.settings),
        },
        callOptions(req),
      );
      res.json(toChildSettingsDto(r.settings, params.memberId));
    },
  });

  const NEWS = '/v1/families/:familyId/members/:memberId/news-settings';
  apiRoute(route, {
    method: 'get',
    path: NEWS,
    summary:
      "Parental controls: which news about this child the calling parent gets, and SMS escalation of the child's limit breaches",
    tag,
    auth: true,
    request: { params: MemberParams },
    responses: { 200: { description: 'The caller’s settings for this child', schema: ChildNewsSettingsDto } },
    errors: { ...errors, 403: 'Only the family’s owner or parents', 404: 'No such member in the family' },
    async handler(req, res, { params }) {
      const r = await configured().getChildNewsSettings(
        { familyId: params.familyId, memberId: params.memberId },
        callOptions(req),
      );
      res.json(toChildNewsDto(r.settings, params.memberId));
    },
  });

  apiRoute(route, {
    method: 'put',
    path: NEWS,
    summary: 'Parental controls: replaces the calling parent’s news settings for this child (pairs left out are on)',
    tag,
    auth: true,
    request: { params: MemberParams, body: ChildNewsSettingsBody },
    responses: { 200: { description: 'The settings now', schema: ChildNewsSettingsDto } },
    errors: { ...errors, 403: 'Only the family’s owner or parents', 404: 'No such member in the family' },
    async handler(req, res, { params, body }) {
      const r = await configured().updateChildNewsSettings(
        {
          familyId: params.familyId,
          memberId: params.memberId,
          settings: fromSettingDtos(body.settings),
          spendingLimitSmsEscalation: body.spendingLimitSmsEscalation,
        },
        callOptions(req),
      );
      res.json(toChildNewsDto(r.settings, params.memberId));
    },
  });

  return router;
}
