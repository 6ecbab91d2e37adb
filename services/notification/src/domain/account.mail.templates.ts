// The texts of the mails about an account itself: an email-verification link and a password-reset link.

export type AccountMailPurpose = 'EMAIL_VERIFICATION' | 'PASSWORD_RESET';

/** The app page each link opens, with the token as `?token=`. */
const PAGES: Record<AccountMailPurpose, string> = {
  EMAIL_VERIFICATION: '/verify-email',
  PASSWORD_RESET: '/reset-password',
};

export function accountLink(appUrl: string, purpose: AccountMailPurpose, token: string): string {
  const url = new URL(PAGES[purpose], appUrl.endsWith('/') ? appUrl : `${appUrl}/`);
  url.searchParams.set('token', token);
  return url.toString();
}

/** Title and body (plain text) of the mail; `validFor` is e.g. "30 minutes". */
export function accountMail(purpose: AccountMailPurpose, link: string, validFor: string) {
  if (purpose === 'EMAIL_VERIFICATION') {
    return {
      title: 'Confirm your email address',
      body:
        `Open this link to confirm that this address is yours:\n\n${link}\n\n` +
        `The link works once, for ${validFor}. Until you confirm, you get no notifications by email ` +
        `and cannot reset your password by email. If you did not create an account, ignore this mail.`,
    };
  }
  return {
    title: 'Reset your password',
    body:
      `Open this link to choose a new password:\n\n${link}\n\n` +
      `The link works once, for ${validFor}; every device signed in to your account is signed out. ` +
      `If you did not ask for this, ignore this mail: your password stays as it is.`,
  };
}

/** "30 minutes", "2 days": how long a link works, rounded down to a whole unit. */
export function validFor(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const [n, unit] =
    minutes >= 2880
      ? [Math.floor(minutes / 1440), 'day']
      : minutes >= 120
        ? [Math.floor(minutes / 60), 'hour']
        : [minutes, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
