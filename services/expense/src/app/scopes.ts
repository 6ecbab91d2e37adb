/** Service-token scopes this service checks or asks for. */
export const SCOPE_EVENTS_WRITE = 'events:write';
export const SCOPE_EXPENSE_IMPORT = 'expense:import';
export const SCOPE_AUTH_READ = 'auth:read';
