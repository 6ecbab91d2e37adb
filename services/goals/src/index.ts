export { goalsConfigSchema, type GoalsConfig } from './config.js';
export { startGoalsService, type RunningGoalsService } from './service.js';
export { createGoalsServer } from './server.js';
export { SCOPE_GOALS_ADMIN, SCOPE_GOALS_READ } from './app/scopes.js';
