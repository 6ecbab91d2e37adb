export { expenseConfigSchema, type ExpenseConfig } from './config.js';
export { startExpenseService, type RunningExpenseService } from './service.js';
export { createExpenseServer } from './server.js';
export { SCOPE_EVENTS_WRITE, SCOPE_EXPENSE_IMPORT, SCOPE_EXPENSE_READ } from './app/scopes.js';
