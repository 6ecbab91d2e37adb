// The Expo push service, locally: POST /--/api/v2/push/send with Expo's request and response shapes
// (one ticket per message, at most 100 messages per request) and POST /--/api/v2/push/getReceipts (a
// receipt per known ticket id), able to fail with 5xx for a while and to report tokens as
// DeviceNotRegistered, in the ticket or only later in the receipt.
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
  /** Every send request that reached the emulator, including refused ones. */
  readonly requests: { accessToken?: string; failedWith?: number; messages?: number }[];
  /** Every getReceipts request: the ticket ids asked for. */
  readonly receiptRequests: string[][];
  /** The next `count` requests answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  /** Tickets for this token report `DeviceNotRegistered` from now on. */
  unregister(token: string): void;
  /**
   * Messages to this token are accepted from now on (an ok ticket), but their receipts report
   * `error` (default `DeviceNotRegistered`), as when Apple or Google refuse after Expo took them.
   */
  failReceipts(token: string, error?: string): void;
}

const SEND_PATH = '/--/api/v2/push/send';
const RECEIPTS_PATH = '/--/api/v2/push/getReceipts';
const MAX_MESSAGES = 100;

export async function startExpoEmulator(): Promise<ExpoEmulator> {
  const messages: ExpoPushMessage[] = [];
  const requests: ExpoEmulator['requests'] = [];
  const unregistered = new Set<string>();
  const receiptErrors = new Map<string, string>();
  const receiptRequests: string[][] = [];
  /** Ticket id → the receipt Expo would give for it. */
  const receipts = new Map<string, Record<string, unknown>>();
  const failures = new FailureBudget();
  let ticket = 0;
  const issue = (to: string) => {
    const id = `ticket-${++ticket}`;
    const error = receiptErrors.get(to);
    receipts.set(
      id,
      error
        ? { status: 'error', message: `"${to}" could not be delivered`, details: { error, expoPushToken: to } }
        : { status: 'ok' },
    );
    return { status: 'ok', id };
  };

  const started = await startHttpEmulator((req, raw, res) => {
    const body = () => (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    if (req.method === 'POST' && req.url === RECEIPTS_PATH) {
      const { ids } = JSON.parse(body()) as { ids?: unknown };
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
        sendJson(res, 400, { errors: [{ code: 'VALIDATION_ERROR', message: '"ids" must be an array of strings' }] });
        return;
      }
      receiptRequests.push(ids as string[]);
      // Unknown ids (never issued, or not ready) are left out, as Expo does.
      const data = Object.fromEntries(
        (ids as string[]).flatMap((id) => (receipts.has(id) ? [[id, receipts.get(id)]] : [])),
      );
      sendJson(res, 200, { data });
      return;
    }
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
    const parsed = JSON.parse(body()) as ExpoPushMessage | ExpoPushMessage[];
    const batch = Array.isArray(parsed) ? parsed : [parsed];
    requests.at(-1)!.messages = batch.length;
    if (batch.length > MAX_MESSAGES) {
      sendJson(res, 400, {
        errors: [{ code: 'PUSH_TOO_MANY_NOTIFICATIONS', message: `at most ${MAX_MESSAGES} messages per request` }],
      });
      return;
    }
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
          : issue(to),
      );
    });
    sendJson(res, 200, { data });
  });

  return {
    ...started,
    messages,
    requests,
    receiptRequests,
    failNext: (count, status) => failures.failNext(count, status),
    unregister: (token) => unregistered.add(token),
    failReceipts: (token, error = 'DeviceNotRegistered') => receiptErrors.set(token, error),
  };
}
