// Tells the notification service how each delivery went (AcknowledgeDelivery, RecordDeliveryFailure),
// best effort: a report that fails is logged, never turned into a resend.
import { Channel } from '@family/contracts/common/v1/common';
import type { DeliveryChannel } from '@family/delivery-jobs';

export interface DeliveryReport {
  notificationId: string;
  userId: string;
  channel: DeliveryChannel;
}

export interface DeliveryReporter {
  delivered(report: DeliveryReport & { providerMessageId: string }): Promise<void>;
  failed(report: DeliveryReport & { attempt: number; error: string; permanent: boolean }): Promise<void>;
}

export const CONTRACT_CHANNEL: Record<DeliveryChannel, Channel> = {
  push: Channel.CHANNEL_PUSH,
  email: Channel.CHANNEL_EMAIL,
  sms: Channel.CHANNEL_SMS,
};
