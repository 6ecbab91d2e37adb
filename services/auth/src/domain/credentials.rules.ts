// What an acceptable email, username, display name and password look like.
import { Violations, charLength } from '@family/errors';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** A login is an email when it has an @; otherwise it is a (child's) username. */
export function loginKind(login: string): 'email' | 'username' {
  return login.includes('@') ? 'email' : 'username';
}

export function checkEmail(v: Violations, field: string, email: string): void {
  v.check(email.length <= 254 && EMAIL.test(email.trim()), field, 'must be a valid email address');
}

export function checkUsername(v: Violations, field: string, username: string): void {
  v.check(
    USERNAME.test(normalizeUsername(username)),
    field,
    'must be 3-32 characters: letters, digits, dot, dash or underscore, starting with a letter or digit',
  );
}

export function checkDisplayName(v: Violations, field: string, name: string): void {
  const trimmed = name.trim();
  v.check(charLength(trimmed) >= 1 && charLength(trimmed) <= 80, field, 'must be 1-80 characters');
}

/** Length-based policy (NIST SP 800-63B): long enough, not absurdly long, not the login itself. */
export function checkPassword(v: Violations, field: string, password: string, login?: string): void {
  if (password.length < PASSWORD_MIN) v.add(field, `must be at least ${PASSWORD_MIN} characters`);
  else if (password.length > PASSWORD_MAX) v.add(field, `must be at most ${PASSWORD_MAX} characters`);
  else if (login && password.trim().toLowerCase() === login.trim().toLowerCase()) {
    v.add(field, 'must not be the same as the login');
  }
}
