// The local SMTP emulator's mailbox over HTTP: what a developer opens to follow a link a mail carries.
import { expect } from 'chai';
import { createTransport } from 'nodemailer';
import { startSmtpEmulator, type SmtpEmulator } from '@family/emulators';

describe('SMTP emulator mailbox over HTTP', () => {
  let smtp: SmtpEmulator;
  before(async () => {
    smtp = await startSmtpEmulator();
    const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'family@example.test',
      to: 'pat@example.test',
      subject: 'Confirm your email',
      text: 'Open https://app.family.test/verify?token=abc123 to confirm <pat>.',
    });
    await transport.sendMail({ from: 'family@example.test', to: 'kim@example.test', subject: 'Second', text: 'Hi' });
    transport.close();
  });
  after(() => smtp.stop());

  it('lists received mail as JSON, newest first', async () => {
    const r = await fetch(`${smtp.mailboxUrl}/messages`);
    expect(r.status).to.equal(200);
    const { items } = (await r.json()) as { items: { id: string; subject: string; to: string[] }[] };
    expect(items.map((m) => m.subject)).to.deep.equal(['Second', 'Confirm your email']);
    expect(items[1]!.to).to.deep.equal(['pat@example.test']);
  });

  it('shows one mail as JSON with its body, and 404 for an unknown id', async () => {
    const list = (await (await fetch(`${smtp.mailboxUrl}/messages`)).json()) as { items: { id: string }[] };
    const one = await fetch(`${smtp.mailboxUrl}/messages/${list.items[1]!.id}`);
    expect(one.status).to.equal(200);
    const mail = (await one.json()) as { subject: string; body: string; from: string };
    expect(mail).to.include({ subject: 'Confirm your email', from: 'family@example.test' });
    expect(mail.body).to.contain('https://app.family.test/verify?token=abc123');
    expect((await fetch(`${smtp.mailboxUrl}/messages/999`)).status).to.equal(404);
  });

  it('renders a plain page with the links clickable and the text escaped', async () => {
    const r = await fetch(`${smtp.mailboxUrl}/`);
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-type')).to.contain('text/html');
    const page = await r.text();
    expect(page).to.contain('<a href="https://app.family.test/verify?token=abc123">');
    expect(page).to.contain('&lt;pat&gt;');
    expect(page).not.to.contain('<pat>');
  });
});
