// The edge of a multi-region installation: a request about a family homed in another region is
// sent to that region's edge and answered from there, so the family's data is read and written
// only where it lives (docs/decisions/0029-data-residency.md). The family's region comes from the
// caller's verified token; a request already forwarded once is never forwarded again.
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { request } from 'undici';
import { AppError } from '@family/errors';
import type { Logger } from '@family/logger';

export const FORWARDED_HEADER = 'x-family-edge-forwarded';

const FAMILY_PATH = /^\/v1\/families\/([^/?#]+)(?:[/?#]|$)/;
/** Hop-by-hop headers (RFC 9110 §7.6.1) and those the forwarded request sets afresh. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
]);

/** "eu=http://edge.eu:8080,us=http://edge.us:8080" → region → base URL. */
export function parseRegionEdges(entries: readonly string[]): Map<string, string> {
  const edges = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new Error(`REGION_EDGES: "${entry}" is not region=url`);
    edges.set(entry.slice(0, at).trim(), new URL(entry.slice(at + 1).trim()).toString().replace(/\/$/, ''));
  }
  return edges;
}

function forwardedHeaders(headers: IncomingHttpHeaders, region: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) out[name] = value;
  }
  out[FORWARDED_HEADER] = region;
  return out;
}

export function regionEdge(options: {
  region: string | undefined;
  edges: ReadonlyMap<string, string>;
  timeoutMs: number;
  logger: Logger;
}): RequestHandler {
  const { region: here, edges } = options;
  return (req, res, next) => {
    if (!here || edges.size === 0 || req.get(FORWARDED_HEADER)) return next();
    const familyId = FAMILY_PATH.exec(req.path)?.[1];
    const home = familyId && req.caller?.regions?.get(decodeURIComponent(familyId));
    if (!home || home === here) return next();
    const edge = edges.get(home);
    if (!edge) {
      next(new AppError('UNAVAILABLE', 'REGION_UNREACHABLE', `The ${home} region cannot be reached from here`, {}));
      return;
    }
    // A JSON body was already read (and checked) by the JSON parser: send it as parsed. Any other
    // body (a CSV upload) has not been touched: stream it on as it arrives.
    const parsed = req.is('application/json') && req.body !== undefined;
    const body = parsed ? JSON.stringify(req.body) : req.method === 'GET' || req.method === 'HEAD' ? undefined : req;
    const headers = forwardedHeaders(req.headers, here);
    if (parsed) headers['content-type'] = 'application/json';
    const method = req.method as 'GET';
    request(`${edge}${req.originalUrl}`, {
      method,
      headers,
      body: body ?? null,
      signal: AbortSignal.timeout(options.timeoutMs),
    })
      .then(async (upstream) => {
        res.status(upstream.statusCode);
        for (const [name, value] of Object.entries(upstream.headers)) {
          if (value !== undefined && !NOT_FORWARDED.has(name)) res.setHeader(name, value);
        }
        res.setHeader('x-family-region', home);
        for await (const chunk of upstream.body) res.write(chunk);
        res.end();
      })
      .catch((err: unknown) => {
        options.logger.warn({ err, region: home }, 'forwarding to the home region failed');
        if (res.headersSent) res.destroy();
        else next(new AppError('UNAVAILABLE', 'REGION_UNREACHABLE', `The ${home} region did not answer`, {}));
      });
  };
}
