// The production-shaped local mesh: each service and the BFF (API and workers) in its own Node
// process, started from its own main.ts with its own environment, as it runs in a container.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createGrpcClient, HealthDefinition, openChannel } from '@family/grpc-kit';

export interface MeshProcess {
  name: string;
  stop(): Promise<void>;
}

/** grpc.health.v1 HealthCheckResponse.ServingStatus.SERVING */
const SERVING = 1;
const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 25_000;

const entries = {
  auth: '../../../services/auth/src/main.ts',
  expense: '../../../services/expense/src/main.ts',
  goals: '../../../services/goals/src/main.ts',
  gamification: '../../../services/gamification/src/main.ts',
  notification: '../../../services/notification/src/main.ts',
  bank: '../../../services/bank/src/main.ts',
  bff: '../../../bff/src/main.ts',
  web: '../../../apps/web/src/server/main.ts',
} as const;

export type MeshEntry = keyof typeof entries;

/** Signals the child's process group (it leads one: it is detached), or the child alone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) return void process.kill(-child.pid, signal);
  } catch {
    // The group is gone, or was never made: the child alone.
  }
  child.kill(signal);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function until(
  name: string,
  child: ChildProcess,
  probe: () => Promise<boolean>,
  deadlineMs = START_DEADLINE_MS,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${name} did not become ready within ${deadlineMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `entry` as a child process with the launcher's Node options (the source condition and tsx)
 * and `env` on top of the launcher's environment, and waits until it is ready: a gRPC service until
 * grpc.health.v1 answers SERVING at `grpcAddress`, the BFF until `httpReadyUrl` answers 200.
 */
export async function startMeshProcess(options: {
  name: string;
  entry: MeshEntry;
  env: Record<string, string>;
  /** Node options added to the launcher's own (the source condition and tsx). */
  nodeArgs?: readonly string[];
  grpcAddress?: string;
  httpReadyUrl?: string;
  /** How long it may take to become ready (the web app may build first). */
  startDeadlineMs?: number;
}): Promise<MeshProcess> {
  const { name } = options;
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...(options.nodeArgs ?? []), fileURLToPath(new URL(entries[options.entry], import.meta.url))],
    {
      env: { ...process.env, ...options.env },
      // Its own process group: Ctrl-C reaches only the launcher, which stops the processes in order.
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    },
  );
  // Never left behind when the launcher exits some other way (a Ctrl-C while it starts, say), nor
  // what it started itself (the web app's `next build`): the whole process group goes.
  const orphanGuard = () => signalGroup(child, 'SIGKILL');
  process.once('exit', orphanGuard);
  const stop = async () => {
    process.off('exit', orphanGuard);
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_DEADLINE_MS);
    await exited(child);
    clearTimeout(timer);
  };
  try {
    if (options.grpcAddress) {
      const channel = openChannel(options.grpcAddress);
      const health = createGrpcClient(HealthDefinition, channel);
      try {
        await until(
          name,
          child,
          async () => (await health.check({ service: '' }, { deadline: 1000, retryMaxAttempts: 0 })).status === SERVING,
        );
      } finally {
        channel.close();
      }
    }
    if (options.httpReadyUrl) {
      const url = options.httpReadyUrl;
      await until(
        name,
        child,
        async () => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok,
        options.startDeadlineMs,
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { name, stop };
}
