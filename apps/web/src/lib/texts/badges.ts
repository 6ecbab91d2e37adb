// Names of the built-in badges (the gamification service's default catalog, by badge id and step) in
// the app's languages other than English. The service names them in English; a badge a parent made,
// or one this table does not know, keeps the name and description it was given.
import type { Locale } from '../i18n';

interface BadgeNames {
  title: string;
  description: string;
  /** Step key → name, for badges whose steps are named (tiers, ranks). */
  steps?: Record<string, string>;
}

const TIERS = { bronze: 'Bronze', silver: 'Silber', gold: 'Gold' };

const catalogDe: Record<string, BadgeNames> = {
  'first-chore': { title: 'Erste Aufgabe', description: 'Deine erste bestätigte Aufgabe' },
  'first-save': { title: 'Erstes Sparen', description: 'Deine ersten Münzen für ein Sparziel' },
  'first-goal': { title: 'Ziel erreicht', description: 'Dein erstes Sparziel erreicht' },
  'chore-champion': { title: 'Aufgaben-Champion', description: 'Bestätigte Aufgaben', steps: TIERS },
  'super-saver': { title: 'Super-Sparer', description: 'Für Sparziele gespart', steps: TIERS },
  'goal-getter': { title: 'Zielerreicher', description: 'Erreichte Sparziele', steps: TIERS },
  'limit-keeper': { title: 'Limit-Hüter', description: 'Wochen im Ausgabenlimit', steps: TIERS },
  'streak-star': { title: 'Serien-Star', description: 'Längste Serie in Tagen', steps: TIERS },
  'xp-rank': {
    title: 'Rang',
    description: 'XP insgesamt',
    steps: { rookie: 'Neuling', 'rising-star': 'Aufsteiger', pro: 'Profi', legend: 'Legende' },
  },
  // Missions: a badge for each one completed.
  'weekly-saver': {
    title: 'Dreimal sparen in dieser Woche',
    description: 'Zwischen Montag und Sonntag dreimal etwas für ein Sparziel zurücklegen',
  },
  'weekly-helper': {
    title: 'Fünf Aufgaben in dieser Woche',
    description: 'Zwischen Montag und Sonntag fünf bestätigte Aufgaben',
  },
  'monthly-helper': {
    title: 'Zwanzig Aufgaben in diesem Monat',
    description: 'In diesem Monat zwanzig bestätigte Aufgaben',
  },
};

const catalogs: Partial<Record<Locale, Record<string, BadgeNames>>> = { de: catalogDe };

/** An earned badge's name and description in `locale`. */
export function badgeText(
  locale: Locale,
  badge: { badgeId: string; kind: string; step: string; title: string; description: string | null },
): { title: string; description: string | null } {
  const names = catalogs[locale]?.[badge.badgeId];
  // A parent-made badge may reuse a catalog id's spelling; it keeps its own name.
  if (!names || badge.kind === 'CUSTOM') return { title: badge.title, description: badge.description };
  const step = names.steps?.[badge.step];
  if (badge.kind === 'TIERED' && step) return { title: `${names.title} (${step})`, description: names.description };
  if (badge.kind === 'CUMULATIVE' && step) return { title: step, description: names.description };
  return { title: names.title, description: names.description };
}
