export { loadConfig, ConfigError } from './load.config.js';
export { env } from './env.schemas.js';
export { cipherKeys, parseCipherKeys, type CipherKey } from './cipher.keys.js';
export { SecretCipher, type Sealed } from './secret.cipher.js';
