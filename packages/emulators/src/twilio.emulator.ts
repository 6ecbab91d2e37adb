// Twilio's Messages API, locally: POST /2010-04-01/Accounts/{sid}/Messages.json (form-encoded, basic
// auth) answers a message resource and records it; it can fail with 5xx for a while.
import { FailureBudget, sendJson, startHttpEmulator, type StartedEmulator } from './http.emulator.js';

export interface TwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  /** The basic-auth user the request came with (the account SID or an API key). */
  username: string;
}

export interface TwilioEmulator extends StartedEmulator {
  readonly messages: TwilioMessage[];
  /** How many requests arrived, including refused ones. */
  readonly requestCount: () => number;
  /** The next `count` requests answer `status` (default 503). */
  failNext(count: number, status?: number): void;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export async function startTwilioEmulator(): Promise<TwilioEmulator> {
  const messages: TwilioMessage[] = [];
  const failures = new FailureBudget();
  let requests = 0;

  const started = await startHttpEmulator((req, raw, res) => {
    const match = MESSAGES_PATH.exec(new URL(req.url ?? '/', 'http://emulator').pathname);
    if (req.method !== 'POST' || !match) {
      sendJson(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      return;
    }
    requests += 1;
    const failedWith = failures.take();
    if (failedWith) {
      sendJson(res, failedWith, { code: 20500, message: 'emulated outage', status: failedWith });
      return;
    }
    const auth = req.headers.authorization ?? '';
    const username = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':')[0]! : '';
    const form = new URLSearchParams(raw.toString('utf8'));
    const accountSid = decodeURIComponent(match[1]!);
    const to = form.get('To') ?? '';
    const from = form.get('From') ?? form.get('MessagingServiceSid') ?? '';
    const body = form.get('Body') ?? '';
    if (!to || !body) {
      sendJson(res, 400, { code: 21604, message: "A 'To' phone number and a 'Body' are required.", status: 400 });
      return;
    }
    const sid = `SM${(messages.length + 1).toString(16).padStart(32, '0')}`;
    messages.push({ sid, accountSid, to, from, body, username });
    sendJson(res, 201, {
      sid,
      account_sid: accountSid,
      to,
      from,
      body,
      status: 'queued',
      num_segments: '1',
      direction: 'outbound-api',
      date_created: new Date().toUTCString(),
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  });

  return { ...started, messages, requestCount: () => requests, failNext: (c, s) => failures.failNext(c, s) };
}
