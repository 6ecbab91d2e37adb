// Expenses as CSV: the export streams the service's chunks to the response as they come (the whole
// file is never held in memory); the import takes a text/csv body and is all-or-nothing — a file with
// a bad row is refused with a 400 whose `errors` name the line and column of each.
import { once } from 'node:events';
import { Router } from 'express';
import { z } from 'zod';
import type { ExportExpensesCsvResponse } from '@family/contracts/expense/v1/expense';
import { AppError } from '@family/errors';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { CsvImportDto, CsvImportJobDto, CurrencyDto, toCsvImportDto, toCsvImportJobDto } from '../dto/expense.dto.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { ExpenseFilters, toExpenseFilter } from './expenses.routes.js';
import { FamilyParams } from './families.routes.js';

export const CSV_CONTENT_TYPE = 'text/csv';

const ImportQuery = z.object({
  defaultMemberId: z.uuid().optional().meta({ description: 'For rows without member_id; default the caller' }),
  defaultCurrency: CurrencyDto.optional().meta({ description: "For rows without currency; default the family's" }),
  dryRun: z.stringbool().optional().meta({ description: 'true: validate and count, write nothing' }),
});

const CsvText = z
  .string()
  .min(1, 'must be a CSV file with a header row')
  .meta({ description: 'UTF-8 CSV with a header row (the export’s columns; unknown columns are ignored)' });

const ImportParams = FamilyParams.extend({ importId: z.uuid() });

const FALLBACK_FILENAME = 'expenses.csv';

/** The service's suggested name if it is a plain file name, so it can go in a header unquoted. */
function attachmentName(suggested: string | undefined): string {
  return suggested && /^[\w.-]{1,100}$/.test(suggested) ? suggested : FALLBACK_FILENAME;
}

export function expenseCsvRoutes(
  ctx: Omit<RouteContext, 'router'> & { clients: BffClients; csvImportLimit: string },
): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;
  const tag = 'expenses';

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/expenses.csv',
    summary: 'Download the filtered expenses as CSV (streamed; same filters as the list)',
    tag,
    auth: true,
    request: { params: FamilyParams, query: ExpenseFilters },
    responses: {
      200: { description: 'The CSV file, header row first', schema: z.string(), contentType: CSV_CONTENT_TYPE },
    },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      // A client that goes away cancels the upstream call instead of letting it run to the end.
      const abort = new AbortController();
      const cancel = () => abort.abort();
      res.on('close', cancel);
      try {
        const stream = expense.exportExpensesCsv(toExpenseFilter(params.familyId, query), {
          ...callOptions(req),
          signal: abort.signal,
        });
        const chunks = stream[Symbol.asyncIterator]();
        // Nothing is sent until the first chunk: an upstream refusal (404, 400...) is still a problem.
        let step: IteratorResult<ExportExpensesCsvResponse>;
        try {
          step = await chunks.next();
        } catch (err) {
          if (abort.signal.aborted) return; // the client left; there is no one to answer
          throw err;
        }
        res.status(200);
        res.setHeader('Content-Type', `${CSV_CONTENT_TYPE}; charset=utf-8`);
        res.setHeader('Content-Disposition', `attachment; filename="${attachmentName(step.value?.filename)}"`);
        res.setHeader('Cache-Control', 'no-store');
        res.flushHeaders();
        try {
          for (; !step.done; step = await chunks.next()) {
            if (!res.write(step.value.chunk)) await once(res, 'drain', { signal: abort.signal });
          }
          res.end();
        } catch (err) {
          // The status line is gone: the only honest signal left is to cut the body short, so the
          // client sees a failed download rather than a complete-looking partial file.
          if (!abort.signal.aborted) req.log.warn({ err }, 'CSV export failed after the first chunk');
          res.destroy();
        }
      } finally {
        res.off('close', cancel);
      }
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/families/:familyId/expenses/import',
    summary: 'Import expenses from a CSV file (all or nothing; rows seen before are skipped as duplicates)',
    tag,
    auth: true,
    textBody: { contentType: CSV_CONTENT_TYPE, limit: ctx.csvImportLimit },
    request: { params: FamilyParams, query: ImportQuery, body: CsvText },
    responses: {
      200: { description: 'What was imported (or, for a dry run, would be)', schema: CsvImportDto },
      202: {
        description:
          'More than 2,000 rows: the file runs as an import job; poll the `Location` (…/expenses/imports/{importId})',
        schema: CsvImportJobDto,
      },
    },
    errors: {
      403: 'A child may import only their own expenses',
      404: 'No such family among the caller’s',
    },
    async handler(req, res, { params, query, body }) {
      const dryRun = query.dryRun ?? false;
      const r = await expense.importExpensesCsv(
        {
          familyId: params.familyId,
          csv: Buffer.from(body, 'utf8'),
          defaultMemberId: query.defaultMemberId ?? '',
          defaultCurrency: query.defaultCurrency ?? '',
          dryRun,
        },
        callOptions(req),
      );
      if (r.job) {
        const job = toCsvImportJobDto(r.job);
        res.status(202).location(`/v1/families/${params.familyId}/expenses/imports/${job.id}`).json(job);
        return;
      }
      const report = toCsvImportDto(r, dryRun);
      if (report.errors.length > 0 && report.importedCount === 0) {
        throw new AppError('INVALID_ARGUMENT', 'CSV_INVALID', 'The file has invalid rows; nothing was imported', {
          violations: report.errors.map((e) => ({ field: e.field, message: e.message, line: e.line })),
        });
      }
      res.json(report);
    },
  });

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/expenses/imports/:importId',
    summary: 'An import job: its status and, once finished, what was imported or every row error (kept 7 days)',
    tag,
    auth: true,
    request: { params: ImportParams },
    responses: { 200: { description: 'The import job', schema: CsvImportJobDto } },
    errors: { 404: 'No such import in the family (a child sees only their own)' },
    async handler(req, res, { params }) {
      const r = await expense.getCsvImport({ familyId: params.familyId, importId: params.importId }, callOptions(req));
      res.json(toCsvImportJobDto(r.import));
    },
  });

  return router;
}
