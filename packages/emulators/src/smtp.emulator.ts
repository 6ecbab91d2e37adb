// A real SMTP server (the smtp-server package) on 127.0.0.1:0 that accepts any sender, recipient and
// login, and records each mail with its envelope and minimally parsed headers and body. The mailbox
// is readable over HTTP too, so a developer can follow a link a mail carries: GET /messages (JSON
// list, newest first), GET /messages/{id} (one mail as JSON) and GET / (a plain page).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { sendJson, startHttpEmulator, type EmulatorListen } from './http.emulator.js';

export interface ReceivedMail {
  /** 1, 2, … in the order received. */
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  /** Header names in lower case; unfolded; the last value wins. */
  headers: Record<string, string>;
  subject: string;
  /** The body as sent (not decoded from quoted-printable or base64 beyond the top level). */
  body: string;
  raw: string;
}

export interface SmtpEmulator {
  host: string;
  port: number;
  /** smtp://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port> of the mailbox (GET /, /messages, /messages/{id}). */
  mailboxUrl: string;
  readonly mails: ReceivedMail[];
  /** The next `count` mails are refused with a 451 (a transient failure). */
  failNext(count: number): void;
  stop(): Promise<void>;
}

export function parseMail(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'body'> {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? raw : raw.slice(0, split);
  let body = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = headers['content-transfer-encoding']?.toLowerCase();
  if (encoding === 'quoted-printable') {
    body = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    body = Buffer.from(body, 'latin1').toString('utf8');
  } else if (encoding === 'base64') {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { headers, subject: headers.subject ?? '', body };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The mailbox as a plain page: each mail's envelope, subject and body, with its links clickable. */
function mailboxPage(mails: readonly ReceivedMail[]): string {
  const items = [...mails].reverse().map((m) => {
    const body = escapeHtml(m.body).replace(
      /https?:\/\/(?:[^\s<>&"']|&amp;)+/g,
      (url) => `<a href="${url}">${url}</a>`,
    );
    return `<article><h2>${escapeHtml(m.subject || '(no subject)')}</h2><p>${escapeHtml(m.from)} → ${escapeHtml(
      m.to.join(', '),
    )} · ${m.receivedAt} · <a href="/messages/${m.id}">JSON</a></p><pre>${body}</pre></article>`;
  });
  return `<!doctype html><meta charset="utf-8"><title>Local mailbox</title><h1>Local mailbox (${mails.length})</h1>${
    items.join('\n') || '<p>No mail yet.</p>'
  }`;
}

export async function startSmtpEmulator(options: { mailbox?: EmulatorListen } = {}): Promise<SmtpEmulator> {
  const mails: ReceivedMail[] = [];
  let failures = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'emulator' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          const err = Object.assign(new Error('emulated outage, try again later'), { responseCode: 451 });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          id: String(mails.length + 1),
          receivedAt: new Date().toISOString(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parseMail(raw),
          raw,
        });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const summary = (m: ReceivedMail) => ({
    id: m.id,
    receivedAt: m.receivedAt,
    from: m.from,
    to: m.to,
    subject: m.subject,
  });
  const mailbox = await startHttpEmulator((req, _body, res) => {
    const path = new URL(req.url ?? '/', 'http://mailbox').pathname;
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'only GET' });
    if (path === '/messages') return sendJson(res, 200, { items: [...mails].reverse().map(summary) });
    const one = /^\/messages\/([^/]+)$/.exec(path);
    if (one) {
      const mail = mails.find((m) => m.id === one[1]);
      return mail ? sendJson(res, 200, mail) : sendJson(res, 404, { error: 'no such message' });
    }
    if (path === '/') {
      const page = mailboxPage(mails);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
      res.end(page);
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  }, options.mailbox);
  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    mailboxUrl: mailbox.url,
    mails,
    failNext: (count) => {
      failures = count;
    },
    stop: async () => {
      await mailbox.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
