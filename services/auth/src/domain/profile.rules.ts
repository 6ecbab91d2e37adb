// What an acceptable phone number and locale look like, and the form each is stored in.
import type { Violations } from '@family/errors';

/** E.164: a plus, then 8-15 digits, the first not zero. */
const E164 = /^\+[1-9]\d{7,14}$/;
/** Longest canonical BCP 47 tag kept; anything longer is extension noise, not a language choice. */
export const LOCALE_MAX = 35;

/** A phone number without the spaces, dashes and parentheses people type for readability. */
export function normalizePhone(phone: string): string {
  return phone.replace(/[\s()-]/g, '');
}

/** Checks an already normalized phone number. */
export function checkPhone(v: Violations, field: string, phone: string): void {
  v.check(E164.test(phone), field, 'must be an international number in E.164 form, such as +4915123456789');
}

/** The canonical form of a BCP 47 tag (`EN-gb` → `en-GB`), or undefined when it is not one. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    return canonical;
  } catch {
    return undefined;
  }
}

export function checkLocale(v: Violations, field: string, canonical: string | undefined): void {
  v.check(
    canonical !== undefined && canonical.length <= LOCALE_MAX,
    field,
    `must be a BCP 47 language tag such as en-GB, at most ${LOCALE_MAX} characters`,
  );
}
