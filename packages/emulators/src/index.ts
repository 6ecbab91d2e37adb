export {
  startHttpEmulator,
  FailureBudget,
  readBody,
  sendJson,
  type StartedEmulator,
  type EmulatorHandler,
} from './http.emulator.js';
export { startExpoEmulator, type ExpoEmulator, type ExpoPushMessage } from './expo.emulator.js';
export { startTwilioEmulator, type TwilioEmulator, type TwilioMessage } from './twilio.emulator.js';
export { startSmtpEmulator, parseMail, type SmtpEmulator, type ReceivedMail } from './smtp.emulator.js';
