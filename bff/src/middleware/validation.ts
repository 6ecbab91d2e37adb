// Request validation with the same zod schemas the OpenAPI document is generated from. A failure is a
// 400 problem whose `errors` name each field by its camelCase path ("splits.0.amountMinor").
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, textViolationsIn, type FieldViolation } from '@family/errors';

export interface RequestSchemas {
  body?: z.ZodType;
  params?: z.ZodObject;
  query?: z.ZodObject;
}

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ValidInput<S extends RequestSchemas> {
  body: Infer<S['body']>;
  params: Infer<S['params']>;
  query: Infer<S['query']>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** What validate() parsed; read it through the typed handler of apiRoute(). */
      valid?: { body: unknown; params: unknown; query: unknown };
    }
  }
}

function violationsOf(error: z.ZodError, where: 'body' | 'params' | 'query'): FieldViolation[] {
  return error.issues.map((issue) => ({
    // A problem with the whole body (not an object at all) is reported against "body".
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : where,
    message: issue.message,
  }));
}

export function parseRequestPart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'params' | 'query',
): { data: z.output<S> } | { violations: FieldViolation[] } {
  const result = schema.safeParse(value);
  return result.success ? { data: result.data } : { violations: violationsOf(result.error, where) };
}

/** Parses params, query and body (in that order of reporting) and stores them on `req.valid`. */
export function validate(schemas: RequestSchemas): RequestHandler {
  return (req, _res, next) => {
    const violations: FieldViolation[] = [];
    const valid: { body: unknown; params: unknown; query: unknown } = {
      body: undefined,
      params: undefined,
      query: undefined,
    };
    for (const where of ['params', 'query', 'body'] as const) {
      const schema = schemas[where];
      if (!schema) continue;
      // A POST without a JSON body is treated as an empty object so each missing field is named.
      const raw = where === 'body' ? (req.body ?? {}) : req[where];
      const parsed = parseRequestPart(schema, raw, where);
      if ('violations' in parsed) violations.push(...parsed.violations);
      else valid[where] = parsed.data;
      // The text rule for every string, also those a DTO types loosely (ids, enums, e-mails): what
      // the DTO's own text() fields already named is not named twice.
      for (const found of textViolationsIn(raw, { multiline: true }, '')) {
        const field = found.field === 'body' ? where : found.field;
        if (!violations.some((v) => v.field === field)) violations.push({ field, message: found.message });
      }
    }
    if (violations.length > 0) {
      next(AppError.invalid(violations));
      return;
    }
    req.valid = valid;
    next();
  };
}
