export { notificationConfigSchema, type NotificationConfig } from './config.js';
export { startNotificationService, type RunningNotificationService } from './service.js';
export { createNotificationServer } from './server.js';
export { SCOPE_DELIVER } from './app/devices.js';
export { SCOPE_EVENTS_WRITE, publicNotification } from './app/event.fanout.js';
