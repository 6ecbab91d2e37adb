export { bankConfigSchema, type BankConfig } from './config.js';
export { startBankService, type RunningBankService } from './service.js';
export { createBankServer } from './server.js';
