// Notification texts by locale and template key. English only for now; another language is one more
// entry in TEMPLATES, and rendering tries the full tag ("de-AT"), then its language ("de"), then English.
export type TemplateKey =
  | 'spending_limit.exceeded'
  | 'budget.threshold_crossed'
  | 'chore.submitted'
  | 'chore.approved'
  | 'chore.rejected'
  | 'allowance.paid'
  | 'interest.paid'
  | 'goal.achieved.owner'
  | 'goal.achieved.parent'
  | 'achievement.unlocked.member'
  | 'achievement.unlocked.parent'
  | 'achievement.rewarded.member'
  | 'achievement.rewarded.parent'
  | 'level.reached.member'
  | 'level.reached.parent'
  | 'streak.milestone.member'
  | 'streak.milestone.parent'
  | 'quest.completed.member'
  | 'quest.completed.parent'
  | 'bank.connection_needs_reauth'
  | 'bank.consent_expired'
  | 'bank.connection_revoked'
  | 'bank.consent_expiring'
  | 'member.joined'
  | 'security.sessions_revoked'
  | 'digest.daily'
  | 'digest.family'
  | 'digest.family.categories'
  | 'digest.family.month'
  | 'digest.budget'
  | 'digest.budget.over'
  | 'digest.budgets'
  | 'digest.waiting'
  | 'digest.notifications';

/** Progress news with one text for the member and one for their parents (`<key>.member`, `<key>.parent`). */
export type CelebrationKey = 'achievement.unlocked' | 'achievement.rewarded' | 'level.reached' | 'streak.milestone';

interface Template {
  title: string;
  body: string;
}

export const DEFAULT_LOCALE = 'en';

/** `{name}` placeholders are filled from the params; unknown ones render empty. */
export const TEMPLATES: Record<string, Partial<Record<TemplateKey, Template>>> = {
  en: {
    'spending_limit.exceeded': {
      title: '{child} went over their spending limit',
      body: '{child} has spent {spent} this {period}, over the limit of {limit}.',
    },
    'budget.threshold_crossed': {
      title: 'Budget "{budget}" reached {percent}%',
      body: '{spent} of {limit} spent in this period.',
    },
    'chore.submitted': { title: 'Chore waiting for approval', body: '{child} finished "{chore}". {note}' },
    'chore.approved': { title: 'Chore approved!', body: '"{chore}" was approved. You earned {reward}.' },
    'chore.rejected': { title: 'Chore needs another look', body: '"{chore}" was not approved. {reason}' },
    'allowance.paid': { title: 'Allowance arrived', body: '{amount} was added to your jars.' },
    'interest.paid': { title: 'You earned interest', body: 'Your savings earned {amount}.' },
    'goal.achieved.owner': { title: 'Goal reached!', body: 'You saved {target} for "{goal}".' },
    'goal.achieved.parent': { title: '{child} reached a goal', body: '{child} saved {target} for "{goal}".' },
    // Achievements: always a celebration, never a comparison or a loss.
    'achievement.unlocked.member': { title: 'New badge: {badge}!', body: 'Well done, the "{badge}" badge is yours.' },
    'achievement.unlocked.parent': { title: '{child} earned a badge', body: '{child} unlocked "{badge}".' },
    'achievement.rewarded.member': {
      title: 'New badge: {badge}!',
      body: 'Well done, the "{badge}" badge is yours, and {reward} goes into your savings jar.',
    },
    'achievement.rewarded.parent': {
      title: '{child} earned a badge',
      body: '{child} unlocked "{badge}", and {reward} goes into their savings jar.',
    },
    'level.reached.member': { title: 'Level {level}!', body: 'You reached level {level}. Great work, keep going!' },
    'level.reached.parent': { title: '{child} reached level {level}', body: '{child} is now on level {level}.' },
    'streak.milestone.member': {
      title: '{days}-day streak!',
      body: 'You have kept it up {days} days in a row. Amazing!',
    },
    'streak.milestone.parent': {
      title: '{child} is on a {days}-day streak',
      body: '{child} has kept it up {days} days in a row.',
    },
    'quest.completed.member': {
      title: 'Quest complete: {quest}!',
      body: 'Together you did it: "{quest}" is complete. Great teamwork!',
    },
    'quest.completed.parent': {
      title: 'Family quest complete',
      body: '{members} completed "{quest}" together.',
    },
    // Bank links: calm, what happened, that nothing is lost, and what to do.
    'bank.connection_needs_reauth': {
      title: 'Reconnect {institution}',
      body:
        'Syncing from {institution}{linkedBy} is paused: the bank wants a fresh sign-in. Nothing is lost. Open ' +
        'Bank connections, choose Reconnect and sign in with the bank; syncing then picks up where it left off.',
    },
    'bank.consent_expired': {
      title: 'Reconnect {institution}',
      body:
        'The permission to read {institution}{linkedBy} has ended, as bank consent does after a while, so ' +
        'syncing is paused. Nothing is lost. Open Bank connections, choose Reconnect and give consent again; ' +
        'syncing then picks up where it left off.',
    },
    'bank.connection_revoked': {
      title: '{institution} is disconnected',
      body:
        'The connection to {institution}{linkedBy} was ended at the bank, so no new transactions arrive. Everything ' +
        'already imported stays. To keep syncing, open Bank connections and link the bank again.',
    },
    'bank.consent_expiring': {
      title: 'Renew access to {institution}',
      body:
        'The permission to read {institution}{linkedBy} ends {when}. Reconnect before then so transactions ' +
        'keep arriving without a gap: open Bank connections and choose Reconnect.',
    },
    'member.joined': { title: '{member} joined the family', body: '{member} is now a {role} in your family.' },
    'security.sessions_revoked': {
      title: 'You were signed out',
      body: 'All your sessions were ended ({reason}). If this was not you, change your password.',
    },
    'digest.daily': { title: 'Your family today ({date})', body: '{summary}' },
    // Digest fragments: only the body is used.
    'digest.family': { title: '', body: '{family}: {spent} spent today{categories}.' },
    'digest.family.categories': { title: '', body: '({list})' },
    'digest.family.month': { title: '', body: 'This month so far: {month} (the {days} days before: {previous}).' },
    'digest.budget': { title: '', body: '{budget} at {percent}% ({remaining} left)' },
    'digest.budget.over': { title: '', body: '{budget} at {percent}% (over by {over})' },
    'digest.budgets': { title: '', body: 'Budgets to watch: {list}.' },
    'digest.waiting': {
      title: '',
      body: 'Waiting for you: {chores} chore(s) to approve, {unread} unread notification(s).',
    },
    'digest.notifications': { title: '', body: "Today's notifications: {list}." },
  },
};

export function render(
  key: TemplateKey,
  params: Record<string, string>,
  locale = DEFAULT_LOCALE,
): { title: string; body: string } {
  const template =
    TEMPLATES[locale]?.[key] ?? TEMPLATES[locale.split('-')[0]!]?.[key] ?? TEMPLATES[DEFAULT_LOCALE]![key]!;
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '').trim();
  return { title: fill(template.title), body: fill(template.body) };
}
