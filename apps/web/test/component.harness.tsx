// Components rendered for real without a browser: happy-dom as the window, React's client renderer,
// the app's own SessionProvider inside Next's router contexts, and the real stack behind them (auth,
// expense, goals, gamification and notification services and the BFF, on port 0): the window's origin
// is the BFF's, which serves /v1/*, /graphql and the live event stream itself.
import { get, type ClientRequest } from 'node:http';
import * as React from 'react';
import type { ReactNode } from 'react';
import type { Root } from 'react-dom/client';
import { expect } from 'chai';
import { waitFor as eventually } from '@family/testing';
import { GlobalWindow, PropertySymbol, type IFetchInterceptor } from 'happy-dom';
import { AppRouterContext, type AppRouterInstance } from 'next/dist/shared/lib/app-router-context.shared-runtime';
import { PathnameContext } from 'next/dist/shared/lib/hooks-client-context.shared-runtime';
import { startTestStack, type Session, type TestBff, type TestStack } from '../../../bff/test/bff.harness.js';
import { bearer, household, type Household } from '../../../bff/test/expense.fixtures.js';
import { SessionProvider } from '../src/lib/session';

export interface RenderOptions {
  /** Whose real session the tab holds (their tokens, as the app keeps them); nobody when left out. */
  as?: Pick<Session, 'accessToken' | 'refreshToken'>;
  /** The language picked in the header (kept in localStorage). */
  locale?: 'en' | 'de';
  path?: string;
}

export interface Rendered {
  container: HTMLElement;
  /** Where the page sent the user with router.replace, in order. */
  replaced: string[];
}

export interface FamilyOptions {
  /** The family's currency (EUR when left out). */
  currency?: string;
  /** The parent's and the child's own locale (PATCH /v1/me), as a BCP 47 tag. */
  locale?: string;
}

export interface ComponentWorld {
  /** The suite's BFF, in front of the real services (started in `before`). */
  bff(): TestBff;
  /** A new family made through the REST API: its owner (“Parent”) and a child (“Kim”), both signed in. */
  family(options?: FamilyOptions): Promise<Household>;
  render(ui: ReactNode, options?: RenderOptions): Rendered;
  /** Waits until `check` passes (returns neither null nor false, and does not throw), as long as a user would wait. */
  waitFor<T>(check: () => T, timeoutMs?: number): Promise<Exclude<T, null | false>>;
  /** How many of the page's live event streams the BFF has answered (and so subscribed for). */
  openStreams(): number;
  /**
   * The member's news (GET /v1/me/notifications) once `unread` of it is unread: news on its way
   * would otherwise reach a page opened now live, and make it read its data again.
   */
  newsOf(member: Pick<Session, 'accessToken'>, unread: number): Promise<News>;
}

export interface News {
  items: { category: string; title: string }[];
  unreadCount: number;
}

// Node's own, taken before the window replaces them: node:http streams feed Node's EventTarget.
const { Event: NodeEvent, EventTarget: NodeEventTarget, MessageEvent: NodeMessageEvent } = globalThis;

// One window for the whole run, installed as the globals only while a component suite runs: React's
// client renderer keeps the functions it found when it loaded, so the window is never closed. Timers
// and microtasks stay Node's, which mocha and node:http use too.
let page: GlobalWindow | undefined;
const NOT_INSTALLED = new Set(['undefined', 'NaN', 'global', 'globalThis', 'constructor', 'console', 'process']);
const NODE_SCHEDULING = /^(set|clear)(Timeout|Interval|Immediate)$|^queueMicrotask$/;

/** Where the app keeps the tab's tokens (src/lib/session.tsx). */
const SESSION_KEY = 'family.session';

/**
 * Every request goes to the BFF. happy-dom keeps an answer with an ETag (Express gives each one) fresh
 * for ever where a browser asks again: it would give one member another's /v1/me, or a list from
 * before a change.
 */
const uncached: IFetchInterceptor = {
  async beforeAsyncRequest({ request }) {
    request.headers.set('Cache-Control', 'no-cache');
  },
};

/** Makes the window (at `url`) the globals; returns how to put Node's back. */
function installWindow(url: string): () => void {
  page ??= new GlobalWindow({
    url,
    console: globalThis.console,
    settings: { fetch: { interceptor: uncached } },
  });
  page.happyDOM.setURL(url);
  const global = globalThis as unknown as Record<string | symbol, unknown>;
  const saved = new Map<string | symbol, PropertyDescriptor | undefined>();
  for (const key of Reflect.ownKeys(page)) {
    if (typeof key === 'string' && (NOT_INSTALLED.has(key) || NODE_SCHEDULING.test(key))) continue;
    const descriptor: PropertyDescriptor = Object.getOwnPropertyDescriptor(page, key)!;
    // The window's references to itself (window, self, top, …) become the global object.
    if (descriptor.value === page) descriptor.value = globalThis;
    const current = Object.getOwnPropertyDescriptor(global, key);
    if (current && current.value !== undefined && current.value === descriptor.value) continue;
    saved.set(key, current);
    Object.defineProperty(global, key, { ...descriptor, configurable: true });
  }
  (page.document as unknown as Record<symbol, unknown>)[PropertySymbol.defaultView] = globalThis;
  return () => {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(global, key, descriptor);
      else delete global[key];
    }
  };
}

