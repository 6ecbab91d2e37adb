export {
  startHttpEmulator,
  FailureBudget,
  readBody,
  sendJson,
  type StartedEmulator,
  type EmulatorHandler,
  type EmulatorListen,
} from './http.emulator.js';
export { startExpoEmulator, type ExpoEmulator, type ExpoPushMessage } from './expo.emulator.js';
export { startTwilioEmulator, type TwilioEmulator, type TwilioMessage } from './twilio.emulator.js';
export { startSmtpEmulator, parseMail, type SmtpEmulator, type ReceivedMail } from './smtp.emulator.js';
export {
  BankSandbox,
  defaultUser,
  type SandboxAccount,
  type SandboxTransaction,
  type SandboxChange,
  type SandboxUser,
} from './bank.sandbox.js';
export {
  startPlaidEmulator,
  type PlaidEmulator,
  type PlaidEmulatorOptions,
  type PlaidControls,
  type PlaidFailureKind,
  type PlaidItemState,
  type PlaidSignOptions,
  type PlaidWebhookPayload,
} from './plaid.emulator.js';
export {
  startTrueLayerEmulator,
  type TrueLayerEmulator,
  type TrueLayerEmulatorOptions,
  type TrueLayerCredentials,
  type TrueLayerFailureKind,
  type TrueLayerRequest,
  type TrueLayerSignedWebhook,
} from './truelayer.emulator.js';
export {
  startTinkEmulator,
  tinkAmount,
  type TinkEmulator,
  type TinkEmulatorOptions,
  type TinkFailureKind,
  type TinkRequest,
  type TinkSignedWebhook,
  type TinkUser,
} from './tink.emulator.js';
export {
  startFinicityEmulator,
  type FinicityCustomer,
  type FinicityEmulator,
  type FinicityEmulatorOptions,
  type FinicityFailureKind,
  type FinicityRequest,
  type FinicitySignedWebhook,
} from './finicity.emulator.js';
export {
  startSaltEdgeEmulator,
  type SaltEdgeEmulator,
  type SaltEdgeEmulatorOptions,
  type SaltEdgeConnection,
  type SaltEdgeFailureKind,
  type SaltEdgeRequest,
  type SaltEdgeSignedCallback,
  type SaltEdgeCallbackType,
} from './saltedge.emulator.js';
