// Persisted (trusted) operations: the documents in ./operations, known by the SHA-256 of their text.
// A client sends `{"documentId": "sha256:<hex>", "variables": …}` (or Apollo's
// `extensions.persistedQuery.sha256Hash`) instead of the document; with GRAPHQL_PERSISTED_ONLY
// nothing else is executed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const OPERATIONS_DIR = new URL('./operations/', import.meta.url);

export interface PersistedOperation {
  name: string;
  id: string;
  document: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The repository's operations, by `sha256:<hex>` id. */
export function loadPersistedOperations(): Map<string, PersistedOperation> {
  const operations = new Map<string, PersistedOperation>();
  for (const file of readdirSync(OPERATIONS_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()) {
    const document = readFileSync(new URL(file, OPERATIONS_DIR), 'utf8');
    const id = `sha256:${sha256(document)}`;
    operations.set(id, { name: file.replace(/\.graphql$/, ''), id, document });
  }
  return operations;
}

function requestedId(params: { extensions?: Record<string, unknown> }): string | undefined {
  const persisted = params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  return typeof persisted?.sha256Hash === 'string' ? `sha256:${persisted.sha256Hash}` : undefined;
}

/**
 * Express middleware before the GraphQL server: `documentId` (the GraphQL-over-HTTP trusted documents
 * form) becomes the `persistedQuery` extension the server knows.
 */
export const acceptDocumentId: RequestHandler = (req, _res, next) => {
  const body = req.body as { documentId?: unknown; extensions?: Record<string, unknown> } | undefined;
  if (body && typeof body.documentId === 'string') {
    const { documentId, ...rest } = body as { documentId: string; extensions?: Record<string, unknown> };
    const hash = documentId.startsWith('sha256:') ? documentId.slice('sha256:'.length) : documentId;
    req.body = { ...rest, extensions: { ...rest.extensions, persistedQuery: { version: 1, sha256Hash: hash } } };
  }
  next();
};

export function usePersistedOperations(options: {
  operations: Map<string, PersistedOperation>;
  only: boolean;
}): Plugin {
  return {
    onParams({ params, setParams }) {
      const id = requestedId(params);
      if (id === undefined) {
        if (options.only) {
          throw createGraphQLError('Only persisted operations are accepted', {
            extensions: { code: 'PERSISTED_OPERATION_REQUIRED', http: { status: 400 } },
          });
        }
        return;
      }
      const operation = options.operations.get(id);
      if (!operation) {
        // Apollo's code: such clients then send the document itself (refused when persisted-only).
        throw createGraphQLError(`No persisted operation ${id}`, {
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
        });
      }
      setParams({ ...params, query: operation.document });
    },
  };
}
