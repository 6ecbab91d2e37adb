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
  | 'bank.connection_needs_reauth'
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
    'bank.connection_needs_reauth': {
      title: 'Reconnect your bank',
      body: 'Your connection to {institution} needs you to sign in again to keep syncing.',
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
