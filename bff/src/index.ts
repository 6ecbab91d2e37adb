export { bffConfigSchema, type BffConfig } from './config.js';
export { createApp, type AppDeps } from './app.js';
export { startBff, type StartBffOptions, type StartedBff } from './server.js';
export { createClients, type BffClients, type Upstream } from './clients.js';
export { startWorkers, type StartWorkersOptions, type StartedWorkers } from './workers/workers.js';
export type { DeviceTokenRemover } from './workers/push.worker.js';
