// Service-token scopes this service checks.

/** Run the scheduler (tests, operations). */
export const SCOPE_GOALS_ADMIN = 'goals:admin';
/** List a family's chores without a membership (the notification digest). */
export const SCOPE_GOALS_READ = 'goals:read';
