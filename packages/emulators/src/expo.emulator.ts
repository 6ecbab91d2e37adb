// The Expo push service, locally: POST /--/api/v2/push/send with Expo's request and response shapes
// (one ticket per message), able to fail with 5xx for a while and to report tokens as
// DeviceNotRegistered.
import { gunzipSync } from 'node:zlib';
import { FailureBudget, sendJson, startHttpEmulator, type StartedEmulator } from './http.emulator.js';

export interface ExpoPushMessage {
  to: string | string[];
  title?: string;
  body?: string;
  data?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ExpoEmulator extends StartedEmulator {
  /** Every message of every accepted request, in arrival order. */
  readonly messages: ExpoPushMessage[];
  /** Every request that reached the emulator, including refused ones. */
  readonly requests: { accessToken?: string; failedWith?: number }[];
  /** The next `count` requests answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  /** Tickets for this token report `DeviceNotRegistered` from now on. */
  unregister(token: string): void;
}

const SEND_PATH = '/--/api/v2/push/send';

export async function startExpoEmulator(): Promise<ExpoEmulator> {
  const messages: ExpoPushMessage[] = [];
  const requests: ExpoEmulator['requests'] = [];
  const unregistered = new Set<string>();
  const failures = new FailureBudget();
  let ticket = 0;

  const started = await startHttpEmulator((req, raw, res) => {
    if (req.method !== 'POST' || req.url !== SEND_PATH) {
      sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: `No route ${req.method} ${req.url}` }] });
      return;
    }
    const auth = req.headers.authorization;
    const accessToken = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const failedWith = failures.take();
    requests.push({ ...(accessToken ? { accessToken } : {}), ...(failedWith ? { failedWith } : {}) });
    if (failedWith) {
      sendJson(res, failedWith, { errors: [{ code: 'INTERNAL_SERVER_ERROR', message: 'emulated outage' }] });
      return;
    }
    const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    const parsed = JSON.parse(text) as ExpoPushMessage | ExpoPushMessage[];
    const batch = Array.isArray(parsed) ? parsed : [parsed];
    // One ticket per recipient, in order, as Expo does for `to` arrays.
    const data = batch.flatMap((message) => {
      messages.push(message);
      const recipients = Array.isArray(message.to) ? message.to : [message.to];
      return recipients.map((to) =>
        unregistered.has(to)
          ? {
              status: 'error',
              message: `"${to}" is not a registered push notification recipient`,
              details: { error: 'DeviceNotRegistered', expoPushToken: to },
            }
          : { status: 'ok', id: `ticket-${++ticket}` },
      );
    });
    sendJson(res, 200, { data });
  });

  return {
    ...started,
    messages,
    requests,
    failNext: (count, status) => failures.failNext(count, status),
    unregister: (token) => unregistered.add(token),
  };
}
