// The web app's server: the built Next.js app, with the BFF's routes (/v1/…, /graphql) forwarded to
// the BFF on the same origin — so the browser needs no CORS and one build serves any BFF address.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import next from 'next';

export interface WebServerOptions {
  /** The app's directory (holding `.next` from `next build`). */
  dir: string;
  bffUrl: string;
  host?: string;
  port?: number;
}

export interface StartedWebServer {
  url: string;
  stop(): Promise<void>;
}

const FORWARDED = /^\/(v1\/|graphql(\/|\?|$))/;
/** Hop-by-hop headers a proxy does not pass on. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function forward(req: IncomingMessage, res: ServerResponse, bff: URL): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP.has(name)) headers[name] = value;
  }
  headers.host = bff.host;
  headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  headers['x-forwarded-host'] = req.headers.host ?? '';
  const send = bff.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(
    { protocol: bff.protocol, hostname: bff.hostname, port: bff.port, method: req.method, path: req.url, headers },
    (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP.has(name)) out[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      // Server-Sent Events: every chunk goes out as it comes.
      res.flushHeaders();
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({
        type: 'about:blank',
        title: 'Bad Gateway',
        status: 502,
        detail: 'The service is not reachable right now. Please try again in a moment.',
      }),
    );
  });
  // A closed tab ends the upstream stream too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

export async function startWebServer(options: WebServerOptions): Promise<StartedWebServer> {
  const host = options.host ?? '127.0.0.1';
  const app = next({ dev: false, dir: options.dir, hostname: host, port: options.port ?? 0 });
  await app.prepare();
  const handle = app.getRequestHandler();
  const bff = new URL(options.bffUrl);
  const server = createServer((req, res) => {
    if (FORWARDED.test(req.url ?? '')) forward(req, res, bff);
    else void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
