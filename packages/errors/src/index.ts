export { AppError, type ErrorKind, type FieldViolation } from './app.error.js';
export { Violations } from './violations.js';
