export {
  AuthGateway,
  type AuthClient,
  type FamilyInfo,
  type FamilyMemberInfo,
  type MemberInfo,
} from './auth.gateway.js';
export { MemberDirectory } from './member.directory.js';
export { clientCredentials } from './client.credentials.js';
export { connectToAuth, type AuthConnectionOptions } from './auth.connection.js';
