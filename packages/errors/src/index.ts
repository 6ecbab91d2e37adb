export { AppError, type ErrorKind, type FieldViolation } from './app.error.js';
export { Violations } from './violations.js';
export { requireUuid, isUuid } from './uuid.js';
export { charLength, textProblem, textViolationsIn, type TextRule } from './text.rules.js';
