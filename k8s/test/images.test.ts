// What the Dockerfile relies on, checked without a Docker engine: every app builds into dist/, deploys
// with production dependencies only (`pnpm deploy --prod`), starts with `node dist/main.js` (no tsx,
// no source condition) and is seen healthy by the image's HEALTHCHECK probe.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import {
  dropSchema,
  freePort,
  openTestSql,
  testCipherKeys,
  testDatabaseUrl,
  testRedisUrl,
  uniqueName,
  waitFor,
} from '@family/testing';

const execFileAsync = promisify(execFile);
/** Runs a command; a failure carries the end of its output, so the test says what broke. */
async function run(command: string, args: string[], options: { cwd: string }): Promise<void> {
  try {
    await execFileAsync(command, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${`${stdout}\n${stderr}`.slice(-4000)}`);
  }
}
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const apps = ['auth', 'expense', 'goals', 'gamification', 'notification', 'bank', 'bff'] as const;
type App = (typeof apps)[number];
const appDir = (app: App) => (app === 'bff' ? 'bff' : `services/${app}`);
/** What must never reach an image: test and build tooling. */
const devOnly = ['mocha', 'tsx', 'typescript', 'chai', '@family/testing'];

describe('images: each app from its dist/ with production dependencies only', function () {
  // One build and seven deploys on a shared two-core machine; starting is quick.
  this.timeout(12 * 60_000);
  const out = mkdtempSync(join(tmpdir(), 'family-images-'));
  const processes: ChildProcess[] = [];
  const schemas: string[] = [];
  const deployed = (app: App) => join(out, app);

  before(async function () {
    // The images run Node 24: on another runtime this says nothing about them, and costs minutes
    // (.ci/run runs the test command on Node 24 as well, where it runs).
    if (Number(process.versions.node.split('.')[0]) < 24) this.skip();
    // Incremental: a later run recompiles only what changed (build info next to each dist/).
    await run('pnpm', ['--filter', '{bff}...', '--filter', '{services/*}...', 'run', 'build', '--incremental'], {
      cwd: root,
    });
    // Two at a time: pnpm deploy copies files and links from the store.
    const queue = [...apps];
    await Promise.all(
      [0, 1].map(async () => {
        for (let app = queue.shift(); app !== undefined; app = queue.shift()) {
          await run('pnpm', ['--filter', `./${appDir(app)}`, 'deploy', '--prod', '--legacy', deployed(app)], {
            cwd: root,
          });
        }
      }),
    );
  });

  after(async function () {
    await Promise.all(
      processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
          }),
      ),
    );
    const sql = await openTestSql();
    for (const schema of schemas) await dropSchema(sql, schema);
    await sql.close();
    rmSync(out, { recursive: true, force: true });
  });

  /** The image's HEALTHCHECK command, run from the deployed folder. */
  async function healthy(app: App, target: string): Promise<boolean> {
    try {
      await run(process.execPath, ['node_modules/@family/grpc-kit/dist/health.probe.js', target], {
        cwd: deployed(app),
      });
      return true;
    } catch {
      return false;
    }
  }

  function start(app: App, env: Record<string, string>): ChildProcess {
    const output: string[] = [];
    // A clean environment and no tsx: `exports` resolve to dist/, as in the image.
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: deployed(app),
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn', METRICS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`${app} exited with ${code}:\n${output.join('')}\n`);
    });
    processes.push(child);
    return child;
  }

  async function startedHealthy(app: App, target: string, child: ChildProcess): Promise<void> {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${app} exited with code ${child.exitCode} while starting`);
        return healthy(app, target);
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `${app} to answer healthy at ${target}` },
    );
  }

  it('deploys every app with its dist/ and without development tooling', function () {
    for (const app of apps) {
      const dir = deployed(app);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        exports?: { '.'?: { default?: string } };
      };
      expect(existsSync(join(dir, 'dist/main.js')), `${app} dist/main.js`).to.equal(true);
      expect(manifest.exports?.['.']?.default, `${app} exports default`).to.match(/^\.\/dist\//);
      expect(existsSync(join(dir, manifest.exports!['.']!.default!)), `${app} exports default exists`).to.equal(true);
      for (const tool of devOnly) {
        expect(existsSync(join(dir, 'node_modules', tool)), `${app} ships ${tool}`).to.equal(false);
      }
    }
  });

  it('starts every service and the BFF from dist/ and each answers healthy', async function () {
    const ports = Object.fromEntries(
      await Promise.all(apps.map(async (a) => [a, await freePort()] as const)),
    ) as Record<App, number>;
    const address = (app: App) => `127.0.0.1:${ports[app]}`;
    const secret = (app: App) => `${app}-${uniqueName('secret')}`;
    const secrets = Object.fromEntries(apps.map((a) => [a, secret(a)])) as Record<App, string>;
    const schema = (app: App) => {
      const name = uniqueName(`img_${app}`);
      schemas.push(name);
      return name;
    };
    const connection = (app: App) => ({
      AUTH_GRPC_URL: address('auth'),
      AUTH_CLIENT_ID: app,
      AUTH_CLIENT_SECRET: secrets[app],
    });
    const grpc = (app: App) => ({
      [`${app.toUpperCase()}_GRPC_HOST`]: '127.0.0.1',
      [`${app.toUpperCase()}_GRPC_PORT`]: String(ports[app]),
    });
    const auth = start('auth', {
      ...grpc('auth'),
      DATABASE_URL: testDatabaseUrl(),
      DB_SCHEMA: schema('auth'),
      SIGNING_KEY_ENCRYPTION_KEYS: testCipherKeys(),
      AUTH_SERVICE_CLIENTS: [
        `expense:${secrets.expense}:auth:read events:write`,
        `goals:${secrets.goals}:auth:read events:write`,
        `gamification:${secrets.gamification}:auth:read events:write expense:read`,
        `notification:${secrets.notification}:auth:read expense:read goals:read`,
        `bank:${secrets.bank}:auth:read events:write expense:import`,
        `bff:${secrets.bff}:notifications:deliver`,
      ].join(','),
    });
    await startedHealthy('auth', `grpc://${address('auth')}`, auth);

    const regional = (app: App) => ({
      ...grpc(app),
      ...connection(app),
      DATABASE_URL: testDatabaseUrl(),
      DB_SCHEMA: schema(app),
    });
    const services: [App, Record<string, string>][] = [
      ['expense', regional('expense')],
      ['goals', regional('goals')],
      ['gamification', { ...regional('gamification'), EXPENSE_GRPC_URL: address('expense') }],
      ['bank', { ...regional('bank'), EXPENSE_GRPC_URL: address('expense'), BANK_TOKEN_KEYS: testCipherKeys() }],
      [
        'notification',
        {
          ...grpc('notification'),
          ...connection('notification'),
          REDIS_URL: testRedisUrl(),
          REDIS_KEY_PREFIX: `${uniqueName('img')}:`,
          EXPENSE_GRPC_URL: address('expense'),
          GOALS_GRPC_URL: address('goals'),
        },
      ],
    ];
    await Promise.all(services.map(([app, env]) => startedHealthy(app, `grpc://${address(app)}`, start(app, env))));

    const bff = start('bff', {
      BFF_HOST: '127.0.0.1',
      BFF_PORT: String(ports.bff),
      BFF_MODE: 'api',
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: `${uniqueName('img')}:`,
      AUTH_GRPC_URL: address('auth'),
      EXPENSE_GRPC_URL: address('expense'),
      GOALS_GRPC_URL: address('goals'),
      GAMIFICATION_GRPC_URL: address('gamification'),
      NOTIFICATION_GRPC_URL: address('notification'),
      BANK_GRPC_URL: address('bank'),
      AUTH_CLIENT_ID: 'bff',
      AUTH_CLIENT_SECRET: secrets.bff,
    });
    await startedHealthy('bff', `http://${address('bff')}/readyz`, bff);
    // And the probe tells a dead address from a live one.
    expect(await healthy('auth', `grpc://127.0.0.1:${await freePort()}`)).to.equal(false);
  });
});
