// Components rendered for real without a browser: happy-dom as the window, React's client renderer,
// the app's own SessionProvider inside Next's router contexts, and a stand-in BFF on 127.0.0.1:0 that
// answers what the session reads (/v1/me, the unread count, the currency table), GraphQL as each test
// says, and the live event stream.
import { createServer, get, type ClientRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as React from 'react';
import type { ReactNode } from 'react';
import type { Root } from 'react-dom/client';
import { GlobalWindow, PropertySymbol } from 'happy-dom';
import type { components } from '@family/sdk';
import { AppRouterContext, type AppRouterInstance } from 'next/dist/shared/lib/app-router-context.shared-runtime';
import { PathnameContext } from 'next/dist/shared/lib/hooks-client-context.shared-runtime';
import { SessionProvider } from '../src/lib/session';

type Me = components['schemas']['Me'];
type Notification = components['schemas']['Notification'];

export const family = { id: 'fam-1', name: 'Rivera', currency: 'EUR', timezone: 'Europe/Berlin' };
export const parent = { id: 'mem-pat', userId: 'usr-pat', displayName: 'Pat', role: 'OWNER' as const };
export const child = { id: 'mem-kim', userId: 'usr-kim', displayName: 'Kim', role: 'CHILD' as const, username: 'kim' };

export interface GraphQLCall {
  query: string;
  variables: Record<string, unknown>;
}

export interface StandInBff {
  /** GET /v1/me; undefined answers 401. */
  me: Me | undefined;
  unreadCount: number;
  /** The JSON answer to a GraphQL document (the stand-in knows no persisted operation ids). */
  graphql: (call: GraphQLCall) => unknown;
  readonly calls: GraphQLCall[];
  /** Sends a notification on every open event stream. */
  notify(notification: Notification): void;
}

export interface RenderOptions {
  /** Who is signed in; nobody when left out. */
  as?: 'parent' | 'child';
  /** The language picked in the header (kept in localStorage). */
  locale?: 'en' | 'de';
  /** The user's own locale (GET /v1/me). */
  userLocale?: string;
  path?: string;
}

export interface Rendered {
  container: HTMLElement;
  /** Where the page sent the user with router.replace, in order. */
  replaced: string[];
}

export interface ComponentWorld {
  bff: StandInBff;
  render(ui: ReactNode, options?: RenderOptions): Rendered;
  /** Waits until `check` passes (returns neither null nor false, and does not throw), as long as a user would wait. */
  waitFor<T>(check: () => T, timeoutMs?: number): Promise<Exclude<T, null | false>>;
}

// Node's own, taken before the window replaces them: node:http streams feed Node's EventTarget.
const { Event: NodeEvent, EventTarget: NodeEventTarget, MessageEvent: NodeMessageEvent } = globalThis;

// One window for the whole run, installed as the globals only while a component suite runs: React's
// client renderer keeps the functions it found when it loaded, so the window is never closed. Timers
// and microtasks stay Node's, which mocha and node:http use too.
let page: GlobalWindow | undefined;
const NOT_INSTALLED = new Set(['undefined', 'NaN', 'global', 'globalThis', 'constructor', 'console', 'process']);
const NODE_SCHEDULING = /^(set|clear)(Timeout|Interval|Immediate)$|^queueMicrotask$/;

/** Makes the window (at `url`) the globals; returns how to put Node's back. */
function installWindow(url: string): () => void {
  page ??= new GlobalWindow({ url, console: globalThis.console });
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

const nothing = () => {
  throw new Error('no GraphQL answer set for this test');
};

/** Registers the hooks of one suite: the stand-in BFF and the window before it, a fresh page per test. */
export function useComponentWorld(): ComponentWorld {
  useClassicJsx();
  let server: Server;
  let uninstallWindow: () => void;
  let createRoot: typeof import('react-dom/client').createRoot;
  const streams = new Set<ServerResponse>();
  const mounted: { root: Root; container: HTMLElement }[] = [];
  const calls: GraphQLCall[] = [];

  const bff: StandInBff = {
    me: undefined,
    unreadCount: 0,
    graphql: nothing,
    calls,
    notify(notification) {
      for (const stream of streams) stream.write(`event: notification\ndata: ${JSON.stringify(notification)}\n\n`);
    },
  };

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => answer(req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname, chunks, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    uninstallWindow = installWindow(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    (globalThis as Record<string, unknown>).EventSource = NodeEventSource;
    // React's client renderer reads the window when it loads, so it comes after the window.
    ({ createRoot } = await import('react-dom/client'));
  });

  afterEach(() => {
    for (const { root, container } of mounted.splice(0)) {
      root.unmount();
      container.remove();
    }
    for (const stream of streams) stream.end();
    streams.clear();
    window.sessionStorage.clear();
    window.localStorage.clear();
    Object.assign(bff, { me: undefined, unreadCount: 0, graphql: nothing });
    calls.splice(0);
  });

  after(async () => {
    delete (globalThis as Record<string, unknown>).EventSource;
    uninstallWindow();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function answer(method: string, path: string, chunks: Buffer[], res: ServerResponse) {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (method === 'GET' && path === '/v1/me') {
      if (bff.me) json(200, bff.me);
      else json(401, { status: 401, title: 'Unauthorized', detail: 'Not signed in', code: 'UNAUTHENTICATED' });
    } else if (method === 'GET' && path === '/v1/me/notifications') {
      json(200, { items: [], nextCursor: null, unreadCount: bff.unreadCount });
    } else if (method === 'GET' && path === '/v1/currencies') {
      json(200, {
        items: [
          { code: 'EUR', exponent: 2, name: 'Euro' },
          { code: 'JPY', exponent: 0, name: 'Japanese yen' },
          { code: 'BHD', exponent: 3, name: 'Bahraini dinar' },
        ],
      });
    } else if (method === 'GET' && path === '/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': open\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
    } else if (method === 'POST' && path === '/v1/auth/logout') {
      res.writeHead(204).end();
    } else if (method === 'POST' && path === '/graphql') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<GraphQLCall> & { documentId?: string };
      if (body.query === undefined) {
        // Like a BFF that has not got the operation yet: the SDK sends the document instead.
        json(200, {
          errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
        });
        return;
      }
      const call = { query: body.query, variables: body.variables ?? {} };
      calls.push(call);
      try {
        json(200, bff.graphql(call));
      } catch (err) {
        json(500, { status: 500, title: 'Internal Server Error', detail: String(err), code: 'INTERNAL' });
      }
    } else {
      json(404, { status: 404, title: 'Not Found', detail: `${method} ${path} is not served here`, code: 'NOT_FOUND' });
    }
  }

  function render(ui: ReactNode, options: RenderOptions = {}): Rendered {
    const member = options.as === 'parent' ? parent : options.as === 'child' ? child : undefined;
    if (member) {
      bff.me = {
        user: {
          id: member.userId,
          displayName: member.displayName,
          emailVerified: true,
          ...(options.userLocale ? { locale: options.userLocale } : {}),
        },
        memberships: [{ family, member }],
      };
      window.sessionStorage.setItem(
        'family.session',
        JSON.stringify({ accessToken: `access-${member.id}`, refreshToken: `refresh-${member.id}` }),
      );
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

  async function waitFor<T>(check: () => T, timeoutMs = 3000): Promise<Exclude<T, null | false>> {
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

  return { bff, render, waitFor };
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
 * happy-dom has no EventSource: a small one over node:http that reads `event:`/`data:` frames, enough
 * for the session's live notifications.
 */
class NodeEventSource extends NodeEventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = NodeEventSource.CONNECTING;
  onerror: ((event: Event) => void) | null = null;
  readonly #request: ClientRequest;

  constructor(readonly url: string) {
    super();
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
    this.onerror?.(new NodeEvent('error'));
  }
}