/** Registers the hooks of one suite: the real stack and the window at its BFF before it, a fresh page per test. */
export function useComponentWorld(): ComponentWorld {
  useClassicJsx();
  let stack: TestStack;
  let uninstallWindow: () => void;
  let createRoot: typeof import('react-dom/client').createRoot;
  const mounted: { root: Root; container: HTMLElement }[] = [];

  before(async () => {
    stack = await startTestStack({ gamification: true, notification: true });
    uninstallWindow = installWindow(`${stack.bff.url}/`);
    (globalThis as Record<string, unknown>).EventSource = NodeEventSource;
    // React's client renderer reads the window when it loads, so it comes after the window.
    ({ createRoot } = await import('react-dom/client'));
  });

  afterEach(() => {
    // Unmounting closes the page's event streams too.
    for (const { root, container } of mounted.splice(0)) {
      root.unmount();
      container.remove();
    }
    window.sessionStorage.clear();
    window.localStorage.clear();
  });

  after(async () => {
    delete (globalThis as Record<string, unknown>).EventSource;
    uninstallWindow?.();
    await stack?.stop();
  });

  async function family({ currency, locale }: FamilyOptions = {}): Promise<Household> {
    const home = await household(stack.bff, 'The Riveras', currency);
    if (locale) {
      for (const { accessToken } of [home.owner, home.child]) {
        const r = await stack.bff.http().patch('/v1/me').auth(accessToken, bearer).send({ locale });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
      }
    }
    return home;
  }

  function render(ui: ReactNode, options: RenderOptions = {}): Rendered {
    if (options.as) {
      const { accessToken, refreshToken } = options.as;
      window.sessionStorage.setItem(SESSION_KEY, JSON.stringify({ accessToken, refreshToken }));
    }
    if (options.locale) window.localStorage.setItem('family.locale', options.locale);
    const replaced: string[] = [];
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    mounted.push({ root, container });
    root.render(inApp(ui, options.path ?? '/', replaced));
    return { container, replaced };
  }

  async function waitFor<T>(check: () => T, timeoutMs = 5000): Promise<Exclude<T, null | false>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let failure: unknown;
      try {
        const value = check();
        if (value !== null && value !== false) return value as Exclude<T, null | false>;
        failure = new Error(`still ${String(value)}`);
      } catch (err) {
        failure = err;
      }
      if (Date.now() > deadline) {
        const page = mounted.map(({ container }) => container.innerHTML).join('\n');
        throw Object.assign(failure as Error, { message: `${(failure as Error).message}\n  on the page: ${page}` });
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const newsOf = (member: Pick<Session, 'accessToken'>, unread: number) =>
    eventually(
      async () => {
        const r = await stack.bff.http().get('/v1/me/notifications').auth(member.accessToken, bearer);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        return (r.body as News).unreadCount === unread && (r.body as News);
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `${unread} unread notifications` },
    );

  return {
    bff: () => stack.bff,
    family,
    render,
    waitFor,
    openStreams: () => [...NodeEventSource.opened].filter((s) => s.readyState === NodeEventSource.OPEN).length,
    newsOf,
  };
}

/** `ui` as the app shows it: in Next's router (at `path`, recording where it is sent) and the session. */
export function inApp(ui: ReactNode, path: string, replaced: string[] = []) {
  const router: AppRouterInstance = {
    back() {},
    forward() {},
    refresh() {},
    push() {},
    replace: (href) => void replaced.push(href),
    prefetch() {},
    bfcacheId: '_b_0_',
  };
  return (
    <AppRouterContext.Provider value={router}>
      <PathnameContext.Provider value={path}>
        <SessionProvider>{ui}</SessionProvider>
      </PathnameContext.Provider>
    </AppRouterContext.Provider>
  );
}

/**
 * tsx compiles files outside the root tsconfig with the classic JSX transform (React.createElement),
 * and the app's files, written for Next's automatic runtime, import no React: it is a global while a
 * component suite runs.
 */
export function useClassicJsx() {
  const global = globalThis as Record<string, unknown>;
  before(() => {
    global.React = React;
  });
  after(() => {
    delete global.React;
  });
}

/**
 * happy-dom has no EventSource: a small client over node:http for the BFF's real stream that reads
 * `event:`/`data:` frames, enough for the session's live notifications.
 */
class NodeEventSource extends NodeEventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  /** The streams opened and not yet closed. */
  static readonly opened = new Set<NodeEventSource>();
  readyState = NodeEventSource.CONNECTING;
  onerror: ((event: Event) => void) | null = null;
  readonly #request: ClientRequest;

  constructor(readonly url: string) {
    super();
    NodeEventSource.opened.add(this);
    this.#request = get(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        this.#fail();
        return;
      }
      this.readyState = NodeEventSource.OPEN;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.#dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      res.on('end', () => this.#fail());
      res.on('error', () => this.#fail());
    });
    this.#request.on('error', () => this.#fail());
  }

  close() {
    this.readyState = NodeEventSource.CLOSED;
    NodeEventSource.opened.delete(this);
    this.#request.destroy();
  }

  #dispatch(frame: string) {
    let type = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length > 0) this.dispatchEvent(new NodeMessageEvent(type, { data: data.join('\n') }));
  }

  #fail() {
    if (this.readyState === NodeEventSource.CLOSED) return;
    this.readyState = NodeEventSource.CLOSED;
    NodeEventSource.opened.delete(this);
    this.onerror?.(new NodeEvent('error'));
  }
}
