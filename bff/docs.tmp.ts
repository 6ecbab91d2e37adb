import { startBff, bffConfigSchema } from './src/index.js';
import { silentLogger } from '@family/logger';
import { execFileSync } from 'node:child_process';
const config = bffConfigSchema.parse({ AUTH_GRPC_URL: '127.0.0.1:1', REDIS_URL: 'redis://127.0.0.1:6379', BFF_PORT: '0', BFF_HOST: '127.0.0.1', REDIS_KEY_PREFIX: 'docs-check:' });
const bff = await startBff({ config, logger: silentLogger() });
try {
  const out = execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=5000', '--window-size=1280,1600', `--screenshot=/tmp/docs.png`, '--enable-logging=stderr', '--v=0', `${bff.url}/docs`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  console.log(out);
} catch (e) { console.log('err', (e as any).stderr?.toString().slice(-3000)); }
try {
  const dom = execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=5000', '--dump-dom', `${bff.url}/docs`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  console.log('opblocks:', (dom.match(/opblock-summary-path/g) ?? []).length, 'csp-violation?', /Refused/.test(dom));
} catch (e) { console.log('err2', (e as any).stderr?.toString().slice(-2000)); }
await bff.stop();
