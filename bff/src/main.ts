// The BFF process: the only file with side effects (environment, listening, signals).
import { ConfigError, loadConfig } from '@family/config';
import { installShutdown } from '@family/grpc-kit';
import { createLogger } from '@family/logger';
import { bffConfigSchema, type BffConfig } from './config.js';
import { startBff } from './server.js';

let config: BffConfig;
try {
  config = loadConfig(bffConfigSchema);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger('bff', config.LOG_LEVEL);
const bff = await startBff({ config, logger });
installShutdown(logger, [{ name: 'workers, http server, redis and gRPC clients', run: () => bff.stop() }]);
