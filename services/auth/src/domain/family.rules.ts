// What a valid family looks like.
import { Violations } from '@family/errors';

const currencies = new Set(Intl.supportedValuesOf('currency'));
const timeZones = new Set(Intl.supportedValuesOf('timeZone'));

export function isCurrency(code: string): boolean {
  return currencies.has(code);
}

export function isTimeZone(zone: string): boolean {
  if (timeZones.has(zone) || zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/');
  } catch {
    return false;
  }
}

export function checkFamily(input: { name: string; currency: string; timezone: string }): void {
  const v = new Violations();
  const name = input.name.trim();
  v.check(name.length >= 1 && name.length <= 80, 'name', 'must be 1-80 characters');
  v.check(isCurrency(input.currency), 'currency', 'must be an ISO 4217 currency code such as EUR');
  v.check(isTimeZone(input.timezone), 'timezone', 'must be an IANA time zone such as Europe/Berlin');
  v.throwIfAny();
}
