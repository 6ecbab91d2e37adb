export { notificationConfigSchema, type NotificationConfig } from './config.js';
export { startNotificationService, type RunningNotificationService } from './service.js';
export { createNotificationServer } from './server.js';
export { publicNotification } from './app/event.fanout.js';
