// The web app under test: built once (when its sources are newer than the build), served by its own
// server in a child process in front of a test BFF, driven by Debian's chromium through playwright-core,
// with an axe-core check and 360 px / 1280 px screenshots of each page.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWebBuilt } from '../src/server/web.build';
import { PASSWORD, email } from '../../../bff/test/bff.harness.js';

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const ARTIFACTS = join(WEB_DIR, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `next build`, unless the build is newer than every source file (done once for all suites). */
export function ensureBuilt(): void {
  ensureWebBuilt(WEB_DIR);
}

export interface RunningWeb {
  url: string;
  stop(): Promise<void>;
}

/** The web server (src/server/main.ts) on a free port in front of `bffUrl`. */
export async function startWeb(bffUrl: string): Promise<RunningWeb> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import=tsx', join(WEB_DIR, 'src', 'server', 'main.ts')],
    {
      cwd: WEB_DIR,
      env: { ...process.env, FAMILY_BFF_URL: bffUrl, WEB_PORT: '0', WEB_BUILD: 'never', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`the web server exited with code ${code}: ${out}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    `accessibility of ${page.url()}`,
  ).to.deep.equal([]);
}

/** The page at phone width and at desktop width, into test-artifacts/. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

/** Every page a flow visits: accessible, and photographed at both widths. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await expectAccessible(page);
  await screenshots(page, name);
}

/** Signs a new parent up and creates their family ("The {name}s", the defaults); returns the login. */
export async function signUpWithFamily(page: Page, web: RunningWeb, name: string, shots: boolean): Promise<string> {
  const login = email(name.toLowerCase());
  await page.goto(`${web.url}/signup`);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(login);
  await page.getByLabel('Password').fill(PASSWORD);
  if (shots) await checkPage(page, 'signup');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/family/new');
  await page.getByLabel('Family name').fill(`The ${name}s`);
  if (shots) await checkPage(page, 'family-new');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL('**/dashboard');
  await page
    .getByRole('heading', { name: `The ${name}s` })
    .or(page.locator('p.error'))
    .first()
    .waitFor();
  return login;
}

/** On the Family page, a parent adds a child with that name and login (the test password). */
export async function addChild(page: Page, name: string, login: string): Promise<void> {
  await page.getByRole('link', { name: 'Family', exact: true }).click();
  await page.getByLabel('Child’s name').fill(name);
  await page.getByLabel('Username').fill(login);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Add a child' }).click();
  await page.getByTestId('members').getByText(name, { exact: true }).waitFor();
}

/**
 * Registers an afterEach that, when a test failed, prints where each page is and what it shows, so a
 * failure in CI says which screen the browser was on (an error, the login page, a loading line).
 */
export function reportPagesOnFailure(pages: () => (Page | undefined)[]): void {
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of pages()) {
      if (!page || page.isClosed()) continue;
      const text = await page
        .locator('body')
        .innerText({ timeout: 2000 })
        .catch((err: Error) => `(unreadable: ${err.message})`);
      console.error(`  page at ${page.url()} shows:\n    ${text.replace(/\s*\n\s*/g, '\n    ').slice(0, 2000)}`);
    }
  });
}
