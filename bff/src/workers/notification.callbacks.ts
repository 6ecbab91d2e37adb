// What the workers tell the notification service, with the BFF's service token (scope
// notifications:deliver): RemoveDeviceToken for dead push tokens, AcknowledgeDelivery and
// RecordDeliveryFailure for each outcome. Without NOTIFICATION_GRPC_URL and client credentials, dead
// tokens are only logged and outcomes only counted.
import { callMetadata, ServiceTokenSource } from '@family/grpc-kit';
import type { Logger } from '@family/logger';
import { Scopes } from '@family/service-kit';
import type { BffClients } from '../clients.js';
import { CONTRACT_CHANNEL, type DeliveryReporter } from './delivery.reporter.js';
import type { DeviceTokenRemover } from './push.worker.js';

export interface NotificationCallbacks {
  removeDeviceToken: DeviceTokenRemover;
  reporter?: DeliveryReporter;
}

export function grpcNotificationCallbacks(options: {
  clients: BffClients;
  clientId: string | undefined;
  clientSecret: string | undefined;
  timeoutMs: number;
  logger: Logger;
}): NotificationCallbacks {
  const { clients, clientId, clientSecret, logger, timeoutMs } = options;
  const notification = clients.notification;
  if (!notification || !clientId || !clientSecret) {
    logger.warn('NOTIFICATION_GRPC_URL, AUTH_CLIENT_ID or AUTH_CLIENT_SECRET unset: dead push tokens are not removed');
    return {
      async removeDeviceToken(token, reason) {
        logger.warn({ reason, token: token.slice(0, 24) }, 'dead push token not removed (no notification service)');
      },
    };
  }
  const tokens = new ServiceTokenSource(() =>
    clients.auth.issueServiceToken(
      { clientId, clientSecret, scopes: [Scopes.NOTIFICATIONS_DELIVER] },
      { deadline: new Date(Date.now() + timeoutMs) },
    ),
  );
  const call = async () => ({
    metadata: callMetadata({ token: await tokens.get() }),
    deadline: new Date(Date.now() + timeoutMs),
  });
  return {
    async removeDeviceToken(token, reason) {
      await notification.removeDeviceToken({ expoPushToken: token, reason }, await call());
    },
    reporter: {
      async delivered(r) {
        await notification.acknowledgeDelivery(
          {
            notificationId: r.notificationId,
            userId: r.userId,
            channel: CONTRACT_CHANNEL[r.channel],
            providerMessageId: r.providerMessageId,
            deliveredAt: new Date(),
          },
          await call(),
        );
      },
      async failed(r) {
        await notification.recordDeliveryFailure(
          {
            notificationId: r.notificationId,
            userId: r.userId,
            channel: CONTRACT_CHANNEL[r.channel],
            attempt: r.attempt,
            error: r.error,
            permanent: r.permanent,
          },
          await call(),
        );
      },
    },
  };
}
