// Every service-token scope in the mesh, declared once: what a background caller may do at a service.
export const Scopes = {
  /** Read families and members at auth (services loading settings and rosters). */
  AUTH_READ: 'auth:read',
  /** Administer auth (create service clients). */
  AUTH_ADMIN: 'auth:admin',
  /** Deliver domain events to a consumer (every outbox relay). */
  EVENTS_WRITE: 'events:write',
  /** Import bank transactions as expenses. */
  EXPENSE_IMPORT: 'expense:import',
  /** Read a family's spending report and budgets without a membership (the notification digest). */
  EXPENSE_READ: 'expense:read',
  /** Run the goals scheduler (tests, operations). */
  GOALS_ADMIN: 'goals:admin',
  /** List a family's chores without a membership (the notification digest). */
  GOALS_READ: 'goals:read',
  /** Report delivery outcomes and device state back to the notification service (BFF workers). */
  NOTIFICATIONS_DELIVER: 'notifications:deliver',
} as const;

export type Scope = (typeof Scopes)[keyof typeof Scopes];
