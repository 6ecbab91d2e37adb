// What a valid family looks like.
import { Violations, charLength } from '@family/errors';
import { currencyRefusal } from '@family/service-kit/money';

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));

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
  v.check(charLength(name) >= 1 && charLength(name) <= 80, 'name', 'must be 1-80 characters');
  const refusal = currencyRefusal(input.currency);
  if (refusal) v.add('currency', refusal);
  v.check(isTimeZone(input.timezone), 'timezone', 'must be an IANA time zone such as Europe/Berlin');
  v.throwIfAny();
}
