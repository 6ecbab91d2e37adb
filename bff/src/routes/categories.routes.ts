// Categories: every member lists them; parents create, rename, re-parent, archive and delete them
// (the expense service refuses a child with 403).
import { Router } from 'express';
import { z } from 'zod';
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { clearable } from '../dto/clearable.field.js';
import { CategoryDto, toCategoryDto } from '../dto/expense.dto.js';
import { PageQuery, pageOf, toNextCursor, toPageRequest } from '../dto/page.dto.js';
import { setVersionTag } from '../middleware/precondition.middleware.js';
import { apiRoute, type RouteContext } from './api.route.js';
import { FamilyParams } from './families.routes.js';
import { text } from '../dto/text.field.js';

const CategoryParams = z.object({ familyId: z.uuid(), categoryId: z.uuid() });

const name = text({ min: 1, max: 60 });
const icon = text({ max: 40 });
const color = text({ max: 20 }).meta({ example: '#4caf50' });

export const CreateCategoryBody = z
  .object({
    name,
    parentId: z.uuid().optional().meta({ description: 'Absent: a top-level category' }),
    icon: icon.optional(),
    color: color.optional(),
  })
  .meta({ id: 'CreateCategoryRequest' });

export const UpdateCategoryBody = z
  .object({
    name: name.optional(),
    parentId: z.uuid().nullable().optional().meta({ description: 'null makes it top-level' }),
    icon: icon.optional(),
    color: color.optional(),
    archived: z.boolean().optional().meta({ description: 'Hide from pickers, keep its history' }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'give at least one field to change',
  })
  .meta({ id: 'UpdateCategoryRequest' });

const ListCategoriesQuery = PageQuery.extend({
  includeArchived: z.stringbool().optional().meta({ description: 'true: archived categories too' }),
});

const DeleteCategoryQuery = z.object({
  reassignTo: z
    .uuid()
    .optional()
    .meta({ description: 'Move its expenses, budgets and rules here; absent leaves them uncategorized' }),
});

const CategoryPageDto = pageOf(CategoryDto, 'CategoryPage');

export function categoriesRoutes(ctx: Omit<RouteContext, 'router'> & { clients: BffClients }): Router {
  const router = Router();
  const route = { ...ctx, router };
  const { expense } = ctx.clients;
  const tag = 'categories';

  apiRoute(route, {
    method: 'get',
    path: '/v1/families/:familyId/categories',
    summary: "The family's categories (a default two-level set is seeded with the family)",
    tag,
    auth: true,
    request: { params: FamilyParams, query: ListCategoriesQuery },
    responses: { 200: { description: 'A page of categories', schema: CategoryPageDto } },
    errors: { 404: 'No such family among the caller’s' },
    async handler(req, res, { params, query }) {
      const r = await expense.listCategories(
        { familyId: params.familyId, page: toPageRequest(query), includeArchived: query.includeArchived ?? false },
        callOptions(req),
      );
      res.json({ items: r.categories.map(toCategoryDto), nextCursor: toNextCursor(r.page) });
    },
  });

  apiRoute(route, {
    method: 'post',
    path: '/v1/families/:familyId/categories',
    summary: 'Create a category (parents only)',
    tag,
    auth: true,
    etag: true,
    request: { params: FamilyParams, body: CreateCategoryBody },
    responses: { 201: { description: 'The category', schema: CategoryDto } },
    errors: {
      403: 'Only parents manage categories',
      404: 'No such family among the caller’s',
      409: 'A sibling has that name',
    },
    async handler(req, res, { params, body }) {
      const r = await expense.createCategory(
        {
          familyId: params.familyId,
          name: body.name,
          parentId: body.parentId ?? '',
          icon: body.icon ?? '',
          color: body.color ?? '',
        },
        callOptions(req),
      );
      const dto = toCategoryDto(r.category);
      setVersionTag(res, dto.version);
      res.status(201).location(`/v1/families/${params.familyId}/categories/${dto.id}`).json(dto);
    },
  });

  apiRoute(route, {
    method: 'patch',
    path: '/v1/families/:familyId/categories/:categoryId',
    summary: 'Rename, re-parent, archive or unarchive a category (parents only; If-Match required)',
    tag,
    auth: true,
    etag: true,
    ifMatch: 'required',
    request: { params: CategoryParams, body: UpdateCategoryBody },
    responses: { 200: { description: 'The category', schema: CategoryDto } },
    errors: { 403: 'Only parents manage categories', 404: 'No such category in the caller’s family' },
    async handler(req, res, { params, body }) {
      const r = await expense.updateCategory(
        {
          familyId: params.familyId,
          categoryId: params.categoryId,
          expectedVersion: req.expectedVersion ?? 0,
          name: body.name,
          parentId: clearable(body.parentId),
          icon: body.icon,
          color: body.color,
          archived: body.archived,
        },
        callOptions(req),
      );
      const dto = toCategoryDto(r.category);
      setVersionTag(res, dto.version);
      res.json(dto);
    },
  });

  apiRoute(route, {
    method: 'delete',
    path: '/v1/families/:familyId/categories/:categoryId',
    summary: 'Delete a category, moving what used it to `reassignTo` (parents only)',
    tag,
    auth: true,
    ifMatch: 'optional',
    request: { params: CategoryParams, query: DeleteCategoryQuery },
    responses: { 204: { description: 'Deleted' } },
    errors: {
      403: 'Only parents manage categories',
      404: 'No such category in the caller’s family',
      409: 'The category cannot be deleted (e.g. in use: archive it instead)',
    },
    async handler(req, res, { params, query }) {
      await expense.deleteCategory(
        {
          familyId: params.familyId,
          categoryId: params.categoryId,
          expectedVersion: req.expectedVersion ?? 0,
          reassignToCategoryId: query.reassignTo ?? '',
        },
        callOptions(req),
      );
      res.status(204).end();
    },
  });

  return router;
}
