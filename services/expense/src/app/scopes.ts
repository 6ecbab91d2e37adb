/** Service-token scopes this service checks or asks for. */
export const SCOPE_EVENTS_WRITE = 'events:write';
export const SCOPE_EXPENSE_IMPORT = 'expense:import';
/** Read a family's spending report and budgets without a membership (the notification digest). */
export const SCOPE_EXPENSE_READ = 'expense:read';
export const SCOPE_AUTH_READ = 'auth:read';
