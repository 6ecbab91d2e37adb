// A TypeScript entry point run as a process of its own (through tsx, from source), the way a
// container runs it: tests start it, wait until it answers over HTTP, send it signals and read
// what it printed. Requests to it report how they ended, including a reset or a refused connection.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type Agent } from 'node:http';
import { createGrpcClient, HealthDefinition, openChannel } from '@family/grpc-kit';
import { waitFor } from './wait.for.js';

/** tsx's loader, resolved here so the process may run in any working directory. */
const TSX = import.meta.resolve('tsx');

export interface SourceProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout so far. */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

export function startSourceProcess(
  entry: string,
  /** `env` adds to this process's environment; a variable set to undefined is left out. */
  options: {
    env: Record<string, string | undefined>;
    cwd?: string;
    keepStdout?: boolean;
    /** Node options before the entry point (e.g. `--cpu-prof` for a benchmark's profile). */
    execArgv?: readonly string[];
  },
): SourceProcess {
  const env = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(
    process.execPath,
    [...(options.execArgv ?? []), '--conditions=source', `--import=${TSX}`, entry],
    {
      env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', options.keepStdout ? 'pipe' : 'ignore', 'inherit'],
    },
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', kill);
      resolve(code);
    }),
  );
  return { child, output: () => stdout, exited };
}

export interface HttpOutcome {
  status?: number;
  /** The socket error's code (ECONNRESET, ECONNREFUSED…) when there was no answer. */
  error?: string;
  body?: string;
}

/** One request; never throws: an answer gives its status and body, a failure its error code. */
export function httpOutcome(
  url: string,
  options: { agent?: Agent | false; method?: string; json?: unknown } = {},
): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    const failed = (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message });
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ...(options.agent !== undefined ? { agent: options.agent } : {}),
        ...(body ? { headers: { 'content-type': 'application/json' } } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        res.on('error', failed);
      },
    ).on('error', failed);
    req.end(body);
  });
}

/** Waits until `url` answers 200; fails at once when the process exits meanwhile. */
export async function waitForHttp(process: SourceProcess, url: string, timeoutMs: number, what: string): Promise<void> {
  await waitFor(
    async () => {
      if (process.child.exitCode !== null)
        throw new Error(`${what} exited with ${process.child.exitCode} while starting`);
      return (await httpOutcome(url, { agent: false })).status === 200;
    },
    { timeoutMs, intervalMs: 100, what },
  );
}

/** grpc.health.v1 HealthCheckResponse.ServingStatus.SERVING */
const SERVING = 1;

/** Waits until the gRPC server of `process` at `address` reports SERVING; fails at once when the process exits. */
export async function waitForGrpcServing(
  process: SourceProcess,
  address: string,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const channel = openChannel(address);
  const health = createGrpcClient(HealthDefinition, channel);
  try {
    await waitFor(
      async () => {
        if (process.child.exitCode !== null)
          throw new Error(`${what} exited with ${process.child.exitCode} while starting`);
        const answer = await health
          .check({ service: '' }, { deadline: 1000, retryMaxAttempts: 0 })
          .catch(() => undefined);
        return answer?.status === SERVING;
      },
      { timeoutMs, intervalMs: 100, what },
    );
  } finally {
    channel.close();
  }
}
