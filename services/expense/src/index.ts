export { expenseConfigSchema, type ExpenseConfig } from './config.js';
export { startExpenseService, type RunningExpenseService } from './service.js';
export { createExpenseServer } from './server.js';
