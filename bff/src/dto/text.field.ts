// The zod side of the one text rule (@family/errors text.rules): every text field of a request DTO
// is built here, so each refuses control characters and invalid Unicode naming its field, and its
// length limits count characters (code points), not UTF-16 units.
import { z } from 'zod';
import { charLength, textProblem } from '@family/errors';

export interface TextFieldOptions {
  min?: number;
  max?: number;
  /** Trim surrounding white space before the length check (names). */
  trim?: boolean;
  /** Tab and line breaks allowed (notes, descriptions of several lines). */
  multiline?: boolean;
}

export function text(options: TextFieldOptions = {}) {
  const { min, max, trim = false, multiline = false } = options;
  const base = trim ? z.string().trim() : z.string();
  const checked = base.superRefine((value, ctx) => {
    const problem = textProblem(value, { multiline });
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return;
    }
    const length = charLength(value);
    if (min !== undefined && length < min) {
      ctx.addIssue({
        code: 'custom',
        message: min === 1 ? 'must not be empty' : `must be at least ${min} characters`,
      });
    } else if (max !== undefined && length > max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
    }
  });
  // The document says what the check enforces.
  return checked.meta({
    ...(min !== undefined ? { minLength: min } : {}),
    ...(max !== undefined ? { maxLength: max } : {}),
  });
}
