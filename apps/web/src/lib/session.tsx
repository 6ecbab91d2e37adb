'use client';
// The signed-in user, their family and the SDK client every page uses; tokens kept for the tab's
// lifetime (sessionStorage), the language remembered (localStorage), notifications followed live.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  createFamilyClient,
  type FamilyClient,
  type SessionTokens,
  type TokenStore,
  type components,
} from '@family/sdk';
import { pickLocale, translate, type Locale, type MessageKey } from './i18n';
import { formatMoney, type Exponents } from './money';
import { ApiError, unwrap } from './problem';

export type Family = components['schemas']['Family'];
export type Member = components['schemas']['Member'];
export type User = components['schemas']['User'];
export type Notification = components['schemas']['Notification'];

const TOKENS_KEY = 'family.session';
const LOCALE_KEY = 'family.locale';

function storageTokenStore(): TokenStore {
  return {
    get() {
      const raw = window.sessionStorage.getItem(TOKENS_KEY);
      return raw ? (JSON.parse(raw) as SessionTokens) : undefined;
    },
    set(tokens) {
      if (tokens) window.sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
      else window.sessionStorage.removeItem(TOKENS_KEY);
    },
  };
}

export interface SessionState {
  client: FamilyClient;
  bffUrl: string;
  /** False until the stored session has been read (and /v1/me asked). */
  ready: boolean;
  /**
   * Why the stored session could not be read (the BFF unreachable, a request cut off by leaving the
   * page): the session is kept and can be read again with `reload`. Only a 401 ends it.
   */
  loadError: unknown;
  user: User | undefined;
  family: Family | undefined;
  member: Member | undefined;
  isParent: boolean;
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  money(amountMinor: number, currency?: string): string;
  exponents: Exponents;
  unread: number;
  setUnread(count: number): void;
  /** Grows by one with every live notification: pages re-read their data when it changes. */
  liveTick: number;
  latest: Notification | undefined;
  signIn(tokens: SessionTokens): Promise<void>;
  /** After creating a family: the new access token names the membership. */
  replaceAccessToken(accessToken: string): Promise<void>;
  signOut(): Promise<void>;
  reload(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  // The web server forwards the BFF's routes on this same origin.
  const bffUrl = typeof window === 'undefined' ? 'http://127.0.0.1' : window.location.origin;
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<unknown>();
  const [user, setUser] = useState<User>();
  const [family, setFamily] = useState<Family>();
  const [member, setMember] = useState<Member>();
  const [locale, setLocaleState] = useState<Locale>('en');
  const [exponents, setExponents] = useState<Exponents>(new Map());
  const [unread, setUnread] = useState(0);
  const [liveTick, setLiveTick] = useState(0);
  const [latest, setLatest] = useState<Notification>();
  const [sessionKey, setSessionKey] = useState(0);
  const ended = useRef<() => void>(() => {});

  const client = useMemo(
    () =>
      createFamilyClient({
        baseUrl: bffUrl,
        ...(typeof window === 'undefined' ? {} : { tokens: storageTokenStore() }),
        onSessionEnded: () => ended.current(),
      }),
    [bffUrl],
  );

  const reload = useCallback(async () => {
    if (!client.tokens.get()) {
      setUser(undefined);
      setFamily(undefined);
      setMember(undefined);
      setReady(true);
      return;
    }
    try {
      const me = unwrap(await client.rest.GET('/v1/me'));
      setUser(me.user);
      const first = me.memberships[0];
      setFamily(first?.family);
      setMember(first?.member);
      if (!window.localStorage.getItem(LOCALE_KEY) && me.user.locale) setLocaleState(pickLocale(me.user.locale));
      const inbox = await client.rest.GET('/v1/me/notifications', { params: { query: { limit: 1 } } });
      if (inbox.data) setUnread(inbox.data.unreadCount);
      setLoadError(undefined);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        client.tokens.set(undefined);
        setUser(undefined);
        setLoadError(undefined);
      } else {
        setLoadError(err);
      }
    } finally {
      setReady(true);
    }
  }, [client]);

  useEffect(() => {
    ended.current = () => {
      setUser(undefined);
      setFamily(undefined);
      setMember(undefined);
    };
    const stored = window.localStorage.getItem(LOCALE_KEY);
    setLocaleState(pickLocale(stored ?? window.navigator.language));
    void reload();
    // Unreachable, the table stays empty: amounts are shown with Intl's digits for the currency.
    client.rest.GET('/v1/currencies').then(
      (r) => {
        if (r.data) setExponents(new Map(r.data.items.map((c) => [c.code, c.exponent])));
      },
      () => undefined,
    );
  }, [client, reload]);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  // Live notifications over SSE; EventSource cannot send headers, so the token goes in the query.
  useEffect(() => {
    const tokens = client.tokens.get();
    if (!user || !tokens) return;
    const source = new EventSource(`${bffUrl}/v1/events?access_token=${encodeURIComponent(tokens.accessToken)}`);
    source.addEventListener('notification', (event) => {
      try {
        setLatest(JSON.parse((event as MessageEvent<string>).data) as Notification);
      } catch {
        setLatest(undefined);
      }
      setUnread((n) => n + 1);
      setLiveTick((n) => n + 1);
    });
    source.onerror = () => {
      // A stale token: refresh through any REST call, then reconnect with the new one.
      if (source.readyState === EventSource.CLOSED) {
        void client.rest.GET('/v1/me').then(() => setSessionKey((k) => k + 1));
      }
    };
    return () => source.close();
  }, [bffUrl, client, user, sessionKey]);

  const t = useCallback(
    (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params),
    [locale],
  );

  const state: SessionState = {
    client,
    bffUrl,
    ready,
    loadError,
    user,
    family,
    member,
    isParent: member?.role === 'OWNER' || member?.role === 'PARENT',
    locale,
    setLocale(next) {
      window.localStorage.setItem(LOCALE_KEY, next);
      setLocaleState(next);
    },
    t,
    money: (amountMinor, currency) =>
      formatMoney(amountMinor, currency ?? family?.currency ?? 'EUR', locale, exponents),
    exponents,
    unread,
    setUnread,
    liveTick,
    latest,
    async signIn(tokens) {
      client.tokens.set({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
      await reload();
    },
    async replaceAccessToken(accessToken) {
      const current = client.tokens.get();
      if (current) client.tokens.set({ ...current, accessToken });
      await reload();
    },
    async signOut() {
      const current = client.tokens.get();
      if (current) await client.rest.POST('/v1/auth/logout', { body: { refreshToken: current.refreshToken } });
      client.tokens.set(undefined);
      await reload();
    },
    reload,
  };

  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}
