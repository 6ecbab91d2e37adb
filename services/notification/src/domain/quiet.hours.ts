// Quiet hours: whether an instant falls inside a "HH:MM"–"HH:MM" window in an IANA zone, and how
// long until the window ends. Wall-clock arithmetic: on a DST change day the wait may be off by the
// shift (documented in docs/decisions/0013-notification-service.md).
import { dayIn } from '@family/service-kit/calendar';
import type { QuietHours } from './notification.types.js';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isHhMm(value: string): boolean {
  return HHMM.test(value);
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function minutes(hhmm: string): number {
  const m = HHMM.exec(hhmm)!;
  return Number(m[1]) * 60 + Number(m[2]);
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** Local wall-clock parts of `at` in `zone`: its calendar day (the kit's dayIn) and time of day. */
export function localParts(at: Date, zone: string): { date: string; minute: number; second: number } {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    clocks.set(zone, clock);
  }
  const parts = clock.formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? '0');
  return { date: dayIn(zone, at), minute: get('hour') * 60 + get('minute'), second: get('second') };
}

/** Milliseconds until the quiet window ends, or 0 when `at` is outside it (or it is off). */
export function quietDelayMs(quiet: QuietHours, zone: string, at: Date): number {
  if (!quiet.enabled || !isHhMm(quiet.start) || !isHhMm(quiet.end)) return 0;
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start === end) return 0;
  const { minute, second } = localParts(at, zone);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return 0;
  const waitMinutes = (end - minute + 1440) % 1440;
  return Math.max(0, waitMinutes * 60_000 - second * 1000 - at.getUTCMilliseconds());
}
