// Runs the web app's server: builds it first when needed (WEB_BUILD=never skips that), then serves it
// on WEB_HOST:WEB_PORT in front of FAMILY_BFF_URL; prints its URL as the first line on stdout; stops
// on SIGTERM/SIGINT.
import { fileURLToPath } from 'node:url';
import { ensureWebBuilt } from './web.build';
import { startWebServer } from './web.server';

const dir = fileURLToPath(new URL('../..', import.meta.url));
if (process.env.WEB_BUILD !== 'never') ensureWebBuilt(dir, (line) => process.stderr.write(`${line}\n`));
const started = await startWebServer({
  dir,
  bffUrl: process.env.FAMILY_BFF_URL ?? 'http://127.0.0.1:8080',
  host: process.env.WEB_HOST ?? '127.0.0.1',
  port: Number(process.env.WEB_PORT ?? '3000'),
});
process.stdout.write(`${started.url}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void started.stop().then(() => process.exit(0)));
}
