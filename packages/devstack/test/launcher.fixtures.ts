// What the launcher tests share: a free port for everything the launcher listens on, the steps it
// logged as it stopped, and stopping one a failure left running.
import { freePort, type SourceProcess } from '@family/testing';

const PORTS = [
  'AUTH_GRPC_PORT',
  'EXPENSE_GRPC_PORT',
  'GOALS_GRPC_PORT',
  'GAMIFICATION_GRPC_PORT',
  'NOTIFICATION_GRPC_PORT',
  'BANK_GRPC_PORT',
  'BFF_PORT',
  'BFF_METRICS_PORT',
  'PLAID_SANDBOX_PORT',
  'TRUELAYER_AUTH_SANDBOX_PORT',
  'TRUELAYER_API_SANDBOX_PORT',
  'TINK_SANDBOX_PORT',
  'FINICITY_SANDBOX_PORT',
  'SALTEDGE_SANDBOX_PORT',
  'SANDBOX_CONSOLE_PORT',
  'MAILBOX_PORT',
] as const;

export type LauncherPorts = Record<(typeof PORTS)[number], string>;

/** A free port for each setting naming one, as the launcher's environment. */
export async function launcherPorts(): Promise<LauncherPorts> {
  return Object.fromEntries(
    await Promise.all(PORTS.map(async (name) => [name, String(await freePort())])),
  ) as LauncherPorts;
}

/** The steps the launcher itself logged as it stopped, in order (services in processes log theirs too). */
export function launcherSteps(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; step?: string; service?: string })
    .filter((entry) => entry.msg === 'stopping' && entry.service === 'devstack')
    .map((entry) => entry.step!);
}

/** A launcher a failure left running stops as by `signal` (its private Redis with it), or is killed after 30 s. */
export async function stopLeftLauncher(launcher: SourceProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!launcher || launcher.child.exitCode !== null) return;
  launcher.child.kill(signal);
  const timer = setTimeout(() => launcher.child.kill('SIGKILL'), 30_000);
  await launcher.exited;
  clearTimeout(timer);
}
