export { authConfigSchema, type AuthConfig } from './config.js';
export { startAuthService, parseServiceClients, EVENTS_SCOPE, type RunningAuthService } from './service.js';
export { createAuthServer } from './server.js';
export { SCOPE_AUTH_ADMIN, SCOPE_AUTH_READ } from './handlers/auth.handlers.js';
