export {
  AuthGateway,
  type AuthClient,
  type FamilyInfo,
  type FamilyMemberInfo,
  type MemberInfo,
} from './auth.gateway.js';
export { MemberDirectory } from './member.directory.js';
export { clientCredentials } from './client.credentials.js';
export { connectToAuth, authConnectionOptions, type AuthConnectionOptions } from './auth.connection.js';
export { authConnectionConfig, type AuthConnectionConfig } from './auth.connection.config.js';
