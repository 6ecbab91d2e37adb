export { authConfigSchema, type AuthConfig } from './config.js';
export { startAuthService, parseServiceClients, type RunningAuthService } from './service.js';
export { createAuthServer } from './server.js';
