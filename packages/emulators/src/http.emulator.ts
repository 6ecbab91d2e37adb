// The one emulator harness: an HTTP server on 127.0.0.1:0 with a JSON body reader, a "fail the next
// N requests" budget and a clean stop, shared by every HTTP provider emulator.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StartedEmulator {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export type EmulatorHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers the next `count` requests with `status` (a provider having a bad minute). */
export class FailureBudget {
  private remaining = 0;
  private status = 503;

  failNext(count: number, status = 503): void {
    this.remaining = count;
    this.status = status;
  }

  /** The status to fail this request with, or undefined to serve it normally. */
  take(): number | undefined {
    if (this.remaining <= 0) return undefined;
    this.remaining -= 1;
    return this.status;
  }
}

/** Where an emulator listens: loopback on a free port unless told (a launcher's fixed sandbox ports). */
export interface EmulatorListen {
  port?: number | undefined;
  host?: string | undefined;
}

export async function startHttpEmulator(
  handler: EmulatorHandler,
  listen: EmulatorListen = {},
): Promise<StartedEmulator> {
  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((body) => handler(req, body, res))
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(err) });
        else res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = listen.host === undefined || listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
