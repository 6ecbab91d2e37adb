// Texts of the bank screens, in English and German (same keys; merged into ../i18n).
export const bankEn = {
  bankLinkHint: 'You sign in on your bank provider’s own page, then come back here.',
  bankLinkUnfinished: 'Linking was not finished at the bank provider. Start again when you are ready.',
  bankBackToBank: 'Back to your bank connections',
  bankStatusActive: 'Connected',
  bankStatusNeedsReauth: 'Sign in again',
  bankStatusError: 'Not reachable',
  bankStatusRevoked: 'Disconnected',
  bankSyncing: 'Syncing…',
};

export const bankDe: Record<keyof typeof bankEn, string> = {
  bankLinkHint: 'Du meldest dich auf der Seite deines Bankanbieters an und kommst danach hierher zurück.',
  bankLinkUnfinished:
    'Die Verbindung wurde beim Bankanbieter nicht abgeschlossen. Starte sie neu, wenn du so weit bist.',
  bankBackToBank: 'Zurück zu deinen Bankverbindungen',
  bankStatusActive: 'Verbunden',
  bankStatusNeedsReauth: 'Erneut anmelden',
  bankStatusError: 'Nicht erreichbar',
  bankStatusRevoked: 'Getrennt',
  bankSyncing: 'Abgleich läuft…',
};
