export { loadConfig, ConfigError } from './load.config.js';
export { env } from './env.schemas.js';
