import { expect } from 'chai';
import { quietDelayMs } from '../src/domain/quiet.hours.js';
import { formatMoney } from '@family/service-kit/money';
import { render, TEMPLATES } from '../src/domain/message.templates.js';
import { notificationId } from '../src/domain/notification.ids.js';
import { isUuid } from '@family/errors';

describe('notification rules', () => {
  const overnight = { enabled: true, start: '22:00', end: '07:00', timezone: '' };

  it('holds deliveries inside a window that crosses midnight until it ends', () => {
    // 06:30 in Berlin (UTC+1): 30 minutes left.
    expect(quietDelayMs(overnight, 'Europe/Berlin', new Date('2026-11-24T05:30:00Z'))).to.equal(30 * 60_000);
    // 22:00 sharp: nine hours.
    expect(quietDelayMs(overnight, 'Europe/Berlin', new Date('2026-11-24T21:00:00Z'))).to.equal(9 * 3600_000);
    // 07:00 sharp: the window is over.
    expect(quietDelayMs(overnight, 'Europe/Berlin', new Date('2026-11-24T06:00:00Z'))).to.equal(0);
  });

  it('handles a window within one day, and a disabled one', () => {
    const nap = { enabled: true, start: '13:00', end: '15:00', timezone: '' };
    expect(quietDelayMs(nap, 'America/New_York', new Date('2026-11-24T18:15:00Z'))).to.equal(105 * 60_000);
    expect(quietDelayMs(nap, 'America/New_York', new Date('2026-11-24T20:00:00Z'))).to.equal(0);
    expect(quietDelayMs({ ...nap, enabled: false }, 'UTC', new Date('2026-11-24T14:00:00Z'))).to.equal(0);
  });

  it('renders English templates and falls back to English for an unknown locale', () => {
    const en = render('allowance.paid', { amount: formatMoney(1250, 'EUR') });
    expect(en).to.deep.equal({ title: 'Allowance arrived', body: '€12.50 was added to your jars.' });
    expect(render('allowance.paid', { amount: 'x' }, 'xx').title).to.equal('Allowance arrived');
    expect(formatMoney(500, 'JPY')).to.equal('¥500');
    // Decimals come from ISO 4217, not ICU (which gives HUF none).
    expect(formatMoney(12345, 'HUF')).to.equal('HUF\u00a0123.45');
    expect(Object.keys(TEMPLATES)).to.include('en');
  });

  it('derives one stable UUID per (event, recipient)', () => {
    const a = notificationId('e1', 'u1');
    expect(isUuid(a)).to.equal(true);
    expect(notificationId('e1', 'u1')).to.equal(a);
    expect(notificationId('e1', 'u2')).not.to.equal(a);
  });
});
