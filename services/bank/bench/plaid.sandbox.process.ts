// The Plaid sandbox for the benchmark as a process of its own (the provider is remote in production):
// BENCH_ROWS posted purchases on the sandbox user's checking account, on PLAID_PORT. Prints "ready".
import { BankSandbox, startPlaidEmulator } from '@family/emulators';
import { PLAID_CLIENT_ID, PLAID_SECRET } from '../test/bank.harness.js';

const sandbox = new BankSandbox();
sandbox.addMany('acc_checking', Number(process.env.BENCH_ROWS), new Date().toISOString().slice(0, 10));
const plaid = await startPlaidEmulator({
  clientId: PLAID_CLIENT_ID,
  secret: PLAID_SECRET,
  sandbox,
  listen: { host: '127.0.0.1', port: Number(process.env.PLAID_PORT) },
});
process.once('SIGTERM', () => void plaid.stop().then(() => process.exit(0)));
console.log('ready');
