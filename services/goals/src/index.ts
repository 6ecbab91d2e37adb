export { goalsConfigSchema, type GoalsConfig } from './config.js';
export { startGoalsService, type RunningGoalsService } from './service.js';
export { createGoalsServer } from './server.js';
